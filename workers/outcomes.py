"""The outcomes consumer: follow-ups on exit, checkpoints from placements, filled vacancies."""

from __future__ import annotations

import logging
import time
from itertools import groupby

from service.clock import today
from service.db.session import DATABASE_UNAVAILABLE
from service.services import outcomes
from service.services.unit_of_work import UnitOfWork
from workers.base import EventConsumer
from workers.registry import register
from workers.transactions import retrying_conflicts, unit_of_work

log = logging.getLogger(__name__)
SWEEP_RETRY_SECONDS = 60.0
EXITS = ("enrolment.completed", "enrolment.dropped_out")


@register
class OutcomesConsumer(EventConsumer):
    name = "outcomes"
    routing_keys = (*EXITS, "placement.started", "placement.ended")

    def handle(self, event: dict, uow: UnitOfWork) -> None:
        self.handle_batch([event], uow)

    def handle_batch(self, events: list[dict], uow: UnitOfWork) -> None:
        """Consecutive exits are applied together (their statements shared); the rest one by one,
        in the order they came."""
        for is_exit, run in groupby(events, key=lambda event: event["type"] in EXITS):
            run = list(run)
            if is_exit:
                outcomes.on_exits(uow, [(e["organisation_id"], e["data"]["enrolment_id"]) for e in run], today())
                continue
            for event in run:
                organisation_id, data = event["organisation_id"], event["data"]
                if event["type"] == "placement.started":
                    outcomes.on_placement_started(uow, organisation_id, data["placement_id"], today())
                elif event["type"] == "placement.ended":
                    outcomes.on_placement_ended(uow, organisation_id, data["placement_id"], today())

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
            outcomes.sweep(uow, today())
            uow.commit()
