"""Aggregates over the metrics read model: one GROUP BY per question, no join to the records.

A `Scope` says which participations count (organisation, project, period of a date fact: `enrolled_on`
or `exited_on` for participations, `entered_on` or `left_on` for participants);
`DIMENSIONS` maps every `by=` option to its read-model column, and `measure` turns a count of
the metrics catalogue (service.domain.metrics) into its SQL. The grid of a breakdown
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

from sqlalchemy import ColumnElement, Select, and_, case, distinct, func, literal, or_, select, true
from sqlalchemy.orm import Session, aliased

from service.db import groups
from service.db.models import Cohort, Project
from service.db.models import MetricEnrolment as E
from service.db.models import MetricParticipant as P
from service.db.models.metrics import MetricEnrolmentGroup as G
from service.domain import enrolments as enrolment_rules
from service.domain import metrics as catalogue
from service.domain import people
from service.domain.metrics import (
    PEOPLE, All, AnyOf, Count, Every, InGroup, Is, IsNot, IsTrue, Known, Median, Metric, counted,
)
from service.metrics import rollups
from service.metrics.facts import Participant, Participation

#: A participant in no vulnerable group appears under this value of `vulnerable_group`.
NO_GROUP = "none"
#: The fact a person's vulnerable groups are: a table of its own (`G`), not a column.
GROUPS_FACT = "vulnerable_groups"


def column(fact: str) -> ColumnElement:
    """The read-model column that stores a fact: the read model keeps the facts column for column."""
    if fact in Participation.__dataclass_fields__ and fact != GROUPS_FACT:
        return getattr(E, fact)
    if fact in Participant.__dataclass_fields__:
        return getattr(P, fact)
    raise KeyError(f"no read-model column holds the fact {fact!r}")


def _dimension(name: str, fact: str) -> ColumnElement:
    if fact == GROUPS_FACT:  # one cell per group, `none` for people in no group
        return func.coalesce(G.vulnerable_group, literal(NO_GROUP))
    if name == "occupation":  # ISCO-08 major group: the code's first digit
        return func.substr(E.job_occupation, 1, 1)
    if name == "occupation_sub_major":
        return func.substr(E.job_occupation, 1, 2)
    return column(fact)


DIMENSIONS: dict[str, ColumnElement] = {d.name: _dimension(d.name, d.fact) for d in catalogue.DIMENSIONS}
#: The outer joins a dimension needs besides the participations and their participant.
_JOINS: dict[str, tuple] = {"vulnerable_group": ((G, G.enrolment_id == E.enrolment_id),)}

#: ISCO-08 major groups (0 armed forces ... 9 elementary occupations) and NACE Rev. 2 sections.
ISCO_MAJOR_GROUPS = tuple(str(digit) for digit in range(10))
NACE_SECTIONS = tuple("ABCDEFGHIJKLMNOPQRSTU")

FIXED_VALUES: dict[str, tuple] = {
    "sex": catalogue.SEXES,
    "age_band": tuple(band for band, _low, _high in people.AGE_BANDS),
    "settlement_type": people.SETTLEMENT_TYPES,
    "labour_status": people.LABOUR_STATUSES,
    "education_level": people.EDUCATION_LEVELS,
    # null: not exited; no job (or no occupation known)
    "exit_reason": (*enrolment_rules.EXIT_REASONS, None),
    "occupation": (*ISCO_MAJOR_GROUPS, None),
    "sector": (*NACE_SECTIONS, None),
}

#: The date facts a period may filter on: a participation's entry or exit, a participant's first entry or
#: final exit.
DATED_BY = ("enrolled_on", "exited_on", "entered_on", "left_on")
#: Those of them a participation without an exit lacks: on the exit basis only exits count.
EXIT_DATES = ("exited_on", "left_on")


@dataclass(frozen=True)
class Scope:
    organisation_id: uuid.UUID
    project_id: uuid.UUID | None = None
    period_start: date | None = None
    period_end: date | None = None
    #: The date fact the period filters on (the period basis).
    dated_by: str = "enrolled_on"

    def where(self) -> ColumnElement[bool]:
        # Both sides filtered by organisation: the planner then reads the participants of this
        # organisation by index, not every participant of every tenant into a hash table.
        conditions = [E.organisation_id == self.organisation_id, P.organisation_id == self.organisation_id]
        if self.project_id is not None:
            conditions.append(E.project_id == self.project_id)
        dated = column(self.dated_by)
        if self.dated_by in EXIT_DATES:  # an exit cohort: those who have left, with or without a period
            conditions.append(dated.is_not(None))
        if self.period_start is not None:
            conditions.append(dated >= self.period_start)
        if self.period_end is not None:
            conditions.append(dated <= self.period_end)
        return and_(*conditions)

    @property
    def whole(self) -> bool:
        return self.period_start is None and self.period_end is None


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def person_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """Distinct people meeting `condition` (a person with two participations counts once)."""
    return func.count(distinct(case((condition, E.trainee_id))))


def in_group(groups: Sequence[str]) -> ColumnElement[bool]:
    """The participation's groups at entry include one of `groups`."""
    # Its own alias: a breakdown by vulnerable_group joins the groups table in the outer query.
    member = aliased(G)
    return (select(member.enrolment_id)
            .where(member.enrolment_id == E.enrolment_id, member.vulnerable_group.in_(groups))
            .correlate(E).exists())


def condition(where) -> ColumnElement[bool]:
    """A condition of the catalogue as SQL over the read model."""
    match where:
        case Is(fact=fact, values=(value,)):
            return column(fact) == value
        case Is(fact=fact, values=values):
            return column(fact).in_(values)
        case IsNot(fact=fact, value=value):
            return column(fact) != value
        case Known(fact=fact):
            return column(fact).is_not(None)
        case IsTrue(fact=fact):
            return column(fact).is_(True)
        case InGroup(groups=groups):
            return in_group(groups)
        case All(conditions=conditions):
            return and_(*(condition(part) for part in conditions))
        case AnyOf(conditions=conditions):
            return or_(*(condition(part) for part in conditions))
        case Every():
            return true()
    raise TypeError(f"not a condition: {where!r}")


def measure(metric: Metric) -> ColumnElement[int]:
    """The SQL aggregate of a count: distinct people or participations, all or those meeting its condition."""
    count = metric.computed
    if not isinstance(count, Count):
        raise TypeError(f"{metric.name} is not a count")
    if count.unit == PEOPLE:
        return REACHED if count.where is None else person_if(condition(count.where))
    return func.count() if count.where is None else count_if(condition(count.where))


def measures(report: str) -> dict[str, ColumnElement[int]]:
    """{name: SQL aggregate} of the report's counts, in catalogue order."""
    return {metric.name: measure(metric) for metric in counted(report)}


#: Distinct people: the count a person's several participations add to once.
REACHED = func.count(distinct(E.trainee_id))
OUTCOME_COUNTS: dict[str, ColumnElement[int]] = measures(catalogue.OUTCOMES)


def joined(stmt: Select, by: Sequence[str]) -> Select:
    """`stmt` with the outer joins the dimensions of `by` need (each once)."""
    done: set = set()
    for name in by:
        for target, onclause in _JOINS.get(name, ()):
            if target not in done:
                stmt = stmt.outerjoin(target, onclause)
                done.add(target)
    return stmt


def aggregate(session: Session, scope: Scope, by: Sequence[str], measures: Mapping[str, ColumnElement],
              keys_after: Sequence[ColumnElement] = ()) -> dict[tuple, dict[str, int]]:
    """{cell: {measure: value}} for the cells that have participations; `keys_after` are further keys each
    cell's key ends with (the exit date, say)."""
    keys = [DIMENSIONS[name] for name in by] + list(keys_after)
    stmt = joined(select(*keys, *(m.label(name) for name, m in measures.items()))
                  .select_from(E).join(P, P.trainee_id == E.trainee_id), by).where(scope.where())
    if keys:
        stmt = stmt.group_by(*keys)
    return {tuple(row[:len(keys)]): dict(zip(measures, (int(v) for v in row[len(keys):])))
            for row in rollups.rows(session, scope, stmt, len(keys), E.trainee_id)}


def amounts(session: Session, scope: Scope, by: Sequence[str],
            median: Median) -> dict[tuple, dict[str, Counter[Decimal]]]:
    """The amounts a median is taken of (starting wages of the placements counted in `placed_within_90d`,
    say): {cell: {currency: {amount: how many}}}."""
    keys = [DIMENSIONS[name] for name in by]
    among = catalogue.BY_NAME[median.among].computed
    counted_only = [] if among.where is None else [condition(among.where)]
    amount, currency = column(median.fact), column(median.currency_fact)
    stmt = (joined(select(*keys, currency, amount, func.count()).select_from(E)
                   .join(P, P.trainee_id == E.trainee_id), by).where(scope.where(), *counted_only)
            .group_by(*keys, currency, amount))
    found: dict[tuple, dict[str, Counter[Decimal]]] = defaultdict(lambda: defaultdict(Counter))
    for row in rollups.rows(session, scope, stmt, len(keys) + 2, E.trainee_id):
        *key, currency, wage, count = row
        found[tuple(key)][currency][wage] += int(count)
    return found


def grid(session: Session, scope: Scope, by: Sequence[str]) -> list[tuple]:
    """Every cell of the breakdown: all values of each dimension, in a stable order."""
    return list(product(*(dimension_values(session, scope, name) for name in by)))


def group_values(session: Session, organisation_id: uuid.UUID) -> tuple:
    """The organisation's own group keys (its vocabulary's order, retired ones too), any other key its
    participations had at entry (a group since removed from the rows, say), then `none`."""
    keys = [entry.key for entry in groups.vocabulary(session, organisation_id)]
    found = session.scalars(select(G.vulnerable_group).join(E, E.enrolment_id == G.enrolment_id)
                            .where(E.organisation_id == organisation_id).distinct())
    return (*keys, *sorted(set(found) - set(keys)), NO_GROUP)


def grid_size(session: Session, scope: Scope, by: Sequence[str]) -> int:
    size = 1
    for name in by:
        size *= len(dimension_values(session, scope, name))
    return size


def dimension_values(session: Session, scope: Scope, name: str) -> tuple:
    if name in FIXED_VALUES:
        return FIXED_VALUES[name]
    if name == "vulnerable_group":
        return group_values(session, scope.organisation_id)
    if name == "project":
        stmt = select(Project.id).where(Project.organisation_id == scope.organisation_id)
        if scope.project_id is not None:
            stmt = stmt.where(Project.id == scope.project_id)
        return tuple(session.scalars(stmt.order_by(Project.code)))
    if name == "cohort":
        stmt = select(Cohort.id).where(Cohort.organisation_id == scope.organisation_id)
        if scope.project_id is not None:
            stmt = stmt.where(Cohort.project_id == scope.project_id)
        return (*session.scalars(stmt.order_by(Cohort.name, Cohort.id)), None)
    if name == "occupation_sub_major":
        found = session.scalars(joined(select(DIMENSIONS[name]).select_from(E), (name,))
                                .where(E.organisation_id == scope.organisation_id).distinct())
    else:
        found = session.scalars(select(P.district).where(P.organisation_id == scope.organisation_id).distinct())
    return tuple(sorted(found, key=lambda d: (d is None, d or "")))
