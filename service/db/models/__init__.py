"""All mapped models, imported here so that metadata and Alembic see every table."""

from service.db.models.audit import AuditEntry
from service.db.models.consent import ConsentText, TraineeConsent
from service.db.models.documents import TraineeDocument
from service.db.models.employers import Employer, Vacancy
from service.db.models.enrolments import Enrolment
from service.db.models.groups import OrganisationGroup
from service.db.models.idempotency import IdempotencyRecord
from service.db.models.imports import ImportJob
from service.db.models.inbox import ProcessedEvent
from service.db.models.metrics import (
    MetricEnrolment, MetricParticipant, MetricParticipantGroup, MetricRollup, MetricRollupValue, MetricState,
)
from service.db.models.merges import TraineeDistinction, TraineeMerge
from service.db.models.milestones import Milestone, ReachCount, ReachMember
from service.db.models.organisations import Organisation
from service.db.models.outbox import OutboxMessage
from service.db.models.placements import FollowUp, Placement
from service.db.models.projects import Cohort, Project
from service.db.models.reference import OccupationSexShare
from service.db.models.referrals import Referral
from service.db.models.trainees import Trainee
from service.db.models.users import User
from service.db.models.web_accounts import UserInvitation, WebSession

__all__ = ["AuditEntry", "Cohort", "ConsentText", "TraineeConsent",
           "Employer", "Enrolment", "FollowUp", "IdempotencyRecord", "ImportJob",
           "MetricEnrolment",
           "MetricParticipant", "MetricParticipantGroup", "MetricRollup", "MetricRollupValue", "MetricState",
           "Milestone", "OccupationSexShare", "Organisation", "OrganisationGroup", "OutboxMessage", "Placement",
           "ProcessedEvent", "Project",
           "ReachCount", "ReachMember", "Referral", "Trainee", "TraineeDistinction", "TraineeDocument",
           "TraineeMerge", "User", "UserInvitation", "Vacancy", "WebSession"]
