"""Freshness (issue 14, item 10; SPEC section 7): `as_of` is a watermark and `pending_events` counts what
the metrics consumer has still to apply.

These tests use a client that does NOT apply events after each write (unlike the API tests' `client`):
they apply them when they choose (`drain`), or publish them without applying them, as a stopped or
lagging consumer would.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from schemas.events import load_envelope
from service.app import create_app
from service.clock import utcnow
from service.db import outbox, retention
from service.db.models import OutboxMessage, ProcessedEvent
from service.domain.events import CATALOGUE
from service.ids import new_id
from service.metrics import freshness
from tests.api.helpers import create_project, enrol, ok, register_trainee, url
from workers.metrics import MetricsConsumer

KINDS = ("reach", "outcomes", "indicators")


@pytest.fixture
def lagging(app):
    """A client after whose writes nothing is applied."""
    return app.test_client()


def header(client, headers, kind: str = "reach") -> tuple[datetime | None, int]:
    body = ok(client.get(url(f"/metrics/{kind}"), headers=headers))
    return (None if body["as_of"] is None else datetime.fromisoformat(body["as_of"])), body["pending_events"]


def metric_events(pathways, organisation_id: str) -> list[OutboxMessage]:
    """The organisation's events the metrics consumer applies, oldest first."""
    _consumer, types = freshness.subscription()
    with pathways.session_factory() as session:
        return list(session.scalars(select(OutboxMessage).where(
            OutboxMessage.organisation_id == uuid.UUID(organisation_id), OutboxMessage.type.in_(types))
            .order_by(OutboxMessage.occurred_at)))


def publish_without_applying(pathways) -> int:
    """What a relay does while the metrics consumer is stopped: the rows are published, nobody applies them."""
    token = new_id()
    with pathways.uow() as uow:
        rows = outbox.claim(uow.session, token=token, lease=timedelta(minutes=5), limit=1000)
        outbox.mark_published(uow.session, token=token, ids=[row.id for row in rows])
        uow.commit()
    return len(rows)


def test_an_event_not_applied_holds_as_of_below_it_and_counts_as_pending(lagging, tenant, pathways, drain):
    manager, caseworker = tenant.headers["manager"], tenant.headers["caseworker"]
    for kind in KINDS:
        assert header(lagging, manager, kind) == (None, 0)

    register_trainee(lagging, caseworker)
    (first,) = metric_events(pathways, tenant.organisation_id)
    as_of, pending = header(lagging, manager)
    assert pending == 1 and as_of < first.occurred_at
    assert as_of == first.occurred_at - timedelta(microseconds=1)  # everything before it is applied (nothing)

    drain()
    for kind in KINDS:
        assert header(lagging, manager, kind) == (first.occurred_at, 0)

    # Published but not consumed (the consumer stopped): still pending, and as_of stays below it.
    project = create_project(lagging, tenant.headers["admin"])
    trainee = register_trainee(lagging, caseworker)
    enrol(lagging, caseworker, trainee["id"], project["id"])
    assert publish_without_applying(pathways) >= 2
    waiting = metric_events(pathways, tenant.organisation_id)[1:]
    assert len(waiting) == 2
    as_of, pending = header(lagging, manager)
    assert pending == 2 and first.occurred_at <= as_of < waiting[0].occurred_at

    consumer = MetricsConsumer(pathways)  # catching up: through the broker, here by hand
    for event in waiting:
        consumer.apply(event.envelope)
    for kind in KINDS:
        assert header(lagging, manager, kind) == (waiting[-1].occurred_at, 0)


def test_only_the_organisations_events_that_the_metrics_consumer_applies_count(lagging, tenant, other_tenant,
                                                                              pathways, drain):
    register_trainee(lagging, other_tenant.headers["caseworker"])
    assert header(lagging, tenant.headers["manager"]) == (None, 0)
    assert header(lagging, other_tenant.headers["manager"])[1] == 1
    _consumer, types = freshness.subscription()
    ignored = sorted(set(CATALOGUE) - set(types))
    if ignored:  # an event the metrics consumer does not apply (e.g. a milestone) is never pending for it
        with pathways.uow() as uow:
            outbox.add(uow.session, [outbox.row(event_id=new_id(), organisation_id=uuid.UUID(tenant.organisation_id),
                                                event_type=ignored[0], occurred_at=utcnow(), envelope={})])
            uow.commit()
        assert header(lagging, tenant.headers["manager"]) == (None, 0)


def test_purged_outbox_and_inbox_rows_leave_the_watermark_right(lagging, tenant, pathways, drain):
    manager, caseworker = tenant.headers["manager"], tenant.headers["caseworker"]
    register_trainee(lagging, caseworker)
    drain()
    (applied,) = metric_events(pathways, tenant.organisation_id)
    assert header(lagging, manager) == (applied.occurred_at, 0)

    # The inbox purged first (a shorter inbox retention): the outbox row stays without its inbox row.
    later = utcnow() + timedelta(hours=2)
    short = dataclasses.replace(pathways, config=pathways.config.with_overrides(inbox_retention_seconds=3600))
    assert retention.purge(short, now=later)["inbox"] >= 1
    with pathways.session_factory() as session:
        assert session.get(OutboxMessage, applied.id) is not None
        assert session.scalar(select(func.count()).select_from(ProcessedEvent).where(
            ProcessedEvent.event_id == applied.id)) == 0
        # Looked at with the same retention, the event is too old to be judged by its inbox row.
        found = freshness.freshness(session, uuid.UUID(tenant.organisation_id), timedelta(hours=1), now=later)
    assert found == freshness.Freshness(applied.occurred_at, 0)

    # Both purged (the default retentions, 8 days on): metric_state keeps the watermark.
    assert retention.purge(pathways, now=utcnow() + timedelta(days=8))["outbox"] >= 1
    assert metric_events(pathways, tenant.organisation_id) == []
    assert header(lagging, manager) == (applied.occurred_at, 0)

    # An event written now, not applied: pending, and a purge never deletes an unpublished row.
    register_trainee(lagging, caseworker)
    retention.purge(pathways, now=utcnow() + timedelta(days=30))
    (waiting,) = metric_events(pathways, tenant.organisation_id)
    as_of, pending = header(lagging, manager)
    assert pending == 1 and applied.occurred_at <= as_of < waiting.occurred_at
    drain()
    assert header(lagging, manager) == (waiting.occurred_at, 0)


def test_an_older_event_applied_after_a_newer_one_holds_the_watermark(lagging, tenant, pathways):
    """Events are applied in any order (retries, competing consumers): the newest applied one is no watermark.
    Before, `as_of` was the newest applied event's time, whatever was still missing before it."""
    manager, caseworker = tenant.headers["manager"], tenant.headers["caseworker"]
    for _ in range(2):
        register_trainee(lagging, caseworker)
    older, newer = metric_events(pathways, tenant.organisation_id)
    publish_without_applying(pathways)
    MetricsConsumer(pathways).apply_batch([load_envelope(newer.envelope)])
    as_of, pending = header(lagging, manager)
    assert pending == 1 and as_of < older.occurred_at < newer.occurred_at
    MetricsConsumer(pathways).apply_batch([load_envelope(older.envelope)])
    assert header(lagging, manager) == (newer.occurred_at, 0)


def test_the_answers_look_back_as_far_as_the_deployments_inbox_retention(lagging, tenant, pathways):
    """PATHWAYS_RETENTION_INBOX_DAYS reaches the freshness of the answers: with a one-hour inbox retention, an event
    not applied for two hours is past judging (its inbox row could have been purged), with the default it counts."""
    manager = tenant.headers["manager"]
    register_trainee(lagging, tenant.headers["caseworker"])
    (waiting,) = metric_events(pathways, tenant.organisation_id)
    with pathways.session_factory() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.id == waiting.id)
                        .values(occurred_at=waiting.occurred_at - timedelta(hours=2)))
        session.commit()
    assert header(lagging, manager)[1] == 1
    short = dataclasses.replace(pathways, config=pathways.config.with_overrides(inbox_retention_seconds=3600))
    assert header(create_app(pathways=short).test_client(), manager)[1] == 0
