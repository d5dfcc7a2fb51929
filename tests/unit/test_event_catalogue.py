"""The event catalogue holds together: every event class has a payload schema, goes to JSON and back
unchanged, carries no personal characteristics, and every consumer handles or consciously ignores it."""

from __future__ import annotations

import ast
import json
import typing
import uuid
from dataclasses import fields
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from types import NoneType, UnionType

import pytest
from marshmallow import ValidationError

from schemas.events import PAYLOAD_SCHEMAS, SCHEMA_VERSION, dump_envelope, load_envelope
from service.domain import events
from service.domain.events import CATALOGUE, Envelope, Event
from workers.registry import load_all

CLASSES = sorted(CATALOGUE.values(), key=lambda cls: cls.routing_key)
#: Values of the fields whose type alone does not make a valid one (vocabularies, ranges).
SAMPLES = {"exit_reason": "found_job", "checkpoint": "month_6", "status": "recorded", "employment_status": "employed",
           "source": "placement", "contract_type": "permanent", "reason": "resigned", "currency": "TRY",
           "changed": ("district", "sex"), "corrected": ("age", "labour_status"), "percent": 75, "target": 200,
           "reached": 150}
BY_TYPE = {uuid.UUID: uuid.uuid4, date: lambda: date(2026, 3, 1), Decimal: lambda: Decimal("28500.50"),
           int: lambda: 40, bool: lambda: True, str: lambda: "text"}
#: What no event may carry (SPEC section 4, and issue 13: characteristics are read from the records).
PERSONAL = {"given_name", "family_name", "name", "phone", "email", "national_id", "national_id_hash", "birth_date",
            "birth_year", "sex", "age", "age_band", "vulnerable_groups", "district", "settlement_type",
            "education_level", "labour_status"}


def payload_fields(cls: type[Event]) -> list[str]:
    return [field.name for field in fields(cls) if field.name != "organisation_id"]


def sample(cls: type[Event], *, optional_none: bool) -> Event:
    """An event of `cls` with a value in every field (optional ones None when `optional_none`)."""
    values = {}
    for name, hint in typing.get_type_hints(cls).items():
        if typing.get_origin(hint) is typing.ClassVar:
            continue
        if isinstance(hint, UnionType):
            if optional_none:
                values[name] = None
                continue
            [hint] = [arg for arg in typing.get_args(hint) if arg is not NoneType]
        values[name] = SAMPLES[name] if name in SAMPLES else BY_TYPE[hint]()
    return cls(**values)


def test_every_event_class_is_in_the_catalogue_by_its_routing_key_and_only_once():
    assert all(cls.routing_key == key for key, cls in CATALOGUE.items())
    with pytest.raises(ValueError, match="two event classes"):
        type("Again", (events.TraineeRegistered,), {"routing_key": "trainee.registered"})


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.routing_key)
def test_every_event_class_has_a_schema_of_exactly_its_fields(cls):
    assert set(PAYLOAD_SCHEMAS) == set(CATALOGUE.values())
    assert list(PAYLOAD_SCHEMAS[cls].fields) == payload_fields(cls)


@pytest.mark.parametrize("optional_none", [False, True], ids=["filled", "optional-none"])
@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.routing_key)
def test_every_event_goes_through_json_and_back_unchanged(cls, optional_none):
    envelope = Envelope(uuid.uuid4(), datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=timezone.utc),
                        sample(cls, optional_none=optional_none))
    written = dump_envelope(envelope)
    assert (written["type"], written["schema_version"]) == (cls.routing_key, SCHEMA_VERSION)
    assert list(written["data"]) == payload_fields(cls)
    received = json.loads(json.dumps(written))
    assert load_envelope(received) == envelope


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.routing_key)
def test_no_event_carries_personal_data_beyond_ids(cls):
    assert not PERSONAL & set(payload_fields(cls))


#: Which consumers apply each event class; every other consumer leaves it alone, and why. A new event
#: class fails the test below until it has its row here.
HANDLED_BY = {
    events.TraineeRegistered: {"metrics"},
    events.TraineeUpdated: {"metrics"},
    events.TraineeMerged: {"metrics"},  # both people re-derived; milestones: reach is counted once, as it grew
    events.TraineeMergeUndone: {"metrics"},
    events.EnrolmentCreated: {"metrics", "milestones"},  # outcomes: no follow-up before an exit
    events.EnrolmentCompleted: {"metrics", "outcomes"},  # milestones: reach counts people enrolled only
    events.EnrolmentDroppedOut: {"metrics", "outcomes"},
    events.EnrolmentEntryCorrected: {"metrics"},  # outcomes: a follow-up does not depend on the person at entry
    events.ReferralCreated: set(),  # no metric counts referrals
    events.ReferralHired: set(),  # its job is the placement.started that comes with it
    events.PlacementStarted: {"metrics", "outcomes"},
    events.PlacementEnded: {"metrics", "outcomes"},
    events.FollowUpRecorded: {"metrics"},  # outcomes: its own effects, and the caseworkers'
    events.FollowUpReopened: {"metrics"},
    events.TargetMilestoneReached: set(),  # for outside subscribers: made from what the read model has
}


def test_every_event_class_is_handled_or_left_alone_on_purpose_by_each_consumer():
    assert set(HANDLED_BY) == set(CATALOGUE.values()), "classes without a row in HANDLED_BY: " + ", ".join(
        sorted(cls.routing_key for cls in set(CATALOGUE.values()) - set(HANDLED_BY)))
    consumers = load_all()
    assert set().union(*HANDLED_BY.values()) <= set(consumers)
    for name, consumer in consumers.items():
        handled = {cls for cls, names in HANDLED_BY.items() if name in names}
        assert set(consumer.handlers) == handled, name
        # Its queue is bound to exactly what it handles.
        assert sorted(consumer.routing_keys) == sorted(cls.routing_key for cls in handled), name


def test_a_payload_that_does_not_fit_is_refused_when_read():
    written = dump_envelope(Envelope(uuid.uuid4(), datetime(2026, 3, 1, tzinfo=timezone.utc),
                                     sample(events.FollowUpRecorded, optional_none=False)))
    for data in ({**written["data"], "status": "maybe"}, {**written["data"], "sex": "female"},
                 {key: value for key, value in written["data"].items() if key != "trainee_id"}):
        with pytest.raises(ValidationError):
            load_envelope({**written, "data": data})
    with pytest.raises(ValidationError):
        load_envelope({**written, "type": "follow_up.forgotten"})
    with pytest.raises(ValidationError):
        load_envelope({**written, "schema_version": 3})


def test_a_version_1_envelope_from_before_the_upgrade_is_read_without_its_retired_fields():
    """Rows still in the outbox, a queue or the dead letters when version 2 is deployed."""
    trainee_id, organisation_id = uuid.uuid4(), uuid.uuid4()
    facts = {"trainee_id": str(trainee_id), "sex": "female", "birth_year": 1990, "settlement_type": "urban",
             "education_level": "tertiary", "labour_status": "inactive", "vulnerable_groups": ["neet"],
             "district": "Konak"}
    header = {"id": str(uuid.uuid4()), "occurred_at": "2026-01-01T00:00:00+00:00",
              "organisation_id": str(organisation_id), "schema_version": 1}
    registered = load_envelope({**header, "type": "trainee.registered", "data": facts})
    assert registered.event == events.TraineeRegistered(organisation_id=organisation_id, trainee_id=trainee_id)
    updated = load_envelope({**header, "type": "trainee.updated", "data": facts})
    assert updated.event.trainee_id == trainee_id and "sex" in updated.event.changed
    enrolled = load_envelope({**header, "type": "enrolment.created", "data": {
        "enrolment_id": str(trainee_id), "trainee_id": str(trainee_id), "project_id": str(trainee_id),
        "cohort_id": None, "enrolled_on": "2026-03-01", "sex": "female", "age_band": "18-24"}})
    assert enrolled.event.enrolled_on == date(2026, 3, 1)


def test_the_database_layer_stores_envelopes_without_knowing_their_schemas():
    """service/db takes envelopes made (service.services.events turns typed events into them)."""
    root = Path(__file__).resolve().parents[2]
    for path in sorted((root / "service" / "db").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not [name for name in names if name.split(".")[0] == "schemas"], path
