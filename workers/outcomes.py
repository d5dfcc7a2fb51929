"""The outcomes consumer: follow-ups on exit, checkpoints from placements, filled vacancies."""

from __future__ import annotations

import logging
import time

from service.db.session import DATABASE_UNAVAILABLE
from service.domain import events
from service.domain.events import Envelope
from service.services import outcomes
from service.services.unit_of_work import UnitOfWork
from workers.base import EventConsumer
from workers.registry import register
from workers.transactions import retrying_conflicts, unit_of_work

log = logging.getLogger(__name__)
SWEEP_RETRY_SECONDS = 60.0


@register
class OutcomesConsumer(EventConsumer):
    name = "outcomes"

    def _exits(self, exits: list[Envelope[events.EnrolmentCompleted | events.EnrolmentDroppedOut]],
               uow: UnitOfWork) -> None:
        """Consecutive exits are applied together: their statements are shared."""
        outcomes.on_exits(uow, [(envelope.organisation_id, envelope.event.enrolment_id) for envelope in exits])

    def _placements_started(self, started: list[Envelope[events.PlacementStarted]], uow: UnitOfWork) -> None:
        for envelope in started:
            outcomes.on_placement_started(uow, envelope.organisation_id, envelope.event.placement_id)

    def _placements_ended(self, ended: list[Envelope[events.PlacementEnded]], uow: UnitOfWork) -> None:
        for envelope in ended:
            outcomes.on_placement_ended(uow, envelope.organisation_id, envelope.event.placement_id)

    handlers = {events.EnrolmentCompleted: _exits, events.EnrolmentDroppedOut: _exits,
                events.PlacementStarted: _placements_started, events.PlacementEnded: _placements_ended}

    def on_tick(self) -> None:
        """Checkpoints fall due as days pass, without any event: sweep for them now and then."""
        now = time.monotonic()
        if now - getattr(self, "_last_sweep", float("-inf")) < self.pathways.config.sweep_interval_seconds:
            return
        self._last_sweep = now
        try:
            retrying_conflicts(self._sweep, f"{self.name}: sweep")
        except DATABASE_UNAVAILABLE as error:
            log.warning("sweep postponed: database unavailable (%s)", error.__class__.__name__)
            self._last_sweep = now - self.pathways.config.sweep_interval_seconds + SWEEP_RETRY_SECONDS

    def _sweep(self) -> None:
        with unit_of_work(self.pathways) as uow:
            outcomes.sweep(uow)
            uow.commit()
