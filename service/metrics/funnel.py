"""The funnel: how many people reached each stage, from registration to work a year after leaving.

Stages (distinct people; entry basis: `registered` by the day the person was registered, every later
stage by the `enrolled_on` of the person's enrolments in scope, that is of the organisation or of the
project asked for, in the period):

- `registered`: people whose record was created in the period (its UTC day); with a project, only
  those with an enrolment in that project (at any date).
- `enrolled`: people with an enrolment in scope, in any state.
- `completed`, `dropped_out`: people with an enrolment in scope that was completed (dropped out);
  each drop-out reason is a row of its own (a person who dropped out twice for different reasons
  is in both rows, once in `dropped_out`).
- `referred`: enrolled people referred to a vacancy on or after their first entry in scope.
- `interviewing`: enrolled people with such a referral that reached an interview or went beyond it:
  interviewing or hired now, or rejected or withdrawn after it was interviewing (the referral's audit
  trail shows that step; a hire straight from `referred` counts as beyond it).
- `hired`: enrolled people with such a referral that ended in a hire. A job start recorded without a
  referral is no step of this funnel (the outcomes and the ILO pack count placements), so each referral
  stage holds the next: referred >= interviewing >= hired.
- `employed_6m`, `employed_12m`: people with an enrolment in scope whose month_6 (month_12) checkpoint
  is recorded as employed or self-employed.

Each stage also gives its share of `enrolled` (registered / enrolled may exceed 1). With `by=`, the
person's record as it is now gives the cell (sex, district, settlement type, education level, labour status; one
cell per vulnerable group, `none` for none; the age band on the first entry in scope, for `registered`
on the day of registration; the project of the enrolment, for `registered` every project the person
has an enrolment in).

Why from the records and not the metrics read model: the read model holds participations and their
outcomes, while a funnel follows people across records it does not hold: registrations (a person never
enrolled is not in it), referrals and their steps. A funnel is asked for now and then, by
a manager: a handful of GROUP BY queries over one organisation's rows, each reached by an index
(`organisation_id` of every record, `trainee_id` of referrals, `enrolment_id` of follow-ups,
the audit entries' organisation, type and entity), are cheap enough, always current (no event to wait
for) and independent of the read model's shape, which changes with the figures it serves.

Queries: all enrolment stages in one (people in scope, grouped per person, joined to their referrals
grouped per person), `registered` in another; each once for the totals by sex and
once for the cells of `by=`. Suppression is `service.metrics.suppression`'s, table by table: a stage's
split by sex; a stage's `by=` cells, and each cell's split by sex; the drop-out reasons by sex. A table of 1
to min_cell_size - 1 people is hidden whole, also where one person is in several cells (two groups, two
projects); the totals of the whole scope are exact.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from itertools import product

from sqlalchemy import ColumnElement, Date, Select, Subquery, Text, and_, case, cast, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from service.db import groups
from service.db.models import AuditEntry, Enrolment, FollowUp, Project, Referral, Trainee
from service.domain import people
from service.domain import referrals as referral_rules
from service.domain.enrolments import COMPLETED, DROPPED_OUT, EXIT_REASONS
from service.domain.follow_ups import RECORDED, WAGE_EARNING
from service.metrics import labels, suppression
from service.translations import N_

REGISTERED, ENROLLED, COMPLETED_STAGE, DROPPED_OUT_STAGE = "registered", "enrolled", "completed", "dropped_out"
REFERRED, INTERVIEWING, HIRED, EMPLOYED_6M, EMPLOYED_12M = (
    "referred", "interviewing", "hired", "employed_6m", "employed_12m")
STAGES = (REGISTERED, ENROLLED, COMPLETED_STAGE, DROPPED_OUT_STAGE, REFERRED, INTERVIEWING, HIRED,
          EMPLOYED_6M, EMPLOYED_12M)
#: Why people drop out (a completion's `completed_course` is no drop-out reason).
DROP_OUT_REASONS = tuple(reason for reason in EXIT_REASONS if reason != "completed_course")

#: The labels of the stages (gettext msgids), and of each drop-out reason's row.
STAGE_LABELS = {
    REGISTERED: N_("Registered"),
    ENROLLED: N_("Enrolled"),
    COMPLETED_STAGE: N_("Completed"),
    DROPPED_OUT_STAGE: N_("Dropped out"),
    REFERRED: N_("Referred to a vacancy"),
    INTERVIEWING: N_("Interviewed"),
    HIRED: N_("Hired"),
    EMPLOYED_6M: N_("Employed 6 months after leaving"),
    EMPLOYED_12M: N_("Employed 12 months after leaving"),
}
REASON_LABELS = {
    "found_job": N_("Dropped out: found a job"),
    "moved_away": N_("Dropped out: moved away"),
    "health": N_("Dropped out: health"),
    "family_care": N_("Dropped out: family care"),
    "lost_contact": N_("Dropped out: lost contact"),
    "other": N_("Dropped out: other reason"),
}

#: The `by=` options of the funnel: the person's record, the age band on entry, the project.
DIMENSIONS = ("sex", "age_band", "vulnerable_group", "settlement_type", "labour_status", "education_level",
              "project", "district")
NO_GROUP = "none"
_FIXED_VALUES: dict[str, tuple] = {
    "sex": people.SEXES,
    "age_band": tuple(band for band, _low, _high in people.AGE_BANDS),
    "settlement_type": people.SETTLEMENT_TYPES,
    "labour_status": people.LABOUR_STATUSES,
    "education_level": people.EDUCATION_LEVELS,
}
RATE_PLACES = 4

# The exports (service.metrics.tables) label the funnel's own keys and values with these: the stage rows are
# the table `stages`, each with its stage, drop-out reason and `share_of_enrolled.<sex>` columns.
labels.register(columns={"stage": N_("Stage"), "share_of_enrolled": N_("Share of enrolled")},
                values={"stage": STAGE_LABELS, "exit_reason": REASON_LABELS, "section": {"stages": N_("Funnel")}})


@dataclass(frozen=True)
class Request:
    organisation_id: uuid.UUID
    project_id: uuid.UUID | None = None
    period_start: date | None = None
    period_end: date | None = None
    by: tuple[str, ...] = ()
    suppress: bool = True
    min_cell_size: int = 5

    @property
    def threshold(self) -> int:
        return self.min_cell_size if self.suppress else 0


#: A stage row's key: (stage, drop-out reason or None).
Row = tuple[str, str | None]
ROWS: tuple[Row, ...] = tuple(
    row for stage in STAGES
    for row in ((stage, None), *(((stage, reason) for reason in DROP_OUT_REASONS) if stage == DROPPED_OUT_STAGE
                                 else ())))


# -- the report ----------------------------------------------------------------------------------------

def funnel(session: Session, request: Request) -> dict:
    """`stages` (one row per stage and drop-out reason, split by sex) and, with `by=`, `breakdown`."""
    totals = _counts(session, request, ())
    sexes = _values("sex", (key[-1] for key in _keys(totals)))
    report: dict = {"stages": _rows(totals, (), sexes, request)}
    if request.by:
        found = _counts(session, request, request.by)
        values = [dimension_values(session, request, name, (key[i] for key in _keys(found)))
                  for i, name in enumerate(request.by)]
        sexes = _values("sex", (key[-1] for key in _keys(found)), sexes)
        rows_by_cell = _breakdown(found, values, sexes, request, totals)
        report["breakdown"] = [{**{name: _json(value) for name, value in zip(request.by, cell)},
                                "stages": rows, "suppressed": any(row["suppressed"] for row in rows)}
                               for cell, rows in rows_by_cell.items()]
    return report


def _keys(counts: Mapping[Row, Mapping[tuple, int]]) -> Iterable[tuple]:
    return (key for cells in counts.values() for key in cells)


def _rows(counts: Mapping[Row, Mapping[tuple, int]], cell: tuple, sexes: tuple, request: Request) -> list[dict]:
    """The stage rows of the whole scope (`cell` is ()): exact totals, each split by sex a table of its own;
    the drop-out reasons are one table (reason by sex) whose reason totals are cells of the drop-outs."""
    threshold = request.threshold
    reasons = {(reason, sex): counts[(DROPPED_OUT_STAGE, reason)].get((*cell, sex), 0)
               for reason in DROP_OUT_REASONS for sex in sexes}
    dropped_out = _total(counts, DROPPED_OUT_STAGE, cell, sexes)
    hidden_reasons = _hide(reasons, [DROP_OUT_REASONS, sexes], dropped_out, threshold)
    hidden_reason_totals = _hide({(reason,): sum(reasons[(reason, sex)] for sex in sexes)
                                  for reason in DROP_OUT_REASONS}, [DROP_OUT_REASONS], dropped_out, threshold)
    enrolled = {sex: counts[(ENROLLED, None)].get((*cell, sex), 0) for sex in sexes}
    enrolled_hidden = _hidden_sexes(enrolled, sexes, sum(enrolled.values()), threshold)
    found = []
    for stage, reason in ROWS:
        by_sex = {sex: counts[(stage, reason)].get((*cell, sex), 0) for sex in sexes}
        if reason is None:
            hide, total_hidden = _hidden_sexes(by_sex, sexes, sum(by_sex.values()), threshold), False
        else:
            hide = {sex for (r, sex) in hidden_reasons if r == reason}
            total_hidden = (reason,) in hidden_reason_totals
        found.append(_row(stage, reason, by_sex, sum(by_sex.values()), hide, total_hidden, enrolled,
                          enrolled_hidden, sum(enrolled.values()), False))
    return found


def _hidden_sexes(by_sex: Mapping[str, int], sexes: tuple, total: int, threshold: int) -> set[str]:
    return {sex for (sex,) in _hide({(sex,): n for sex, n in by_sex.items()}, [sexes], total, threshold)}


def _total(counts: Mapping[Row, Mapping[tuple, int]], stage: str, cell: tuple, sexes: tuple) -> int:
    """A stage's people: a person has one sex, so the sexes add up."""
    return sum(counts[(stage, None)].get((*cell, sex), 0) for sex in sexes)


def _breakdown(found: Mapping[Row, Mapping[tuple, int]], values: list[tuple], sexes: tuple, request: Request,
               totals: Mapping[Row, Mapping[tuple, int]]) -> dict[tuple, list[dict]]:
    """Each cell's stage rows; a stage's cells (and their split by sex) are one table each."""
    threshold = request.threshold
    cells = list(product(*values))
    hidden_totals: dict[Row, frozenset] = {}
    hidden_sexes: dict[Row, frozenset] = {}
    for row in ROWS:
        table_total = _total(totals, row[0], (), sexes) if row[1] is None else \
            sum(totals[row].get((sex,), 0) for sex in sexes)
        by_cell = {cell: sum(found[row].get((*cell, sex), 0) for sex in sexes) for cell in cells}
        hidden_totals[row] = _hide(by_cell, values, table_total, threshold)
        split = {(*cell, sex): found[row].get((*cell, sex), 0) for cell in cells for sex in sexes}
        # A cell's split by sex is a sub-table: suppress hides it whole when the cell is small.
        hidden_sexes[row] = _hide(split, [*values, sexes], table_total, threshold)
    result = {}
    for cell in cells:
        enrolled = {sex: found[(ENROLLED, None)].get((*cell, sex), 0) for sex in sexes}
        enrolled_hidden = {sex for sex in sexes if (*cell, sex) in hidden_sexes[(ENROLLED, None)]}
        enrolled_total_hidden = cell in hidden_totals[(ENROLLED, None)]
        rows = []
        for stage, reason in ROWS:
            by_sex = {sex: found[(stage, reason)].get((*cell, sex), 0) for sex in sexes}
            hide = {sex for sex in sexes if (*cell, sex) in hidden_sexes[(stage, reason)]}
            rows.append(_row(stage, reason, by_sex, sum(by_sex.values()), hide,
                             cell in hidden_totals[(stage, reason)], enrolled, enrolled_hidden,
                             sum(enrolled.values()), enrolled_total_hidden))
        result[cell] = rows
    return result


def _row(stage: str, reason: str | None, by_sex: Mapping[str, int], total: int, hidden: set, total_hidden: bool,
         enrolled: Mapping[str, int], enrolled_hidden: set, enrolled_total: int, enrolled_total_hidden: bool) -> dict:
    shown = {sex: None if sex in hidden else n for sex, n in by_sex.items()}
    shown_total = None if total_hidden else total
    shares = {sex: None if sex in hidden or sex in enrolled_hidden or not enrolled[sex]
              else _ratio(by_sex[sex], enrolled[sex]) for sex in by_sex}
    shares["total"] = (None if total_hidden or enrolled_total_hidden or not enrolled_total
                       else _ratio(total, enrolled_total))
    return {"stage": stage, "exit_reason": reason, **shown, "total": shown_total, "share_of_enrolled": shares,
            "suppressed": bool(hidden) or total_hidden}


def _hide(cells: Mapping[tuple, int], values: Sequence[Sequence], total: int, threshold: int) -> frozenset:
    """The cells of one table to publish as null (`suppression.suppress`: small cells, the cells of every
    small sub-table, and enough others). `total` is the table's people: with one cell per vulnerable group
    or per project the cells add up to more, and a table of few people is hidden whole all the same."""
    if suppression.small(total, threshold):
        return frozenset(product(*values))
    return suppression.suppress(cells, values, threshold)


def _ratio(numerator: int, denominator: int) -> float:
    return round(numerator / denominator, RATE_PLACES)


def _json(value):
    return str(value) if isinstance(value, uuid.UUID) else value


# -- dimension values ----------------------------------------------------------------------------------

def _values(name: str, found: Iterable, known: tuple = ()) -> tuple:
    """The fixed values of a dimension, then any other value the records hold (an older vocabulary)."""
    values = list(dict.fromkeys((*_FIXED_VALUES.get(name, ()), *known)))
    extra = sorted({value for value in found if value not in values}, key=lambda v: (v is None, str(v)))
    return (*values, *extra)


def dimension_values(session: Session, request: Request, name: str, found: Iterable = ()) -> tuple:
    """Every value of a `by=` dimension, in a stable order, so that zero cells appear too."""
    if name == "project":
        stmt = select(Project.id).where(Project.organisation_id == request.organisation_id)
        if request.project_id is not None:
            stmt = stmt.where(Project.id == request.project_id)
        return tuple(session.scalars(stmt.order_by(Project.code)))
    if name == "district":
        districts = set(session.scalars(select(Trainee.district).where(
            Trainee.organisation_id == request.organisation_id).distinct()))
        return tuple(sorted(districts | set(found), key=lambda d: (d is None, d or "")))
    if name == "vulnerable_group":  # the organisation's own keys (retired ones too), then `none`
        keys = tuple(entry.key for entry in groups.vocabulary(session, request.organisation_id))
        values = _values(name, found, known=keys)
        return (*(value for value in values if value != NO_GROUP), NO_GROUP)
    return _values(name, found)


def grid_size(session: Session, request: Request) -> int:
    size = 1
    for name in request.by:
        size *= len(dimension_values(session, request, name))
    return size


# -- queries -------------------------------------------------------------------------------------------

def _counts(session: Session, request: Request, by: Sequence[str]) -> dict[Row, Counter]:
    """{stage row: {(*cell, sex): people}}."""
    counts: dict[Row, Counter] = defaultdict(Counter)
    utc_day = _utc_day(session)
    for stmt, measures in ((_enrolled_query(request, by, utc_day), _ENROLMENT_MEASURES),
                           (_registered_query(request, by, utc_day), ((REGISTERED, None),))):
        for row in session.execute(stmt):
            key, values = tuple(row[:len(by) + 1]), row[len(by) + 1:]
            for cell in _expand(by, key):
                for measure, value in zip(measures, values):
                    counts[measure][cell] += int(value or 0)
    return counts


def _expand(by: Sequence[str], key: tuple) -> Iterable[tuple]:
    """A row's cells: its vulnerable groups (a JSON list) are one cell each, `none` for none."""
    if "vulnerable_group" not in by:
        return (key,)
    index = by.index("vulnerable_group")
    groups = json.loads(key[index]) if key[index] else []
    return [(*key[:index], group, *key[index + 1:]) for group in (groups or [NO_GROUP])]


_ENROLMENT_MEASURES: tuple[Row, ...] = tuple(row for row in ROWS if row[0] != REGISTERED)


def _utc_day(session: Session):
    """The UTC day of a timestamp column, on either database."""
    if session.get_bind().dialect.name == "postgresql":
        return lambda column: cast(func.timezone("UTC", column), Date)
    return lambda column: func.date(column)  # SQLite keeps UTC timestamps as ISO text


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.max(case((condition, 1), else_=0))


def _age_band(birth_date, day: ColumnElement) -> ColumnElement:
    """The band of the age on `day` (completed years, as people.age_on), in SQL."""
    def part(name: str, column: ColumnElement) -> ColumnElement:
        return func.extract(name, column)

    birthday_ahead = (part("month", day) * 100 + part("day", day)) < (
        part("month", birth_date) * 100 + part("day", birth_date))
    age = part("year", day) - part("year", birth_date) - case((birthday_ahead, 1), else_=0)
    return case(*((age >= low if high is None else and_(age >= low, age <= high), literal(label))
                  for label, low, high in people.AGE_BANDS), else_=None)


def _person_dimensions(by: Sequence[str], day: ColumnElement, project: ColumnElement | None) -> list[ColumnElement]:
    """The `by` values of a person (then their sex), labelled, from the trainee's record."""
    columns = []
    for index, name in enumerate(by):
        column: ColumnElement
        if name == "age_band":
            column = _age_band(Trainee.birth_date, day)
        elif name == "vulnerable_group":
            column = cast(Trainee.vulnerable_groups, Text)
        elif name == "project" and project is not None:
            column = project
        else:
            column = getattr(Trainee, name)
        columns.append(column.label(f"d{index}"))
    return [*columns, Trainee.sex.label("d_sex")]


def _grouped(inner: Select, by: Sequence[str], measures: Callable[[Subquery], list[ColumnElement]]) -> Select:
    """Count the rows of `inner` (one per person, or per person and project) by their dimensions: grouped
    outside, so that each dimension is a plain column (an expression's bound values would differ)."""
    rows = inner.subquery("people")
    keys = [*(rows.c[f"d{index}"] for index in range(len(by))), rows.c.d_sex]
    return select(*keys, *measures(rows)).group_by(*keys)


def _enrolled_query(request: Request, by: Sequence[str], utc_day) -> Select:
    organisation = request.organisation_id
    per_project = "project" in by
    employed = and_(FollowUp.status == RECORDED, FollowUp.employment_status.in_(WAGE_EARNING))
    keys = [Enrolment.trainee_id, *([Enrolment.project_id] if per_project else [])]
    flags = [_flag(Enrolment.status == COMPLETED).label("completed"),
             _flag(Enrolment.status == DROPPED_OUT).label("dropped_out"),
             *(_flag(and_(Enrolment.status == DROPPED_OUT, Enrolment.exit_reason == reason)).label(f"r_{reason}")
               for reason in DROP_OUT_REASONS),
             _flag(FollowUp.checkpoint == "month_6").label("employed_6m"),
             _flag(FollowUp.checkpoint == "month_12").label("employed_12m")]
    scope = [Enrolment.organisation_id == organisation]
    if request.project_id is not None:
        scope.append(Enrolment.project_id == request.project_id)
    if request.period_start is not None:
        scope.append(Enrolment.enrolled_on >= request.period_start)
    if request.period_end is not None:
        scope.append(Enrolment.enrolled_on <= request.period_end)
    participants = (select(*keys, func.min(Enrolment.enrolled_on).label("first_on"), *flags)
                    .select_from(Enrolment)
                    .outerjoin(FollowUp, and_(FollowUp.enrolment_id == Enrolment.id,
                                              FollowUp.checkpoint.in_(("month_6", "month_12")), employed))
                    .where(*scope).group_by(*keys).subquery("participants"))
    referrals = _referrals(organisation)
    first_on = participants.c.first_on

    def after_entry(column: ColumnElement) -> ColumnElement[int]:
        return case((column >= first_on, 1), else_=0)

    project = participants.c.project_id if per_project else None
    inner = (select(*_person_dimensions(by, first_on, project),
                    literal(1).label("enrolled"),
                    participants.c.completed, participants.c.dropped_out,
                    *(participants.c[f"r_{reason}"] for reason in DROP_OUT_REASONS),
                    after_entry(utc_day(referrals.c.last_referred)).label("referred"),
                    after_entry(utc_day(referrals.c.last_interviewed)).label("interviewing"),
                    after_entry(utc_day(referrals.c.last_hired)).label("hired"),
                    participants.c.employed_6m, participants.c.employed_12m)
             .select_from(participants)
             .join(Trainee, Trainee.id == participants.c.trainee_id)
             .outerjoin(referrals, referrals.c.trainee_id == participants.c.trainee_id))
    names = ("enrolled", "completed", "dropped_out", *(f"r_{reason}" for reason in DROP_OUT_REASONS),
             "referred", "interviewing", "hired", "employed_6m", "employed_12m")
    return _grouped(inner, by, lambda rows: [func.sum(rows.c[name]) for name in names])


def _referrals(organisation: uuid.UUID):
    """Per person: the latest referral, the latest that reached an interview (or beyond), the latest hire."""
    was_interviewing = exists().where(
        AuditEntry.organisation_id == organisation, AuditEntry.entity_type == Referral.__tablename__,
        AuditEntry.entity_id == Referral.id,
        AuditEntry.changes[("status", 1)].as_string() == referral_rules.INTERVIEWING)
    reached = or_(Referral.status.in_((referral_rules.INTERVIEWING, referral_rules.HIRED)),
                  and_(Referral.status.in_((referral_rules.REJECTED, referral_rules.WITHDRAWN)), was_interviewing))
    return (select(Referral.trainee_id, func.max(Referral.created_at).label("last_referred"),
                   func.max(case((reached, Referral.created_at))).label("last_interviewed"),
                   func.max(case((Referral.status == referral_rules.HIRED, Referral.created_at))).label("last_hired"))
            .where(Referral.organisation_id == organisation).group_by(Referral.trainee_id).subquery("referred"))


def _registered_query(request: Request, by: Sequence[str], utc_day) -> Select:
    # A duplicate merged into another person is that person, registered once (service.services.merges).
    conditions = [Trainee.organisation_id == request.organisation_id, Trainee.merged_into_id.is_(None)]
    if request.period_start is not None:
        conditions.append(Trainee.created_at >= _midnight(request.period_start))
    if request.period_end is not None:
        conditions.append(Trainee.created_at < _midnight(request.period_end + timedelta(days=1)))
    if "project" not in by and request.project_id is None:
        inner = select(*_person_dimensions(by, utc_day(Trainee.created_at), None)).select_from(Trainee)
        return _grouped(inner.where(*conditions), by, _people)
    enrolments = select(Enrolment.trainee_id, *([Enrolment.project_id] if "project" in by else [])).where(
        Enrolment.organisation_id == request.organisation_id)
    if request.project_id is not None:
        enrolments = enrolments.where(Enrolment.project_id == request.project_id)
    # One row per person (and project, with by=project): whether they have an enrolment is all that counts.
    pairs = enrolments.distinct().subquery("projects")
    project = pairs.c.project_id if "project" in by else None
    inner = (select(*_person_dimensions(by, utc_day(Trainee.created_at), project))
             .select_from(Trainee).join(pairs, pairs.c.trainee_id == Trainee.id).where(*conditions))
    return _grouped(inner, by, _people)


def _people(_rows: Subquery) -> list[ColumnElement]:
    return [func.count()]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)
