"""The versioned event envelope, one payload schema per event class, and the only code that turns
typed events (`service.domain.events`) into envelopes (JSON dicts) and back.

Writing dumps only: a typed event already has its payload's shape, so nothing is validated
twice. Reading (the consumers, anything that receives JSON from outside) loads with the schema:
an envelope or payload that does not fit raises `ValidationError`.

Schema version 2 took a person's characteristics off the queue (version 1 carried sex, birth year,
age band, vulnerable groups, district, settlement, education and labour status). Version 1
envelopes, written before an upgrade and still in the outbox, a queue or the dead letters, are
read too: their retired fields are dropped.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from schemas.base import BaseSchema, one_of
from service.domain import enrolments, events, follow_ups, placements, trainees, vacancies
from service.domain.events import Envelope, Event

SCHEMA_VERSION = 2
#: Versions a consumer reads (see `_from_version_1`).
READABLE_VERSIONS = (1, SCHEMA_VERSION)


class TraineeRegisteredSchema(BaseSchema):
    trainee_id = fields.UUID(required=True)


class TraineeUpdatedSchema(BaseSchema):
    trainee_id = fields.UUID(required=True)
    changed = fields.List(fields.String(validate=one_of(trainees.CATEGORICAL_FACTS)), required=True)

    @ma.post_load
    def _frozen(self, data, **_kwargs):
        return {**data, "changed": tuple(data["changed"])}


class TraineeMergeSchema(BaseSchema):
    merge_id = fields.UUID(required=True)
    trainee_id = fields.UUID(required=True)
    duplicate_id = fields.UUID(required=True)


class EnrolmentCreatedSchema(BaseSchema):
    enrolment_id = fields.UUID(required=True)
    trainee_id = fields.UUID(required=True)
    project_id = fields.UUID(required=True)
    cohort_id = fields.UUID(required=True, allow_none=True)
    enrolled_on = fields.Date(required=True)


class EnrolmentEntryCorrectedSchema(BaseSchema):
    enrolment_id = fields.UUID(required=True)
    trainee_id = fields.UUID(required=True)
    project_id = fields.UUID(required=True)
    corrected = fields.List(fields.String(validate=one_of(enrolments.AT_ENTRY)), required=True,
                            validate=validate.Length(min=1))

    @ma.post_load
    def _frozen(self, data, **_kwargs):
        return {**data, "corrected": tuple(data["corrected"])}


class EnrolmentExitedSchema(BaseSchema):
    enrolment_id = fields.UUID(required=True)
    trainee_id = fields.UUID(required=True)
    project_id = fields.UUID(required=True)
    enrolled_on = fields.Date(required=True)
    exited_on = fields.Date(required=True)
    exit_reason = fields.String(required=True, allow_none=True, validate=one_of(enrolments.EXIT_REASONS))
    qualification_gained = fields.Boolean(required=True, allow_none=True)


class ReferralCreatedSchema(BaseSchema):
    referral_id = fields.UUID(required=True)
    trainee_id = fields.UUID(required=True)
    vacancy_id = fields.UUID(required=True)
    employer_id = fields.UUID(required=True)


class ReferralHiredSchema(ReferralCreatedSchema):
    placement_id = fields.UUID(required=True)


class PlacementStartedSchema(BaseSchema):
    placement_id = fields.UUID(required=True)
    trainee_id = fields.UUID(required=True)
    employer_id = fields.UUID(required=True)
    vacancy_id = fields.UUID(required=True, allow_none=True)
    started_on = fields.Date(required=True)
    wage_monthly = fields.Decimal(required=True, as_string=True)
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    hours_per_week = fields.Integer(required=True)
    contract_type = fields.String(required=True, validate=one_of(vacancies.CONTRACT_TYPES))
    formal = fields.Boolean(required=True)


class PlacementEndedSchema(PlacementStartedSchema):
    ended_on = fields.Date(required=True)
    reason = fields.String(required=True, validate=one_of(placements.END_REASONS))


class FollowUpReopenedSchema(BaseSchema):
    """Which checkpoint of which enrolment: all that `follow_up.reopened` says."""

    follow_up_id = fields.UUID(required=True)
    enrolment_id = fields.UUID(required=True)
    trainee_id = fields.UUID(required=True)
    checkpoint = fields.String(required=True, validate=one_of(follow_ups.CHECKPOINTS))
    due_on = fields.Date(required=True)


class FollowUpRecordedSchema(FollowUpReopenedSchema):
    status = fields.String(required=True, validate=one_of(follow_ups.STATUSES))
    employment_status = fields.String(required=True, validate=one_of(follow_ups.EMPLOYMENT_STATUSES))
    wage_monthly = fields.Decimal(required=True, allow_none=True, as_string=True)
    currency = fields.String(required=True, allow_none=True)
    source = fields.String(required=True, validate=one_of(follow_ups.SOURCES))


class TargetMilestoneReachedSchema(BaseSchema):
    """`project_id` null: the organisation's programme-wide target."""

    project_id = fields.UUID(required=True, allow_none=True)
    percent = fields.Integer(required=True, validate=one_of((25, 50, 75, 100)))
    target = fields.Integer(required=True, validate=validate.Range(min=1))
    reached = fields.Integer(required=True, validate=validate.Range(min=0))


#: The payload schema of each event class (`tests/unit/test_event_catalogue.py` checks that none is missing).
PAYLOAD_SCHEMAS: dict[type[Event], BaseSchema] = {
    events.TraineeRegistered: TraineeRegisteredSchema(),
    events.TraineeUpdated: TraineeUpdatedSchema(),
    events.TraineeMerged: TraineeMergeSchema(),
    events.TraineeMergeUndone: TraineeMergeSchema(),
    events.EnrolmentCreated: EnrolmentCreatedSchema(),
    events.EnrolmentEntryCorrected: EnrolmentEntryCorrectedSchema(),
    events.EnrolmentCompleted: EnrolmentExitedSchema(),
    events.EnrolmentDroppedOut: EnrolmentExitedSchema(),
    events.ReferralCreated: ReferralCreatedSchema(),
    events.ReferralHired: ReferralHiredSchema(),
    events.PlacementStarted: PlacementStartedSchema(),
    events.PlacementEnded: PlacementEndedSchema(),
    events.FollowUpRecorded: FollowUpRecordedSchema(),
    events.FollowUpReopened: FollowUpReopenedSchema(),
    events.TargetMilestoneReached: TargetMilestoneReachedSchema(),
}


class EnvelopeSchema(BaseSchema):
    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=one_of(events.CATALOGUE))
    occurred_at = fields.AwareDateTime(required=True)
    organisation_id = fields.UUID(required=True)
    schema_version = fields.Integer(required=True, validate=one_of(READABLE_VERSIONS))
    data = fields.Dict(required=True)


def dump_envelope(envelope: Envelope) -> dict:
    """The envelope's JSON form, as written to the outbox and published."""
    event = envelope.event
    return {"id": str(envelope.id), "type": event.routing_key, "occurred_at": envelope.occurred_at.isoformat(),
            "organisation_id": str(event.organisation_id), "schema_version": SCHEMA_VERSION,
            "data": PAYLOAD_SCHEMAS[type(event)].dump(event)}


def load_envelope(message: dict) -> Envelope:
    """The typed envelope of a received JSON message; raises `ValidationError` when it does not fit."""
    header = _ENVELOPE.load(message)
    cls = events.CATALOGUE[header["type"]]
    payload = header["data"] if header["schema_version"] == SCHEMA_VERSION else _from_version_1(cls, header["data"])
    data = PAYLOAD_SCHEMAS[cls].load(payload)
    return Envelope(header["id"], header["occurred_at"], cls(organisation_id=header["organisation_id"], **data))


#: What version 1 payloads held that version 2 does not.
_RETIRED = frozenset({"sex", "birth_year", "age_band", "vulnerable_groups", "district", "settlement_type",
                      "education_level", "labour_status"})


def _from_version_1(cls: type[Event], data: dict) -> dict:
    """A version 1 payload as version 2 has it: the retired fields dropped. Its `trainee.updated` did not
    say what changed, so every fact that may have is named."""
    upgraded = {key: value for key, value in data.items() if key not in _RETIRED}
    if cls is events.TraineeUpdated:
        upgraded.setdefault("changed", list(trainees.CATEGORICAL_FACTS))
    return upgraded


# Built once: a schema per event would cost more than the rest of writing it.
_ENVELOPE = EnvelopeSchema()
