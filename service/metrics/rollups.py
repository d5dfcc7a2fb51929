"""Rollups: a report's GROUP BY over a whole scope, kept as running sums (on PostgreSQL).

Every aggregate a report asks for over an organisation or a project is a sum over trainees:
each trainee's rows add their own counts, and a count of distinct people as well, since a
person is one trainee. So the first request of a query shape scans the read model and keeps
the answer cell by cell; from then on, each refresh of a batch of trainees (`tracking`) runs
the same query restricted to those trainees before and after it replaces their rows, and
adds the difference. A report then reads a few hundred rows, however many people there are.

A refresh holds an organisation-wide advisory lock in shared mode from before it lists the
rollups until it commits; creating or dropping a rollup takes it exclusively. So a new
rollup's scan sees every refresh committed before it, and every refresh after it sees the rollup.

A period cuts across the sums, so a report with one scans, as does everything on SQLite (the
embedded default, small by nature). An organisation keeps at most `MAX_PER_ORGANISATION`
rollups, because each costs every refresh two small queries; the one read longest ago goes first.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, delete, func, literal_column, select, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from service.clock import today, utcnow
from service.db.models import MetricRollup as R
from service.db.models import MetricRollupValue as V
from service.ids import new_id

if TYPE_CHECKING:
    from service.metrics.aggregates import Scope

MAX_PER_ORGANISATION = 32
#: The bound array of trainee ids that restricts a rollup's query to one refresh's batch.
TRAINEES = "rollup_trainees"
_LOCK = "SELECT pg_advisory_xact_lock{mode}(hashtextextended('metric_rollups ' || :organisation, 0))"

Cell = tuple[str, int]  # (encoded key, measure index)


def enabled(session: Session, scope: Scope | None = None) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return False
    return scope is None or (scope.period_start is None and scope.period_end is None)


def rows(session: Session, scope: Scope, stmt: Select, keys: int, trainee_id: ColumnElement) -> list[tuple]:
    """What `stmt` returns (`keys` key columns, then integer measures), from its rollup where it may have one.

    `trainee_id` is the column that says whose row a row is: the rollup's refreshes restrict by it.
    """
    if not enabled(session, scope):
        return [tuple(row) for row in session.execute(stmt)]
    delta_sql = _sql(session, stmt.where(trainee_id == func.any(literal_column(f"CAST(:{TRAINEES} AS uuid[])"))))
    shape = hashlib.sha256(delta_sql.encode()).hexdigest()
    found = _find(session, shape)
    if found is None:
        _lock(session, scope.organisation_id, exclusive=True)
        found = _find(session, shape)  # made by another request while this one waited
        if found is None:
            return _create(session, scope.organisation_id, shape, stmt, keys, delta_sql)
    rollup_id, read_on = found
    if read_on < today():
        session.execute(update(R).where(R.id == rollup_id).values(read_on=today()))
    return _read(session, rollup_id, stmt, keys)


@contextmanager
def tracking(session: Session, organisation_id: uuid.UUID, trainee_ids: Sequence[uuid.UUID]) -> Iterator[None]:
    """Keep the organisation's rollups equal to their scans while the block replaces these trainees' rows."""
    if not trainee_ids or not enabled(session):
        yield
        return
    _lock(session, organisation_id, exclusive=False)
    tracked = session.execute(select(R.id, R.keys, R.delta_sql).where(R.organisation_id == organisation_id)
                              .order_by(R.id)).all()
    ids = list(trainee_ids)
    before = [_contributions(session, sql, keys, {TRAINEES: ids}) for _id, keys, sql in tracked]
    yield
    changes = []
    for (rollup_id, keys, sql), old in zip(tracked, before):
        new = _contributions(session, sql, keys, {TRAINEES: ids})
        changes += [{"rollup_id": rollup_id, "cell": cell, "measure": measure,
                     "value": new.get((cell, measure), 0) - old.get((cell, measure), 0)}
                    for cell, measure in sorted(old.keys() | new.keys())
                    if new.get((cell, measure), 0) != old.get((cell, measure), 0)]
    if changes:
        # In key order, so that refreshes adding to the same cells queue rather than deadlock.
        stmt = postgresql.insert(V).values(changes)
        session.execute(stmt.on_conflict_do_update(index_elements=[V.rollup_id, V.cell, V.measure],
                                                   set_={"value": V.value + stmt.excluded.value}))


def drop(session: Session, organisation_id: uuid.UUID) -> int:
    """Forget the organisation's rollups (the next reports make them again)."""
    if not enabled(session):
        return 0
    _lock(session, organisation_id, exclusive=True)
    return session.execute(delete(R).where(R.organisation_id == organisation_id)).rowcount


def differences(session: Session, organisation_id: uuid.UUID) -> list[str]:
    """Each rollup cell that differs from a fresh scan (none should), as text."""
    if not enabled(session):
        return []
    found = []
    for rollup_id, keys, scan_sql in session.execute(
            select(R.id, R.keys, R.scan_sql).where(R.organisation_id == organisation_id).order_by(R.id)):
        scanned = _contributions(session, scan_sql, keys, {})
        kept = {(cell, measure): value for cell, measure, value in session.execute(
            select(V.cell, V.measure, V.value).where(V.rollup_id == rollup_id, V.value != 0))}
        found += [f"rollup {rollup_id} cell {cell} measure {measure}: kept {kept.get((cell, measure), 0)}, "
                  f"scanned {scanned.get((cell, measure), 0)}"
                  for cell, measure in sorted(scanned.keys() | kept.keys())
                  if scanned.get((cell, measure), 0) != kept.get((cell, measure), 0)]
    return found


def _find(session: Session, shape: str) -> tuple[uuid.UUID, Any] | None:
    return session.execute(select(R.id, R.read_on).where(R.shape == shape)).first()


def _create(session: Session, organisation_id: uuid.UUID, shape: str, stmt: Select, keys: int,
            delta_sql: str) -> list[tuple]:
    scanned = [tuple(row) for row in session.execute(stmt)]
    kept = session.scalars(select(R.id).where(R.organisation_id == organisation_id)
                           .order_by(R.read_on.desc(), R.created_at.desc())).all()
    if len(kept) >= MAX_PER_ORGANISATION:
        session.execute(delete(R).where(R.id.in_(kept[MAX_PER_ORGANISATION - 1:])))
    rollup_id = new_id()
    session.execute(R.__table__.insert().values(
        id=rollup_id, organisation_id=organisation_id, shape=shape, keys=keys, scan_sql=_sql(session, stmt),
        delta_sql=delta_sql, created_at=utcnow(), read_on=today()))
    values = [{"rollup_id": rollup_id, "cell": _encode(row[:keys]), "measure": measure, "value": int(value)}
              for row in scanned for measure, value in enumerate(row[keys:]) if value]
    if values:
        session.execute(V.__table__.insert(), values)
    return scanned


def _read(session: Session, rollup_id: uuid.UUID, stmt: Select, keys: int) -> list[tuple]:
    types = [_python_type(column) for column in stmt.selected_columns[:keys]]
    measures = len(stmt.selected_columns) - keys
    cells: dict[str, list[int]] = {}
    for cell, measure, value in session.execute(
            select(V.cell, V.measure, V.value).where(V.rollup_id == rollup_id, V.value != 0)):
        cells.setdefault(cell, [0] * measures)[measure] = value
    return [(*(None if value is None else kind(value) for kind, value in zip(types, json.loads(cell))), *values)
            for cell, values in cells.items()]


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
