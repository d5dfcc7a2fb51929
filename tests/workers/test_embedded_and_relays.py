"""The embedded transport end to end, and several relays publishing one outbox."""

from __future__ import annotations

import dataclasses
import threading
import uuid
from datetime import date, timedelta

from kombu import Connection
from sqlalchemy import func, select

from service.app import create_app
from service.db.models import FollowUp, OutboxMessage
from service.domain.events import TraineeRegistered
from tests import factories
from tests.workers.conftest import Pipeline, wait_for
from tests.workers.test_pipeline import _caseworker
from workers.registry import load_all
from workers.relay import Relay


def test_embedded_mode_turns_an_exit_into_follow_ups_without_rabbitmq(sqlite_pathways, tmp_path):
    """SQLite for the records and Kombu's SQLite transport, in a file of its own, for the events."""
    load_all()
    config = sqlite_pathways.config.with_overrides(broker_url=f"sqla+sqlite:///{tmp_path / 'queue.db'}",
                                                   retry_delays=(0.2,))
    pathways = dataclasses.replace(sqlite_pathways, config=config)
    client = create_app(pathways=pathways).test_client()
    headers = _caseworker(pathways)
    admin, cw = headers["admin"], headers["caseworker"]
    project = client.post("/api/v1/projects", headers=admin, json=factories.project_body()).get_json()
    trainee = client.post("/api/v1/trainees", headers=cw, json=factories.trainee_body()).get_json()
    enrolment = client.post("/api/v1/enrolments", headers=cw,
                            json=factories.enrolment_body(trainee["id"], project["id"])).get_json()
    client.post(f"/api/v1/enrolments/{enrolment['id']}/complete", headers=cw, json={
        "exited_on": (date.today() - timedelta(days=1)).isoformat(), "qualification_gained": True})
    running = Pipeline(pathways).start()
    try:
        def follow_ups():
            """the three checkpoints, through the embedded queue"""
            with pathways.uow() as uow:
                return uow.session.scalar(select(func.count()).select_from(FollowUp).where(
                    FollowUp.enrolment_id == uuid.UUID(enrolment["id"]))) == 3

        wait_for(follow_ups, timeout=60)
    finally:
        running.stop()
    assert (tmp_path / "queue.db").exists()  # its own file, beside (not inside) the application database


def _registered(organisation_id: uuid.UUID) -> TraineeRegistered:
    return TraineeRegistered(organisation_id=organisation_id, trainee_id=uuid.uuid4())


def test_two_relays_at_once_publish_every_row_once(committing_pg_pathways):
    load_all()
    organisation_id = uuid.uuid4()  # outbox rows name their organisation without a foreign key
    with committing_pg_pathways.uow() as uow:
        for _ in range(120):
            uow.record(_registered(organisation_id))
        uow.commit()
    published: list[str] = []
    lock = threading.Lock()

    class CountingRelay(Relay):
        def producer(self):
            relay = self

            class Recorder:
                def publish(self, body, **_kwargs):
                    with lock:
                        published.append(body["id"])

            relay._producer = Recorder()
            return relay._producer

    relays = [CountingRelay(committing_pg_pathways, Connection("memory://"), batch_size=10) for _ in range(2)]
    threads = [threading.Thread(target=lambda r=r: [r.relay_once() for _ in range(12)]) for r in relays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with committing_pg_pathways.uow() as uow:
        ours = set(map(str, uow.session.scalars(select(OutboxMessage.id).where(
            OutboxMessage.organisation_id == organisation_id))))
        unpublished = uow.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.organisation_id == organisation_id, OutboxMessage.published_at.is_(None)))
    mine = [event_id for event_id in published if event_id in ours]
    assert len(mine) == len(set(mine)) == 120  # each row published exactly once
    assert unpublished == 0
