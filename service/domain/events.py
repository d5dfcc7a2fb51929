"""Past-tense domain events, one frozen class per type; the unit of work turns them into outbox rows.

Each class's `routing_key` is its type on the wire and the key it is published under;
`schemas.events` holds its payload schema, and consumers name the classes they handle.
An event names the records it is about (ids) and the facts of the change (dates, states,
reasons, a job's terms). It carries no personal data beyond ids: no names, contact details or
national ids (SPEC section 4), and none of a person's characteristics (sex, birth year, age
band, vulnerable groups, district, ...): a consumer that needs those reads the trainee's record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar, Generic, TypeVar
from uuid import UUID


#: Every event type, by routing key: each class that names its `routing_key` is listed here.
CATALOGUE: dict[str, type[Event]] = {}


@dataclass(frozen=True, kw_only=True)
class Event:
    """What every event has: its type (`routing_key`) and the organisation whose records changed."""

    routing_key: ClassVar[str]
    organisation_id: UUID

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "routing_key" in cls.__dict__:  # not the shared bases below
            if cls.routing_key in CATALOGUE:
                raise ValueError(f"two event classes with routing key {cls.routing_key!r}")
            CATALOGUE[cls.routing_key] = cls


E = TypeVar("E", bound=Event)


@dataclass(frozen=True)
class Envelope(Generic[E]):
    """An event as written to the outbox and delivered: its own id and when it happened."""

    id: UUID
    occurred_at: datetime
    event: E

    @property
    def organisation_id(self) -> UUID:
        return self.event.organisation_id


@dataclass(frozen=True, kw_only=True)
class TraineeRegistered(Event):
    routing_key: ClassVar[str] = "trainee.registered"
    trainee_id: UUID


@dataclass(frozen=True, kw_only=True)
class TraineeUpdated(Event):
    """A change of the categorical facts that metrics disaggregate by; `changed` names them (sorted)."""

    routing_key: ClassVar[str] = "trainee.updated"
    trainee_id: UUID
    changed: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class _Merge(Event):
    """A duplicate registration (`duplicate_id`) and the person it is (`trainee_id`, the survivor): both
    people's records changed (what moved is in the merge, `merge_id`)."""

    merge_id: UUID
    trainee_id: UUID
    duplicate_id: UUID


@dataclass(frozen=True, kw_only=True)
class TraineeMerged(_Merge):
    """The duplicate's enrolments, referrals, placements, follow-ups and documents are the survivor's now."""

    routing_key: ClassVar[str] = "trainee.merged"


@dataclass(frozen=True, kw_only=True)
class TraineeMergeUndone(_Merge):
    """What the merge moved is the duplicate's again."""

    routing_key: ClassVar[str] = "trainee.merge_undone"


#: Both events about two people.
MERGES = (TraineeMerged, TraineeMergeUndone)


@dataclass(frozen=True, kw_only=True)
class EnrolmentCreated(Event):
    routing_key: ClassVar[str] = "enrolment.created"
    enrolment_id: UUID
    trainee_id: UUID
    project_id: UUID
    cohort_id: UUID | None
    enrolled_on: date


@dataclass(frozen=True, kw_only=True)
class EnrolmentEntryCorrected(Event):
    """A deliberate, audited correction of an enrolment's values at entry; `corrected` names them (sorted),
    the values stay in the record (and the audit entry, with the reason)."""

    routing_key: ClassVar[str] = "enrolment.entry_corrected"
    enrolment_id: UUID
    trainee_id: UUID
    project_id: UUID
    corrected: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class _EnrolmentExited(Event):
    enrolment_id: UUID
    trainee_id: UUID
    project_id: UUID
    enrolled_on: date
    exited_on: date
    exit_reason: str | None
    qualification_gained: bool | None


@dataclass(frozen=True, kw_only=True)
class EnrolmentCompleted(_EnrolmentExited):
    routing_key: ClassVar[str] = "enrolment.completed"


@dataclass(frozen=True, kw_only=True)
class EnrolmentDroppedOut(_EnrolmentExited):
    routing_key: ClassVar[str] = "enrolment.dropped_out"


#: Both ways an enrolment ends.
EXITS = (EnrolmentCompleted, EnrolmentDroppedOut)


@dataclass(frozen=True, kw_only=True)
class ReferralCreated(Event):
    routing_key: ClassVar[str] = "referral.created"
    referral_id: UUID
    trainee_id: UUID
    vacancy_id: UUID
    employer_id: UUID


@dataclass(frozen=True, kw_only=True)
class ReferralHired(Event):
    routing_key: ClassVar[str] = "referral.hired"
    referral_id: UUID
    trainee_id: UUID
    vacancy_id: UUID
    employer_id: UUID
    placement_id: UUID


@dataclass(frozen=True, kw_only=True)
class _Placement(Event):
    placement_id: UUID
    trainee_id: UUID
    employer_id: UUID
    vacancy_id: UUID | None
    started_on: date
    wage_monthly: Decimal
    currency: str
    hours_per_week: int
    contract_type: str
    formal: bool


@dataclass(frozen=True, kw_only=True)
class PlacementStarted(_Placement):
    routing_key: ClassVar[str] = "placement.started"


@dataclass(frozen=True, kw_only=True)
class PlacementEnded(_Placement):
    routing_key: ClassVar[str] = "placement.ended"
    ended_on: date
    reason: str


@dataclass(frozen=True, kw_only=True)
class _Checkpoint(Event):
    follow_up_id: UUID
    enrolment_id: UUID
    trainee_id: UUID
    checkpoint: str
    due_on: date


@dataclass(frozen=True, kw_only=True)
class FollowUpReopened(_Checkpoint):
    """A checkpoint resolved from a placement went back to due: the placement had ended before it."""

    routing_key: ClassVar[str] = "follow_up.reopened"


@dataclass(frozen=True, kw_only=True)
class FollowUpRecorded(_Checkpoint):
    routing_key: ClassVar[str] = "follow_up.recorded"
    status: str
    employment_status: str
    wage_monthly: Decimal | None
    currency: str | None
    source: str


@dataclass(frozen=True, kw_only=True)
class TargetMilestoneReached(Event):
    """`project_id` None: the organisation's programme-wide target."""

    routing_key: ClassVar[str] = "target.milestone_reached"
    project_id: UUID | None
    percent: int
    target: int
    reached: int

