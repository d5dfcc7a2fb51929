"""Rollups: a report's GROUP BY over a whole scope, kept as running sums (on PostgreSQL).

Every aggregate a report asks for over an organisation is a sum over trainees: each
trainee's rows add their own counts, and a count of distinct people as well, since a person
is one trainee. So a rollup keeps the answer cell by cell, and each refresh of a batch of
trainees (`tracking`) runs the same query restricted to those trainees before and after it
replaces their rows, and adds the difference. A report then reads a few hundred rows,
however many people there are.

Which rollups exist is code: `KEPT` names the reports (and breakdowns) kept over the whole
organisation, and their queries are the ones the reports build, captured by running the
reports without reading anything (`_declared`). A rollup row holds only the sha256 of its
query's SQL (its shape) and its sums, so a query changed by a new release or a migration has
a new shape: the old rollup is never read again, and the next refresh drops it.

Rollups are made by the projection, never by a report: a refresh of an organisation with
`MIN_PARTICIPANTS` or more makes the ones it lacks (one scan each), as does `pathways metrics
rebuild`; a report whose query has no rollup scans, as a report with a period always does,
and everything on SQLite (the embedded default, small by nature).

A refresh holds an organisation-wide advisory lock in shared mode from before it lists the
rollups until it commits; making or dropping rollups takes it exclusively. So a new rollup's
scan sees every refresh committed before it, and every refresh after it sees the rollup.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Select, delete, func, literal_column, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from service import clock
from service.clock import utcnow
from service.db.models import MetricParticipant, Organisation
from service.db.models import MetricRollup as R
from service.db.models import MetricRollupValue as V
from service.ids import new_id

if TYPE_CHECKING:
    from service.metrics.aggregates import Scope

#: The reports kept as rollups over a whole organisation, with their breakdown: each also keeps
#: the report's totals (and gaps) and so its answer without `by=`. P3 of the benchmark asks these.
#: Each rollup costs every refresh two small queries, so this list is short on purpose.
KEPT: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("reach", ("sex", "age_band")), ("outcomes", ("sex",)), ("indicators", ()))
#: Below this many participants no rollups: a scan takes well under a second, and every rollup would cost
#: every refresh two queries (the benchmark's P2 organisation reaches 50,000 participants; P3's million is above).
MIN_PARTICIPANTS = 100_000
#: How long a process trusts its count of an organisation's participants.
SIZE_CHECK_SECONDS = 60.0
#: The bound array of trainee ids that restricts a rollup's query to one refresh's batch.
TRAINEES = "rollup_trainees"
_LOCK = "SELECT pg_advisory_xact_lock{mode}(hashtextextended('metric_rollups ' || :organisation, 0))"

Cell = tuple[str, int]  # (encoded key, measure index)


@dataclass(frozen=True)
class Shape:
    """A report query over a whole scope: `keys` key columns, then integer measures."""

    scan: Select
    keys: int
    delta_sql: str  # the query restricted to the trainees of `:rollup_trainees`, as text

    @property
    def key(self) -> str:
        return hashlib.sha256(self.delta_sql.encode()).hexdigest()


#: While set, `rows` records each query instead of running it (`_declared`).
_capture: ContextVar[dict[str, Shape] | None] = ContextVar("rollup_capture", default=None)
_declared_cache: dict[tuple, dict[str, Shape]] = {}
_sizes: dict[uuid.UUID, tuple[bool, float]] = {}


def enabled(session: Session, scope: Scope | None = None) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return False
    return scope is None or (scope.period_start is None and scope.period_end is None)


def rows(session: Session, scope: Scope, stmt: Select, keys: int, trainee_id: ColumnElement) -> list[tuple]:
    """What `stmt` returns (`keys` key columns, then integer measures), from its rollup if there is one.

    `trainee_id` is the column that says whose row a row is: the rollup's refreshes restrict by it.
    Never writes: a query without a rollup is answered by a scan.
    """
    captured = _capture.get()
    if captured is not None:
        shape = _shape(session, stmt, keys, trainee_id)
        captured[shape.key] = shape
        return []
    if not enabled(session, scope):
        return [tuple(row) for row in session.execute(stmt)]
    rollup_id = session.scalar(select(R.id).where(R.shape == _shape(session, stmt, keys, trainee_id).key))
    if rollup_id is None:
        return [tuple(row) for row in session.execute(stmt)]
    return _read(session, rollup_id, stmt, keys)


@contextmanager
def tracking(session: Session, organisation_id: uuid.UUID, trainee_ids: Sequence[uuid.UUID]) -> Iterator[None]:
    """Keep the organisation's rollups equal to their scans while the block replaces these trainees' rows.

    Makes the rollups a large organisation lacks and drops those no longer declared first.
    """
    if not trainee_ids or not enabled(session):
        yield
        return
    present = set(session.scalars(select(R.shape).where(R.organisation_id == organisation_id)))
    declared = _declared(session, organisation_id) if present or _large(session, organisation_id) else {}
    if (present - declared.keys()) or (declared.keys() - present):
        _settle(session, organisation_id, declared)
    else:
        _lock(session, organisation_id, exclusive=False)
    tracked = [(rollup_id, declared[shape]) for rollup_id, shape in session.execute(
        select(R.id, R.shape).where(R.organisation_id == organisation_id).order_by(R.id)) if shape in declared]
    ids = list(trainee_ids)
    before = [_contributions(session, shape.delta_sql, shape.keys, {TRAINEES: ids}) for _id, shape in tracked]
    yield
    changes = []
    for (rollup_id, shape), old in zip(tracked, before):
        new = _contributions(session, shape.delta_sql, shape.keys, {TRAINEES: ids})
        changes += [{"rollup_id": rollup_id, "cell": cell, "measure": measure,
                     "value": new.get((cell, measure), 0) - old.get((cell, measure), 0)}
                    for cell, measure in sorted(old.keys() | new.keys())
                    if new.get((cell, measure), 0) != old.get((cell, measure), 0)]
    if changes:
        # In key order, so that refreshes adding to the same cells queue rather than deadlock.
        stmt = postgresql.insert(V).values(changes)
        session.execute(stmt.on_conflict_do_update(index_elements=[V.rollup_id, V.cell, V.measure],
                                                   set_={"value": V.value + stmt.excluded.value}))


def ensure(session: Session, organisation_id: uuid.UUID) -> int:
    """Make the rollups a large organisation lacks and drop those no longer declared; returns how many exist."""
    if not enabled(session):
        return 0
    _sizes.pop(organisation_id, None)  # counted afresh
    declared = _declared(session, organisation_id) if _large(session, organisation_id) else {}
    _settle(session, organisation_id, declared)
    return len(declared)


def drop(session: Session, organisation_id: uuid.UUID) -> int:
    """Forget the organisation's rollups (until a refresh or `ensure` makes them again)."""
    if not enabled(session):
        return 0
    _lock(session, organisation_id, exclusive=True)
    return session.execute(delete(R).where(R.organisation_id == organisation_id)).rowcount


def differences(session: Session, organisation_id: uuid.UUID) -> list[str]:
    """Each cell of a rollup a report may read that differs from a fresh scan (none should), as text."""
    if not enabled(session):
        return []
    declared = _declared(session, organisation_id)
    found = []
    for rollup_id, key in session.execute(
            select(R.id, R.shape).where(R.organisation_id == organisation_id).order_by(R.id)):
        if key not in declared:
            continue  # no report's query has this shape any more: never read, dropped by the next refresh
        shape = declared[key]
        scanned = {(_encode(row[:shape.keys]), measure): int(value) for row in session.execute(shape.scan)
                   for measure, value in enumerate(row[shape.keys:]) if value}
        kept = {(cell, measure): value for cell, measure, value in session.execute(
            select(V.cell, V.measure, V.value).where(V.rollup_id == rollup_id, V.value != 0))}
        found += [f"rollup {rollup_id} cell {cell} measure {measure}: kept {kept.get((cell, measure), 0)}, "
                  f"scanned {scanned.get((cell, measure), 0)}"
                  for cell, measure in sorted(scanned.keys() | kept.keys())
                  if scanned.get((cell, measure), 0) != kept.get((cell, measure), 0)]
    return found


def _declared(session: Session, organisation_id: uuid.UUID) -> dict[str, Shape]:
    """{shape key: shape} of the queries the `KEPT` reports ask over the whole organisation.

    The reach report's totals count its share targets, so they depend on the organisation's row:
    it is read FOR SHARE, so that no refresh or report keeps the same targets under two shapes
    while an update of them commits. Captured once per process for each state of that row.
    """
    # reports build the queries and import this module (through aggregates): imported when needed.
    from service.metrics import reports
    from service.metrics.aggregates import Scope

    organisation = session.execute(
        select(Organisation.id, Organisation.reach_target, Organisation.share_targets, Organisation.min_cell_size,
               Organisation.time_zone)
        .where(Organisation.id == organisation_id).with_for_update(read=True)).one()
    cache_key = (organisation_id, organisation.reach_target, json.dumps(organisation.share_targets, sort_keys=True),
                 organisation.min_cell_size, KEPT)
    if cache_key in _declared_cache:
        return _declared_cache[cache_key]
    captured: dict[str, Shape] = {}
    token = _capture.set(captured)
    try:
        for kind, by in KEPT:
            # Suppression on: it asks every query that the same report without suppression asks, and more.
            request = reports.Request(Scope(organisation_id), by, True, organisation.min_cell_size,
                                      today=clock.today(organisation.time_zone))
            if kind == "reach":
                reports.reach(session, request, organisation.reach_target, organisation.share_targets or [])
            else:
                getattr(reports, kind)(session, request)
    finally:
        _capture.reset(token)
    if len(_declared_cache) > 1000:
        _declared_cache.clear()
    _declared_cache[cache_key] = captured
    return captured


def _large(session: Session, organisation_id: uuid.UUID) -> bool:
    known = _sizes.get(organisation_id)
    if known is not None and known[1] > time.monotonic():
        return known[0]
    counted = session.scalar(select(func.count()).select_from(
        select(MetricParticipant.trainee_id).where(MetricParticipant.organisation_id == organisation_id)
        .limit(MIN_PARTICIPANTS).subquery()))
    large = counted >= MIN_PARTICIPANTS
    _sizes[organisation_id] = (large, time.monotonic() + SIZE_CHECK_SECONDS)
    return large


def _settle(session: Session, organisation_id: uuid.UUID, declared: dict[str, Shape]) -> None:
    """Under the exclusive lock: drop the rollups not declared, make the declared ones missing (a scan each)."""
    _lock(session, organisation_id, exclusive=True)
    present = dict(session.execute(select(R.shape, R.id).where(R.organisation_id == organisation_id)).all())
    stale = [rollup_id for key, rollup_id in present.items() if key not in declared]
    if stale:
        session.execute(delete(R).where(R.id.in_(stale)))
    for key, shape in declared.items():
        if key not in present:
            _create(session, organisation_id, shape)


def _create(session: Session, organisation_id: uuid.UUID, shape: Shape) -> None:
    rollup_id = new_id()
    session.execute(R.__table__.insert().values(id=rollup_id, organisation_id=organisation_id, shape=shape.key,
                                                created_at=utcnow()))
    values = [{"rollup_id": rollup_id, "cell": _encode(row[:shape.keys]), "measure": measure, "value": int(value)}
              for row in session.execute(shape.scan) for measure, value in enumerate(row[shape.keys:]) if value]
    if values:
        session.execute(V.__table__.insert(), values)


def _shape(session: Session, stmt: Select, keys: int, trainee_id: ColumnElement) -> Shape:
    delta = stmt.where(trainee_id == func.any(literal_column(f"CAST(:{TRAINEES} AS uuid[])")))
    return Shape(stmt, keys, _sql(session, delta))


def _read(session: Session, rollup_id: uuid.UUID, stmt: Select, keys: int) -> list[tuple]:
    types = [_python_type(column) for column in stmt.selected_columns[:keys]]
    measures = len(stmt.selected_columns) - keys
    cells: dict[str, list[int]] = {}
    for cell, measure, value in session.execute(
            select(V.cell, V.measure, V.value).where(V.rollup_id == rollup_id, V.value != 0)):
        cells.setdefault(cell, [0] * measures)[measure] = value
    return [(*(None if value is None else _parsed(kind, value) for kind, value in zip(types, json.loads(cell))),
             *values) for cell, values in cells.items()]


def _parsed(kind: type, value: str):
    """A key value from its text in a cell (a date, such as an exit date, is ISO 8601 there)."""
    return date.fromisoformat(value) if kind is date else kind(value)


def _contributions(session: Session, sql: str, keys: int, params: dict) -> dict[Cell, int]:
    return {(_encode(row[:keys]), measure): int(value)
            for row in session.execute(text(sql), params) for measure, value in enumerate(row[keys:]) if value}


def _encode(key: Sequence) -> str:
    return json.dumps([None if value is None else str(value) for value in key], ensure_ascii=False)


def _python_type(column) -> type:
    try:
        return column.type.python_type
    except NotImplementedError:
        return str


def _sql(session: Session, stmt: Select) -> str:
    """The statement as literal SQL for `text()`: every colon escaped but the trainees' placeholder."""
    compiled = str(stmt.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}))
    return compiled.replace(":", "\\:").replace(f"\\:{TRAINEES}", f":{TRAINEES}")


def _lock(session: Session, organisation_id: uuid.UUID, *, exclusive: bool) -> None:
    session.execute(text(_LOCK.format(mode="" if exclusive else "_shared")), {"organisation": str(organisation_id)})
