"""The caseworker's caseload as pages read it: the follow-ups worklist (numbered pages, sort, totals) and the home page.

"My" follow-ups are those of enrolments the signed-in user created: the audit trail names the actor of
every insert (`audit_entries`: action `create`, entity_type `enrolments`), and nothing else in the data
model says whose case a person is. An organisation's demo or imported enrolments have no such actor, so
the worklist shows the whole organisation's follow-ups by default and "mine" is a filter; the home page
shows mine beside the organisation's totals. "Recent people" are the people whose record the user
created or changed most recently (the audit trail again).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, not_, select, union_all
from sqlalchemy.orm import Session

from service.db.models import AuditEntry, Enrolment, FollowUp, Project, Trainee
from service import clock
from service.domain import countries
from service.domain import follow_ups as rules
from service.domain.roles import Principal
from service.services import directory, organisation_day
from service.domain import consent as consent_rules
from service.services import consent
from service.services.follow_ups import shown_as  # the shown status in SQL, defined once beside the API's list
from service.services.matching import name_search, visible
from service.services.queries import own_organisation
from service.services.unit_of_work import UnitOfWork

#: The worklist's status filter: `todo` (due or overdue: what can be recorded now, the default), `week`
#: (not overdue and due by the end of the coming seven days), a shown status, or `all`.
TODO, WEEK, ALL = "todo", "week", "all"
FILTERS = (TODO, rules.OVERDUE, rules.DUE, WEEK, rules.SCHEDULED, rules.RECORDED, rules.UNREACHABLE, ALL)
#: Sort names a page may ask for: `due` puts overdue ones first, then by due date.
SORTS = ("due", "name", "checkpoint", "project")
#: The days "this week" spans from today (today and the six after it).
WEEK_DAYS = 7
#: A worklist counts its rows up to this many past the page's start and then says "more than": an exact
#: count of an organisation's 645,569 open follow-ups took 1.6 s at a million people (issue 16, P7).
COUNT_CAP = 10_000
_CHECKPOINT_ORDER = {name: position for position, name in enumerate(rules.CHECKPOINTS)}


@dataclass(frozen=True)
class Query:
    """What a worklist page asks: filters, one page and its order."""

    status: str = TODO
    checkpoint: str | None = None
    project_id: uuid.UUID | None = None
    mine: bool = False
    #: Words of a name (any part, accents and case aside), as the people search matches them.
    name: str | None = None
    sort: str = "due"
    descending: bool = False
    offset: int = 0
    limit: int = 25
    #: The reader's language: names are ordered as that language orders its letters (İ, å, ñ).
    language: str = "en"


@dataclass
class Row:
    """One checkpoint of one person, with what is needed to call them and record the outcome."""

    id: uuid.UUID
    trainee_id: uuid.UUID
    given_name: str
    family_name: str
    phone: str | None
    project_id: uuid.UUID
    project_code: str
    project_name: str
    checkpoint: str
    due_on: date
    status: str
    employment_status: str | None
    wage_monthly: Decimal | None
    currency: str | None
    observed_on: date | None
    #: The status as shown today (scheduled / due / overdue / recorded / unreachable).
    shown_status: str = ""

    @property
    def window_ends_on(self) -> date:
        return rules.window_end(self.checkpoint, self.due_on)

    @property
    def can_record(self) -> bool:
        """Due, overdue or unreachable (which may still be recorded later); not before its due date."""
        return self.shown_status in (rules.DUE, rules.OVERDUE, rules.UNREACHABLE)


@dataclass
class Worklist:
    rows: list[Row]
    total: int
    today: date
    #: True when `total` is a floor: there are more rows than were counted (COUNT_CAP past the page's start).
    more: bool = False
    #: The organisation's currency (its country's), which a wage is most likely paid in.
    currency: str = ""


@dataclass
class RecentPerson:
    id: uuid.UUID
    given_name: str
    family_name: str
    phone: str | None
    touched_at: datetime


@dataclass
class Home:
    """The home page's figures: mine (overdue, due this week) with their first rows, and the organisation's."""

    today: date
    overdue: Worklist
    this_week: Worklist
    #: The organisation's counts, up to COUNT_CAP + 1: more than COUNT_CAP reads "10,000+".
    organisation_overdue: int
    organisation_this_week: int
    recent_people: list[RecentPerson] = field(default_factory=list)

    @property
    def week_ends_on(self) -> date:
        return self.today + timedelta(days=WEEK_DAYS - 1)


def name_order(session: Session, column, language: str):
    """`column` ordered as `language` orders its letters (Turkish ı before i, Swedish å ä ö after z), on
    PostgreSQL and SQLite alike: the people search's collation (service.services.directory), not a copy."""
    return directory.collated(session, column, language)


def _mine(principal: Principal) -> ColumnElement[bool]:
    created = select(AuditEntry.entity_id).where(
        AuditEntry.organisation_id == principal.organisation_id, AuditEntry.entity_type == Enrolment.__tablename__,
        AuditEntry.action == "create", AuditEntry.actor_id == principal.user_id)
    return FollowUp.enrolment_id.in_(created)


def _status_condition(status: str, today: date) -> ColumnElement[bool]:
    if status == TODO:  # due or overdue: not recorded and its due date reached (one range on the due date)
        return and_(FollowUp.status == rules.DUE, FollowUp.due_on <= today)
    if status == WEEK:
        return and_(FollowUp.status == rules.DUE, FollowUp.due_on <= today + timedelta(days=WEEK_DAYS - 1),
                    ~shown_as(rules.OVERDUE, today))
    return shown_as(status, today)


def _base(principal: Principal, query: Query, today: date) -> Select:
    org = principal.organisation_id
    stmt: Select = (select(FollowUp.id, FollowUp.trainee_id, Trainee.given_name, Trainee.family_name, Trainee.phone,
                   Project.id.label("project_id"), Project.code.label("project_code"),
                   Project.name.label("project_name"), FollowUp.checkpoint, FollowUp.due_on, FollowUp.status,
                   FollowUp.employment_status, FollowUp.wage_monthly, FollowUp.currency, FollowUp.observed_on)
            .join(Trainee, Trainee.id == FollowUp.trainee_id)
            .join(Enrolment, Enrolment.id == FollowUp.enrolment_id)
            .join(Project, Project.id == Enrolment.project_id)
            .where(FollowUp.organisation_id == org, Trainee.organisation_id == org, Enrolment.organisation_id == org))
    stmt = visible(stmt)
    # Follow-up contact withdrawn (or never given): not offered for contact (issue 18; service.services.consent).
    stmt = stmt.where(FollowUp.trainee_id.not_in(consent.withheld(org, consent_rules.FOLLOW_UP_CONTACT)))
    if query.status != ALL:
        stmt = stmt.where(_status_condition(query.status, today))
    if query.checkpoint:
        stmt = stmt.where(FollowUp.checkpoint == query.checkpoint)
    if query.project_id:
        stmt = stmt.where(Enrolment.project_id == query.project_id)
    if query.mine:
        stmt = stmt.where(_mine(principal))
    return name_search(stmt, query.name)


def _overdue_first(session: Session, stmt: Select, query: Query, today: date) -> Select:
    """The default order (overdue first, then by due date and name) as two ordered parts, each cut at the
    page's end: an overdue one's window end depends on its checkpoint, so no index serves a CASE sort key,
    but each part alone is read in due-date order from the open follow-ups' index and stops early."""
    end = query.offset + query.limit
    overdue = shown_as(rules.OVERDUE, today)
    not_overdue = not_(overdue)
    if query.status not in (ALL, rules.RECORDED, rules.UNREACHABLE):  # open ones only: not overdue is in the
        # window or later, so it is due on or after today less the longest window: a range the index starts at
        longest = max(rules.WINDOW_DAYS.values())
        not_overdue = and_(not_overdue, FollowUp.due_on >= today - timedelta(days=longest))
    # A filter holding only overdue ones, or none, reads one part: walking the index for an empty part
    # would read every open follow-up (2.4 s for "this week" at a million people).
    ranks = [(0, overdue)] if query.status not in (WEEK, rules.DUE, rules.SCHEDULED, rules.RECORDED,
                                                    rules.UNREACHABLE) else []
    ranks += [(1, not_overdue)] if query.status != rules.OVERDUE else []
    parts = []
    for rank, condition in ranks:
        part = _ordered(session, stmt.where(condition), query, today, overdue_first=False).limit(end)
        parts.append(select(*part.subquery().c).add_columns(literal(rank).label("overdue_rank")))
    both = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
    keys = (both.c.overdue_rank, both.c.due_on, name_order(session, both.c.family_name, query.language),
            name_order(session, both.c.given_name, query.language), both.c.id)
    columns = [column for column in both.c if column.name != "overdue_rank"]
    return (select(*columns).order_by(*(key.desc() if query.descending else key for key in keys))
            .offset(query.offset).limit(query.limit))


def _ordered(session: Session, stmt: Select, query: Query, today: date, *, overdue_first: bool = True) -> Select:
    family = name_order(session, Trainee.family_name, query.language)
    given = name_order(session, Trainee.given_name, query.language)
    overdue_rank = case((shown_as(rules.OVERDUE, today), 0), else_=1)
    checkpoint = case(_CHECKPOINT_ORDER, value=FollowUp.checkpoint)
    keys: tuple = {"due": ((overdue_rank, FollowUp.due_on, family, given)
                           if overdue_first else (FollowUp.due_on, family, given)),
                   "name": (family, given, FollowUp.due_on),
                   "checkpoint": (checkpoint, FollowUp.due_on, family, given),
                   "project": (Project.code, FollowUp.due_on, family, given)}[query.sort]
    keys = keys + (FollowUp.id,)  # a total order: pages neither repeat nor skip a row
    return stmt.order_by(*(key.desc() if query.descending else key for key in keys))


def _rows(session: Session, stmt: Select, today: date) -> list[Row]:
    rows = [Row(**row._mapping) for row in session.execute(stmt)]
    for row in rows:
        row.shown_status = rules.shown_status(row, today)
    return rows


def _read(session: Session, principal: Principal, query: Query, today: date) -> Worklist:
    stmt = _base(principal, query, today)
    cap = query.offset + COUNT_CAP
    total = session.execute(select(func.count()).select_from(stmt.limit(cap + 1).subquery())).scalar_one()
    if query.sort == "due" and not query.mine:  # "mine" is a few thousand rows, found from the audit trail
        # first: sorting them is cheaper than walking the organisation's due dates until mine turn up
        page = _overdue_first(session, stmt, query, today)
    else:
        page = _ordered(session, stmt, query, today).offset(query.offset).limit(query.limit)
    return Worklist(rows=_rows(session, page, today), total=min(total, cap), today=today, more=total > cap)


def worklist(uow: UnitOfWork, principal: Principal, query: Query) -> Worklist:
    """One page of the organisation's follow-ups (or the user's: `query.mine`), with the total matching."""
    with uow:
        organisation = own_organisation(uow.session, principal.organisation_id)
        today = clock.today(organisation.time_zone)
        found = _read(uow.session, principal, query, today)
        found.currency = countries.profile(organisation.country).currency or ""
        return found


def count(uow: UnitOfWork, principal: Principal, query: Query) -> int:
    """How many follow-ups match `query`, exactly (the worklist's own total stops at COUNT_CAP past its page)."""
    with uow:
        organisation = own_organisation(uow.session, principal.organisation_id)
        return _count(uow.session, principal, query, clock.today(organisation.time_zone))


def _count(session: Session, principal: Principal, query: Query, today: date, cap: int | None = None) -> int:
    stmt = _base(principal, query, today)
    if cap is not None:  # counted up to cap + 1: more than `cap` is all a reader is told
        stmt = stmt.limit(cap + 1)
    return session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()


def recent_people(session: Session, principal: Principal, limit: int) -> list[RecentPerson]:
    """The people whose record this user created or changed last, most recent first (merged ones left out)."""
    touched = (select(AuditEntry.entity_id, func.max(AuditEntry.occurred_at).label("touched_at"))
               .where(AuditEntry.organisation_id == principal.organisation_id,
                      AuditEntry.entity_type == Trainee.__tablename__, AuditEntry.actor_id == principal.user_id)
               .group_by(AuditEntry.entity_id).subquery())
    stmt = visible(select(Trainee.id, Trainee.given_name, Trainee.family_name, Trainee.phone, touched.c.touched_at)
                   .join(touched, touched.c.entity_id == Trainee.id)
                   .where(Trainee.organisation_id == principal.organisation_id)
                   .order_by(touched.c.touched_at.desc(), Trainee.id).limit(limit))
    return [RecentPerson(**row._mapping) for row in session.execute(stmt)]


def home(uow: UnitOfWork, principal: Principal, *, language: str, personal: bool = True, first: int = 5,
         recent: int = 8) -> Home:
    """The organisation's counts of overdue follow-ups and of those due this week; when `personal`, also
    mine (the first `first` of each and how many) and my `recent` most recently touched people."""
    with uow:
        today = organisation_day.today(uow.session, principal.organisation_id)
        session = uow.session
        empty = Worklist(rows=[], total=0, today=today)
        mine = {status: _read(session, principal, Query(status=status, mine=True, limit=first, language=language),
                              today) if personal else empty
                for status in (rules.OVERDUE, WEEK)}
        return Home(today=today, overdue=mine[rules.OVERDUE], this_week=mine[WEEK],
                    organisation_overdue=_count(session, principal, Query(status=rules.OVERDUE), today, COUNT_CAP),
                    organisation_this_week=_count(session, principal, Query(status=WEEK), today, COUNT_CAP),
                    recent_people=recent_people(session, principal, recent) if personal else [])
