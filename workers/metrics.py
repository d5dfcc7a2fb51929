"""The metrics consumer: keeps the read model behind /metrics current, one trainee per event."""

from __future__ import annotations

from collections import defaultdict

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
        self.handle_batch([event], uow)

    def handle_batch(self, events: list[dict], uow: UnitOfWork) -> None:
        """Each trainee named in the batch is re-derived once, all of an organisation's together."""
        trainees: dict = defaultdict(set)
        newest: dict = {}
        for event in events:
            organisation_id = event["organisation_id"]
            trainees[organisation_id].add(event["data"]["trainee_id"])
            newest[organisation_id] = max(newest.get(organisation_id, event["occurred_at"]), event["occurred_at"])
        for organisation_id in sorted(trainees):
            projection.refresh(uow.session, organisation_id, sorted(trainees[organisation_id]))
            projection.advance_as_of(uow.session, organisation_id, newest[organisation_id])
