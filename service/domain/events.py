"""Past-tense domain events; the unit of work turns them into outbox rows.

Payloads carry ids and categorical facts only, never names, contact details or
national ids (SPEC section 4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID


@dataclass(frozen=True)
class DomainEvent:
    type: ClassVar[str]
    organisation_id: UUID
    data: dict[str, Any] = field(default_factory=dict)
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class TraineeRegistered(DomainEvent):
    type: ClassVar[str] = "trainee.registered"


@dataclass(frozen=True)
class EnrolmentCreated(DomainEvent):
    type: ClassVar[str] = "enrolment.created"


@dataclass(frozen=True)
class EnrolmentCompleted(DomainEvent):
    type: ClassVar[str] = "enrolment.completed"


@dataclass(frozen=True)
class EnrolmentDroppedOut(DomainEvent):
    type: ClassVar[str] = "enrolment.dropped_out"


@dataclass(frozen=True)
class ReferralCreated(DomainEvent):
    type: ClassVar[str] = "referral.created"


@dataclass(frozen=True)
class ReferralHired(DomainEvent):
    type: ClassVar[str] = "referral.hired"


@dataclass(frozen=True)
class PlacementStarted(DomainEvent):
    type: ClassVar[str] = "placement.started"


@dataclass(frozen=True)
class PlacementEnded(DomainEvent):
    type: ClassVar[str] = "placement.ended"


@dataclass(frozen=True)
class FollowUpRecorded(DomainEvent):
    type: ClassVar[str] = "follow_up.recorded"


@dataclass(frozen=True)
class TraineeUpdated(DomainEvent):
    """A change of the categorical facts that metrics disaggregate by (sex, district, ...)."""

    type: ClassVar[str] = "trainee.updated"


@dataclass(frozen=True)
class FollowUpReopened(DomainEvent):
    """A checkpoint resolved from a placement went back to due: the placement had ended before it."""

    type: ClassVar[str] = "follow_up.reopened"


@dataclass(frozen=True)
class TargetMilestoneReached(DomainEvent):
    type: ClassVar[str] = "target.milestone_reached"
