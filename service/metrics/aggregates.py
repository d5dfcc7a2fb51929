"""Aggregates over the metrics read model: one GROUP BY per question, no join to the records.

A `Scope` says which participations count (organisation, project, period of `enrolled_on`);
`DIMENSIONS` maps every `by=` option to its read-model column. The grid of a breakdown
lists every value of every dimension, so that zero cells appear and suppression can see
whole lines. Over a whole scope the answers come from `rollups`, kept current by the
metrics consumer, so they cost the same for ten thousand people as for a million.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import product

from sqlalchemy import ColumnElement, and_, case, distinct, func, literal, select
from sqlalchemy.orm import Session, aliased

from service.db.models import MetricEnrolment as E
from service.db.models import MetricParticipant as P
from service.db.models import MetricParticipantGroup as G
from service.db.models import Project
from service.domain import enrolments as enrolment_rules
from service.domain import people
from service.metrics import rollups

#: A participant in no vulnerable group appears under this value of `vulnerable_group`.
NO_GROUP = "none"
EMPLOYED = ("employed", "self_employed")
RECORDED = "recorded"

DIMENSIONS: dict[str, ColumnElement] = {
    "sex": P.sex,
    "age_band": E.age_band,
    "vulnerable_group": func.coalesce(G.vulnerable_group, literal(NO_GROUP)),
    "settlement_type": P.settlement_type,
    "labour_status": P.labour_status,
    "education_level": P.education_level,
    "project": E.project_id,
    "district": P.district,
}

FIXED_VALUES: dict[str, tuple] = {
    "sex": people.SEXES,
    "age_band": tuple(band for band, _low, _high in people.AGE_BANDS),
    "vulnerable_group": (*people.VULNERABLE_GROUPS, NO_GROUP),
    "settlement_type": people.SETTLEMENT_TYPES,
    "labour_status": people.LABOUR_STATUSES,
    "education_level": people.EDUCATION_LEVELS,
}


@dataclass(frozen=True)
class Scope:
    organisation_id: uuid.UUID
    project_id: uuid.UUID | None = None
    period_start: date | None = None
    period_end: date | None = None

    def where(self) -> ColumnElement[bool]:
        # Both sides filtered by organisation: the planner then reads the participants of this
        # organisation by index, not every participant of every tenant into a hash table.
        conditions = [E.organisation_id == self.organisation_id, P.organisation_id == self.organisation_id]
        if self.project_id is not None:
            conditions.append(E.project_id == self.project_id)
        if self.period_start is not None:
            conditions.append(E.enrolled_on >= self.period_start)
        if self.period_end is not None:
            conditions.append(E.enrolled_on <= self.period_end)
        return and_(*conditions)


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def person_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """Distinct people meeting `condition` (a person with two participations counts once)."""
    return func.count(distinct(case((condition, E.trainee_id))))


def in_group(groups: Sequence[str]) -> ColumnElement[bool]:
    # Its own alias: a breakdown by vulnerable_group joins the groups table in the outer query.
    member = aliased(G)
    return (select(member.trainee_id).where(member.trainee_id == E.trainee_id, member.vulnerable_group.in_(groups))
            .correlate(E).exists())


REACHED = func.count(distinct(E.trainee_id))
COMPLETED = E.status == enrolment_rules.COMPLETED
PLACED = and_(COMPLETED, E.placed_on.is_not(None))
MONTH_6_RECORDED = E.month_6_status == RECORDED
OUTCOME_COUNTS: dict[str, ColumnElement[int]] = {
    "enrolled": func.count(),
    "completed": count_if(COMPLETED),
    "dropped_out": count_if(E.status == enrolment_rules.DROPPED_OUT),
    "placed_within_90d": count_if(PLACED),
    "month_6_recorded": count_if(MONTH_6_RECORDED),
    "employed_at_6m": count_if(and_(MONTH_6_RECORDED, E.month_6_employment.in_(EMPLOYED))),
}


def aggregate(session: Session, scope: Scope, by: Sequence[str],
              measures: Mapping[str, ColumnElement]) -> dict[tuple, dict[str, int]]:
    """{cell: {measure: value}} for the cells that have participations."""
    keys = [DIMENSIONS[name] for name in by]
    stmt = (select(*keys, *(m.label(name) for name, m in measures.items()))
            .select_from(E).join(P, P.trainee_id == E.trainee_id).where(scope.where()))
    if "vulnerable_group" in by:
        stmt = stmt.outerjoin(G, G.trainee_id == E.trainee_id)
    if keys:
        stmt = stmt.group_by(*keys)
    return {tuple(row[:len(keys)]): dict(zip(measures, (int(v) for v in row[len(keys):])))
            for row in rollups.rows(session, scope, stmt, len(keys), E.trainee_id)}


def wages(session: Session, scope: Scope, by: Sequence[str]) -> dict[tuple, dict[str, Counter[Decimal]]]:
    """Starting wages of the placements counted in `placed_within_90d`: {cell: {currency: {wage: how many}}}."""
    keys = [DIMENSIONS[name] for name in by]
    stmt = (select(*keys, E.placed_currency, E.placed_wage, func.count()).select_from(E)
            .join(P, P.trainee_id == E.trainee_id).where(scope.where(), PLACED)
            .group_by(*keys, E.placed_currency, E.placed_wage))
    if "vulnerable_group" in by:
        stmt = stmt.outerjoin(G, G.trainee_id == E.trainee_id)
    found: dict[tuple, dict[str, Counter[Decimal]]] = defaultdict(lambda: defaultdict(Counter))
    for row in rollups.rows(session, scope, stmt, len(keys) + 2, E.trainee_id):
        *key, currency, wage, count = row
        found[tuple(key)][currency][wage] += int(count)
    return found


def grid(session: Session, scope: Scope, by: Sequence[str]) -> list[tuple]:
    """Every cell of the breakdown: all values of each dimension, in a stable order."""
    return list(product(*(dimension_values(session, scope, name) for name in by)))


def grid_size(session: Session, scope: Scope, by: Sequence[str]) -> int:
    size = 1
    for name in by:
        size *= len(dimension_values(session, scope, name))
    return size


def dimension_values(session: Session, scope: Scope, name: str) -> tuple:
    if name in FIXED_VALUES:
        return FIXED_VALUES[name]
    if name == "project":
        stmt = select(Project.id).where(Project.organisation_id == scope.organisation_id)
        if scope.project_id is not None:
            stmt = stmt.where(Project.id == scope.project_id)
        return tuple(session.scalars(stmt.order_by(Project.code)))
    districts = session.scalars(select(P.district).where(P.organisation_id == scope.organisation_id).distinct())
    return tuple(sorted(districts, key=lambda d: (d is None, d or "")))
