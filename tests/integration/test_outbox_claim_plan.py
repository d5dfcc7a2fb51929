"""A relay's claim reads the unpublished rows only, however many published rows the outbox holds.

It used to walk the primary key from the oldest row and filter out the published ones: each claim
cost grew with every event ever published (P2's rounds of `make bench` slowed from 2,098 to 1,378
events/s as their rows lay further into the outbox). Counted as rows the plan read and threw away
(EXPLAIN ANALYZE), not as time.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import event, insert, text

from service.clock import utcnow
from service.db import outbox
from service.db.models import OutboxMessage
from service.ids import new_ids

PUBLISHED, UNPUBLISHED = 30_000, 3_000


def _statements(engine, action) -> list[tuple[str, dict]]:
    seen = []

    def remember(_connection, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    return seen


def _discarded(plan: dict) -> int:
    """Rows every node of an EXPLAIN (ANALYZE, FORMAT JSON) plan read and discarded."""
    return plan.get("Rows Removed by Filter", 0) + sum(_discarded(child) for child in plan.get("Plans", ()))


def test_a_claim_reads_the_unpublished_rows_not_everything_published_before_them(pg_pathways):
    now, organisation_id = utcnow(), uuid.uuid4()
    ids = new_ids(PUBLISHED + UNPUBLISHED)  # in time order: the unpublished are the newest
    with pg_pathways.uow() as uow:
        uow.session.execute(insert(OutboxMessage), [
            {"id": id_, "organisation_id": organisation_id, "type": "trainee.registered", "envelope": {},
             "occurred_at": now, "published_at": now if n < PUBLISHED else None} for n, id_ in enumerate(ids)])
        uow.session.execute(text("ANALYZE outbox"))  # the planner knows a tenth is unpublished
        claimed = []
        statements = _statements(pg_pathways.engine, lambda: claimed.extend(outbox.claim(
            uow.session, token=uuid.uuid4(), lease=timedelta(seconds=60), limit=200)))
        assert [row.id for row in claimed] == ids[PUBLISHED:PUBLISHED + 200]  # the oldest unpublished, in order
        statement, parameters = next((s, p) for s, p in statements if "SKIP LOCKED" in s)
        [[explained]] = uow.session.connection().exec_driver_sql(
            f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters).all()
    assert _discarded(explained[0]["Plan"]) < 1_000, explained  # not the 30,000 published rows
