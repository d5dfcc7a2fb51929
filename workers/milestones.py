"""The milestones consumer: counts each enrolled person towards the reach targets and
announces 25/50/75/100 % once each (the rules and why they are race-free: service.services.milestones)."""

from __future__ import annotations

from service.services import milestones
from service.services.unit_of_work import UnitOfWork
from workers.base import EventConsumer
from workers.registry import register


@register
class MilestonesConsumer(EventConsumer):
    name = "milestones"
    routing_keys = ("enrolment.created",)

    def handle(self, event: dict, uow: UnitOfWork) -> None:
        data = event["data"]
        milestones.on_enrolment_created(uow, event["organisation_id"], data["trainee_id"], data["project_id"])
