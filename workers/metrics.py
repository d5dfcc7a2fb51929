"""The metrics consumer: keeps the read model behind /metrics current, one trainee per event."""

from __future__ import annotations

from collections import defaultdict

from service.domain import events
from service.domain.events import Envelope
from service.metrics import projection
from service.services.unit_of_work import UnitOfWork
from workers.base import EventConsumer
from workers.registry import register


@register
class MetricsConsumer(EventConsumer):
    """The events only say which trainee changed: what the read model holds of them (sex, age band,
    vulnerable groups, outcomes, ...) is read from the records."""

    name = "metrics"

    def _refresh(self, changed: list[Envelope], uow: UnitOfWork) -> None:
        """Each trainee named in the batch is re-derived once, all of an organisation's together."""
        trainees: dict = defaultdict(set)
        newest: dict = {}
        for envelope in changed:
            organisation_id, occurred_at = envelope.organisation_id, envelope.occurred_at
            trainees[organisation_id].add(envelope.event.trainee_id)
            newest[organisation_id] = max(newest.get(organisation_id, occurred_at), occurred_at)
        for organisation_id in sorted(trainees):
            projection.refresh(uow.session, organisation_id, sorted(trainees[organisation_id]))
            projection.advance_as_of(uow.session, organisation_id, newest[organisation_id])

    handlers = dict.fromkeys((
        events.TraineeRegistered, events.TraineeUpdated, events.EnrolmentCreated, events.EnrolmentCompleted,
        events.EnrolmentDroppedOut, events.PlacementStarted, events.PlacementEnded, events.FollowUpRecorded,
        events.FollowUpReopened), _refresh)
