"""The versioned event envelope and one payload schema per event type.

Used when writing outbox rows and, by the consumers, when reading them back: a payload
carries ids and categorical facts only, never names, contact details or national ids.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from schemas.base import BaseSchema, one_of
from service.domain import enrolments, follow_ups, people, placements, vacancies

SCHEMA_VERSION = 1


class TraineeRegisteredSchema(BaseSchema):
    trainee_id = fields.UUID(required=True)
    sex = fields.String(required=True, validate=one_of(people.SEXES))
    birth_year = fields.Integer(required=True)
    settlement_type = fields.String(required=True, validate=one_of(people.SETTLEMENT_TYPES))
    education_level = fields.String(required=True, validate=one_of(people.EDUCATION_LEVELS))
    labour_status = fields.String(required=True, validate=one_of(people.LABOUR_STATUSES))
    vulnerable_groups = fields.List(fields.String(validate=one_of(people.VULNERABLE_GROUPS)), required=True)
    district = fields.String(required=True, allow_none=True)


class EnrolmentCreatedSchema(BaseSchema):
    enrolment_id = fields.UUID(required=True)
    trainee_id = fields.UUID(required=True)
    project_id = fields.UUID(required=True)
    cohort_id = fields.UUID(required=True, allow_none=True)
    enrolled_on = fields.Date(required=True)
    sex = fields.String(required=True, validate=one_of(people.SEXES))
    age_band = fields.String(required=True, allow_none=True)


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


class FollowUpCheckpointSchema(BaseSchema):
    """Which checkpoint of which enrolment: all that `follow_up.reopened` says."""

    follow_up_id = fields.UUID(required=True)
    enrolment_id = fields.UUID(required=True)
    trainee_id = fields.UUID(required=True)
    checkpoint = fields.String(required=True, validate=one_of(follow_ups.CHECKPOINTS))
    due_on = fields.Date(required=True)


class FollowUpRecordedSchema(FollowUpCheckpointSchema):
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


PAYLOAD_SCHEMAS: dict[str, BaseSchema] = {
    "trainee.registered": TraineeRegisteredSchema(),
    "trainee.updated": TraineeRegisteredSchema(),
    "enrolment.created": EnrolmentCreatedSchema(),
    "enrolment.completed": EnrolmentExitedSchema(),
    "enrolment.dropped_out": EnrolmentExitedSchema(),
    "referral.created": ReferralCreatedSchema(),
    "referral.hired": ReferralHiredSchema(),
    "placement.started": PlacementStartedSchema(),
    "placement.ended": PlacementEndedSchema(),
    "follow_up.recorded": FollowUpRecordedSchema(),
    "follow_up.reopened": FollowUpCheckpointSchema(),
    "target.milestone_reached": TargetMilestoneReachedSchema(),
}


class EnvelopeSchema(BaseSchema):
    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=one_of(PAYLOAD_SCHEMAS))
    occurred_at = fields.AwareDateTime(required=True)
    organisation_id = fields.UUID(required=True)
    schema_version = fields.Integer(required=True, validate=validate.Equal(SCHEMA_VERSION))
    data = fields.Dict(required=True)

    @ma.post_load
    def _load_payload(self, envelope, **_kwargs):
        envelope["data"] = PAYLOAD_SCHEMAS[envelope["type"]].load(envelope["data"])
        return envelope


def dump_envelope(envelope: dict) -> dict:
    """Validate a payload (already in its JSON form) and return the envelope's JSON form."""
    PAYLOAD_SCHEMAS[envelope["type"]].load(envelope["data"])  # raises on a bad payload
    dumped = _ENVELOPE_HEADER.dump(envelope)
    dumped["data"] = envelope["data"]
    return dumped


def load_envelope(message: dict) -> dict:
    return _ENVELOPE.load(message)


# Built once: a schema per event would cost more than the rest of writing it.
_ENVELOPE = EnvelopeSchema()
_ENVELOPE_HEADER = EnvelopeSchema(exclude=("data",))
