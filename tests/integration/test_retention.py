"""Retention (service/db/retention.py, `pathways purge`): what is past its time goes, nothing else."""

from __future__ import annotations

import dataclasses
import json
import threading
import uuid
from datetime import timedelta

import pytest
from click.testing import CliRunner
from kombu import Connection
from sqlalchemy import create_engine, delete, select, text

from service.clock import utcnow
from service.cli import main
from service.db import retention
from service.db.models import IdempotencyRecord, OutboxMessage, ProcessedEvent
from service.ids import new_id
from tests import factories
from tests.api.helpers import ok, url
from tests.conftest import PG_URL

DAY = timedelta(days=1)


@dataclasses.dataclass
class Rows:
    """One test's rows: those past their retention and those that must stay."""

    expired: dict[str, list] = dataclasses.field(default_factory=lambda: {"outbox": [], "inbox": [], "idempotency": []})
    kept: dict[str, list] = dataclasses.field(default_factory=lambda: {"outbox": [], "inbox": [], "idempotency": []})


def add_rows(pathways, *, copies: int = 1) -> Rows:
    """Each kind of row on both sides of its default retention (7 days, 7 days, 24 hours)."""
    now, rows, organisation_id = utcnow(), Rows(), uuid.uuid4()
    with pathways.uow() as uow:
        for _ in range(copies):
            for published_at, occurred_at, side in ((now - 8 * DAY, now - 8 * DAY, "expired"),
                                                    (now - 6 * DAY, now - 8 * DAY, "kept"),
                                                    (None, now - 30 * DAY, "kept"),  # never published
                                                    ):
                row = OutboxMessage(id=new_id(), organisation_id=organisation_id, type="trainee.registered",
                                    envelope={"id": "x"}, occurred_at=occurred_at, published_at=published_at)
                uow.session.add(row)
                getattr(rows, side)["outbox"].append(row.id)
            for processed_at, side in ((now - 8 * DAY, "expired"), (now - 6 * DAY, "kept")):
                event_id = uuid.uuid4()
                uow.session.add(ProcessedEvent(consumer="metrics", event_id=event_id, processed_at=processed_at))
                getattr(rows, side)["inbox"].append(event_id)
            for created_at, side in ((now - timedelta(hours=25), "expired"), (now - timedelta(hours=23), "kept")):
                record = IdempotencyRecord(id=new_id(), organisation_id=organisation_id, user_id=uuid.uuid4(),
                                           key=str(uuid.uuid4()), fingerprint="f", status_code=201,
                                           response_body="{}", created_at=created_at)
                uow.session.add(record)
                getattr(rows, side)["idempotency"].append(record.id)
        uow.commit()
    return rows


_KEYS = {"outbox": OutboxMessage.id, "inbox": ProcessedEvent.event_id, "idempotency": IdempotencyRecord.id}


def present(pathways, ids: dict[str, list]) -> dict[str, int]:
    with pathways.uow() as uow:
        return {store: len(uow.session.scalars(select(key).where(key.in_(ids[store]))).all())
                for store, key in _KEYS.items()}


def remove(pathways, rows: Rows) -> None:
    """Rows this test committed outside any organisation (PostgreSQL is shared by the run)."""
    with pathways.uow() as uow:
        for store, key in _KEYS.items():
            uow.session.execute(delete(key.class_).where(key.in_(rows.expired[store] + rows.kept[store])))
        uow.commit()


def test_a_purge_deletes_what_is_past_its_retention_and_keeps_the_rest(pathways):
    rows = add_rows(pathways, copies=7)
    deleted = retention.purge(pathways, batch=3)  # several batches of each store
    assert present(pathways, rows.expired) == {"outbox": 0, "inbox": 0, "idempotency": 0}
    assert present(pathways, rows.kept) == {"outbox": 14, "inbox": 7, "idempotency": 7}
    assert all(deleted[store] >= 7 for store in ("outbox", "inbox", "idempotency"))  # and others' old rows
    assert deleted["queue"] is None  # no embedded queue configured: RabbitMQ deletes what is acked
    assert retention.purge(pathways) == {"outbox": 0, "inbox": 0, "idempotency": 0, "queue": None}


def test_an_unpublished_outbox_row_is_never_deleted_whatever_the_retention(pathways):
    rows = add_rows(pathways)
    config = pathways.config.with_overrides(outbox_retention_seconds=1)
    retention.purge(dataclasses.replace(pathways, config=config))
    with pathways.uow() as uow:
        left = uow.session.execute(select(OutboxMessage.published_at).where(
            OutboxMessage.id.in_(rows.kept["outbox"] + rows.expired["outbox"]))).scalars().all()
    assert left == [None]  # the row published 6 days ago went with a one-second retention


def test_retention_is_configured_per_store(pathways):
    rows = add_rows(pathways)
    config = pathways.config.with_overrides(outbox_retention_seconds=9 * 86400, inbox_retention_seconds=5 * 86400,
                                            idempotency_ttl_seconds=26 * 3600)
    retention.purge(dataclasses.replace(pathways, config=config))
    assert present(pathways, rows.expired) == {"outbox": 1, "inbox": 0, "idempotency": 1}
    assert present(pathways, rows.kept) == {"outbox": 2, "inbox": 0, "idempotency": 1}


def test_a_dry_run_counts_and_deletes_nothing(pathways):
    rows = add_rows(pathways, copies=2)
    counted = retention.purge(pathways, dry_run=True)
    assert present(pathways, rows.expired) == {"outbox": 2, "inbox": 2, "idempotency": 2}
    assert all(counted[store] >= 2 for store in ("outbox", "inbox", "idempotency"))
    assert retention.purge(pathways) == counted  # exactly what the dry run announced


# -- the embedded queue file -------------------------------------------------------------------------

def _messages(queue_file) -> list[tuple[int, bool]]:
    engine = create_engine(f"sqlite:///{queue_file}")
    try:
        with engine.connect() as connection:
            return [(id_, bool(visible)) for id_, visible in
                    connection.execute(text("SELECT id, visible FROM kombu_message ORDER BY id"))]
    finally:
        engine.dispose()


def test_delivered_messages_of_the_embedded_queue_are_deleted_and_waiting_ones_kept(sqlite_pathways, tmp_path):
    queue_file = tmp_path / "queue.db"
    config = sqlite_pathways.config.with_overrides(broker_url=f"sqla+sqlite:///{queue_file}")
    pathways = dataclasses.replace(sqlite_pathways, config=config)
    assert retention.purge(pathways)["queue"] == 0  # no file yet: nothing to do
    with Connection(config.broker_url) as connection:
        queue = connection.SimpleQueue("retention-test")
        for n in range(5):
            queue.put({"n": n})
        for _ in range(3):
            queue.get(timeout=5).ack()
        assert [visible for _id, visible in _messages(queue_file)] == [False] * 3 + [True] * 2
        assert retention.purge(pathways, dry_run=True)["queue"] == 3
        assert len(_messages(queue_file)) == 5
        assert retention.purge(pathways, batch=2)["queue"] == 3
        assert [visible for _id, visible in _messages(queue_file)] == [True, True]
        waiting = [queue.get(timeout=5) for _ in range(2)]  # the transport still reads what waits
        assert [message.payload["n"] for message in waiting] == [3, 4]
        for message in waiting:
            message.ack()
        queue.close()


# -- `pathways purge` ----------------------------------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgres"])
def committed(request, tmp_path, monkeypatch):
    """Pathways whose commits another process sees, and the environment that names its databases."""
    if request.param == "sqlite":
        pathways = request.getfixturevalue("sqlite_pathways")
        monkeypatch.setenv("DATABASE_URL", pathways.config.database_url)
        monkeypatch.setenv("BROKER_URL", f"sqla+sqlite:///{tmp_path / 'queue.db'}")
    else:
        pathways = request.getfixturevalue("committing_pg_pathways")
        monkeypatch.setenv("DATABASE_URL", PG_URL)
        monkeypatch.setenv("BROKER_URL", "amqp://guest:guest@127.0.0.1:5672/unused")
        monkeypatch.setenv("PATHWAYS_PII_HASH_KEY", "tBs1cTotC1IW6alfsZSOQRNOZ_9R1Es1it9SvpyLkWE")
        monkeypatch.setenv("PATHWAYS_PII_ENCRYPTION_KEY", "iSE2_YulSRLpEmwUOCYaH9daXo0Gh5ZNaaAtS52G94U")
    return pathways


def _purge_command(*args: str) -> dict:
    result = CliRunner().invoke(main, ["purge", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_purge_command_prints_what_it_would_delete_then_what_it_deleted(committed):
    rows = add_rows(committed, copies=2)
    try:
        dry = _purge_command("--dry-run")
        assert dry["dry_run"] is True and set(dry["would_delete"]) == set(retention.STORES)
        assert all(dry["would_delete"][store] >= 2 for store in ("outbox", "inbox", "idempotency"))
        assert present(committed, rows.expired) == {"outbox": 2, "inbox": 2, "idempotency": 2}
        done = _purge_command()
        assert done == {"dry_run": False, "deleted": dry["would_delete"]}
        assert present(committed, rows.expired) == {"outbox": 0, "inbox": 0, "idempotency": 0}
        assert present(committed, rows.kept) == {"outbox": 4, "inbox": 2, "idempotency": 2}
    finally:
        remove(committed, rows)


def test_purges_running_at_once_delete_each_row_once_and_fail_nowhere(committed):
    rows = add_rows(committed, copies=30)
    try:
        expected = retention.purge(committed, dry_run=True)
        results: list[dict] = []
        threads = [threading.Thread(target=lambda: results.append(retention.purge(committed, batch=4)))
                   for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert len(results) == 3  # none raised
        for store in ("outbox", "inbox", "idempotency"):
            assert sum(result[store] for result in results) == expected[store]
        assert present(committed, rows.expired) == {"outbox": 0, "inbox": 0, "idempotency": 0}
        assert present(committed, rows.kept) == {"outbox": 60, "inbox": 30, "idempotency": 30}
    finally:
        remove(committed, rows)


# -- idempotency keys: replayed for 24 hours, reusable once purged ------------------------------------

def test_a_replay_works_within_24_hours_and_the_key_is_free_again_after_expiry_and_purge(client, tenant, pathways):
    headers, body = {**tenant.headers["admin"], "Idempotency-Key": "k-1"}, factories.trainee_body()
    first = ok(client.post(url("/trainees"), json=body, headers=headers), 201)
    _age_keys(pathways, timedelta(hours=23))
    assert retention.purge(pathways)["idempotency"] == 0
    replay = client.post(url("/trainees"), json=body, headers=headers)
    assert replay.headers.get("Idempotent-Replayed") == "true" and replay.get_json() == first
    assert client.post(url("/trainees"), json=factories.trainee_body(), headers=headers).status_code == 422
    _age_keys(pathways, timedelta(hours=25))
    assert retention.purge(pathways)["idempotency"] >= 1
    with pathways.uow() as uow:
        assert uow.session.scalars(select(IdempotencyRecord).where(IdempotencyRecord.key == "k-1")).all() == []
    second = ok(client.post(url("/trainees"), json=factories.trainee_body(), headers=headers), 201)
    assert second["id"] != first["id"]


def _age_keys(pathways, age: timedelta) -> None:
    """As if every stored key had been made `age` ago."""
    with pathways.uow() as uow:
        uow.session.execute(IdempotencyRecord.__table__.update().values(created_at=utcnow() - age))
        uow.commit()
