"""Kombu connections: RabbitMQ with publisher confirms, or the embedded SQLite transport.

Every retry is bounded: Kombu retries forever by default, which would hang a relay
or a consumer while RabbitMQ is down instead of letting it back off and say so.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kombu import Connection
from kombu.exceptions import OperationalError

from service.config import Config
from service.domain.errors import ConfigurationError

#: For one publish: about 5 s of retrying, then the caller backs off and tries again later.
PUBLISH_RETRY_POLICY = {"max_retries": 4, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 2.0}
CONNECT_TIMEOUT_SECONDS = 5


def connect(config: Config) -> Connection:
    """A new, not yet opened connection (each process and thread opens its own)."""
    if config.broker_url is None:
        raise ConfigurationError("No broker is configured (BROKER_URL).")
    if config.embedded_broker:
        _prepare_embedded_file(config.broker_url)
        return Connection(config.broker_url)
    return Connection(config.broker_url, heartbeat=30, connect_timeout=CONNECT_TIMEOUT_SECONDS,
                      transport_options={"confirm_publish": True})


def _prepare_embedded_file(url: str) -> None:
    """The embedded queue lives in its own SQLite file, apart from the application database.

    WAL (a persistent setting of the file) lets readers and the writer proceed together
    and triples the transport's throughput.
    """
    path = Path(url.removeprefix("sqla+sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = WAL")


def is_amqp(connection: Connection) -> bool:
    return connection.transport.driver_type == "amqp"


def broker_errors(connection: Connection) -> tuple[type[BaseException], ...]:
    """What "the broker is away" looks like, whatever the transport."""
    return (*connection.recoverable_connection_errors, *connection.recoverable_channel_errors,
            OperationalError, OSError)
