"""The metrics consumer: keeps the read model behind /metrics current, one trainee per event."""

from __future__ import annotations

from service.metrics import projection
from service.services.unit_of_work import UnitOfWork
from workers.base import EventConsumer
from workers.registry import register


@register
class MetricsConsumer(EventConsumer):
    name = "metrics"
    routing_keys = ("trainee.registered", "trainee.updated", "enrolment.created", "enrolment.completed",
                    "enrolment.dropped_out", "placement.started", "placement.ended", "follow_up.recorded",
                    "follow_up.reopened")

    def handle(self, event: dict, uow: UnitOfWork) -> None:
        projection.refresh(uow.session, event["organisation_id"], event["data"]["trainee_id"])
        projection.advance_as_of(uow.session, event["organisation_id"], event["occurred_at"])
