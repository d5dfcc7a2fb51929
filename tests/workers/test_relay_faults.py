"""The relay outlives outages: it backs off and carries on instead of exiting."""

from __future__ import annotations

import dataclasses
import logging
import threading
import uuid

from kombu import Connection

from service.db import outbox
from service.db.session import make_engine, make_session_factory
from service.domain.events import TraineeRegistered
from workers.relay import Relay


def test_the_relay_backs_off_while_the_database_is_unreachable(sqlite_pathways, caplog):
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # nothing listens on port 1
    unreachable = dataclasses.replace(sqlite_pathways, engine=engine, session_factory=make_session_factory(engine))
    stop = threading.Event()
    relay = Relay(unreachable, Connection("memory://"))
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    with caplog.at_level(logging.WARNING, logger="workers.relay"):
        thread.start()
        thread.join(timeout=2.5)
        assert thread.is_alive()  # still trying, not crashed
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert any("database unavailable" in record.getMessage() for record in caplog.records)
    engine.dispose()


def test_the_relay_backs_off_while_the_broker_is_unreachable(sqlite_pathways, caplog):
    with sqlite_pathways.uow() as uow:
        uow.record(TraineeRegistered(organisation_id=uuid.uuid4(),
                                     trainee_id=uuid.UUID("01a20000-0000-7000-8000-000000000000")))
        uow.commit()
    stop = threading.Event()
    relay = Relay(sqlite_pathways, Connection("amqp://guest:guest@127.0.0.1:1//", connect_timeout=0.5))
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    with caplog.at_level(logging.WARNING, logger="workers.relay"):
        thread.start()
        thread.join(timeout=3)
        assert thread.is_alive()
        stop.set()
        thread.join(timeout=15)
    assert any("broker unavailable" in record.getMessage() for record in caplog.records)
    with sqlite_pathways.uow() as uow:
        assert outbox.unpublished_count(uow.session) == 1  # kept for when the broker is back
