"""The milestones consumer: counts each enrolled person towards the reach targets and
announces 25/50/75/100 % once each (the rules and why they are race-free: service.services.milestones)."""

from __future__ import annotations

from service.domain import events
from service.domain.events import Envelope
from service.services import milestones
from service.services.unit_of_work import UnitOfWork
from workers.base import EventConsumer
from workers.registry import register


@register
class MilestonesConsumer(EventConsumer):
    name = "milestones"

    def _enrolments_created(self, created: list[Envelope[events.EnrolmentCreated]], uow: UnitOfWork) -> None:
        for envelope in created:
            event = envelope.event
            milestones.on_enrolment_created(uow, event.organisation_id, event.trainee_id, event.project_id)

    handlers = {events.EnrolmentCreated: _enrolments_created}

