"""The metrics consumer: keeps the read model behind /metrics current, one trainee per event."""

from __future__ import annotations

import logging
import time
from collections import defaultdict

from service.db.session import DATABASE_UNAVAILABLE
from service.domain import events
from service.domain.events import Envelope
from service.metrics import projection
from service.services import metrics_rebuild
from service.services.unit_of_work import UnitOfWork
from workers.base import EventConsumer
from workers.registry import register


log = logging.getLogger(__name__)
#: How often a running consumer looks for organisations whose read model awaits a rebuild.
REBUILD_CHECK_SECONDS = 60.0


@register
class MetricsConsumer(EventConsumer):
    """The events only say which trainee changed: what the read model holds of them (sex, age band,
    vulnerable groups, outcomes, ...) is read from the records."""

    name = projection.CONSUMER

    def _refresh(self, changed: list[Envelope], uow: UnitOfWork) -> None:
        """Each trainee named in the batch is re-derived once, all of an organisation's together."""
        trainees: dict = defaultdict(set)
        newest: dict = {}
        for envelope in changed:
            organisation_id, occurred_at = envelope.organisation_id, envelope.occurred_at
            trainees[organisation_id].add(envelope.event.trainee_id)
            if isinstance(envelope.event, events.MERGES):  # both people's records changed
                trainees[organisation_id].add(envelope.event.duplicate_id)
            newest[organisation_id] = max(newest.get(organisation_id, occurred_at), occurred_at)
        for organisation_id in sorted(trainees):
            projection.refresh(uow.session, organisation_id, sorted(trainees[organisation_id]))
            projection.advance_as_of(uow.session, organisation_id, newest[organisation_id])

    handlers = dict.fromkeys(projection.EVENTS, _refresh)

    def on_tick(self) -> None:
        """An organisation marked `rebuild_needed` (migration 0009 emptied its read model) is rebuilt from the
        records, then unmarked; looked for now and then, and at once when the consumer starts."""
        now = time.monotonic()
        if now - getattr(self, "_last_rebuild_check", float("-inf")) < REBUILD_CHECK_SECONDS:
            return
        self._last_rebuild_check = now
        try:
            for organisation_id in metrics_rebuild.awaiting_rebuild(self.pathways):
                log.info("rebuilding the metrics read model of organisation %s", organisation_id)
                metrics_rebuild.rebuild(self.pathways, organisation_id)
        except DATABASE_UNAVAILABLE as error:
            log.warning("read-model rebuild postponed: database unavailable (%s)", error.__class__.__name__)
