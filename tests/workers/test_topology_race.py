"""A declaration that loses a race with another process's declaration of the same queue is harmless.

On Kombu's SQLite transport a queue is a row of `kombu_queue`, made by a look-up and then an
insert. Here the rival process's insert is made (with its own SQLite connection, committed) at
the worst moment: after this declaration looked the queue up and found nothing, just before its
own insert, exactly as when the relay and a consumer thread declared at the same moment on a
fresh `make run`.
"""

from __future__ import annotations

import sqlite3

from kombu import Connection
from sqlalchemy import event

from workers.topology import ConsumerTopology

TOPOLOGY = ConsumerTopology("outcomes", ("enrolment.completed",), (1.0, 5.0))


def _queue_names(path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return sorted(name for (name,) in connection.execute("SELECT name FROM kombu_queue"))


def test_a_declaration_that_loses_the_race_for_a_queue_row_finds_the_queue(tmp_path):
    path = tmp_path / "queue.db"
    expected = sorted([TOPOLOGY.queue_name, *(TOPOLOGY.wait_queue_name(i) for i in range(2)),
                       TOPOLOGY.dead_letter_name])
    raced: list[str] = []

    def rival_declares_first(_connection, _cursor, statement, parameters, _context, _executemany):
        if statement.lstrip().upper().startswith("INSERT INTO KOMBU_QUEUE") and not raced:
            raced.append(parameters[0])
            with sqlite3.connect(path) as rival:
                rival.execute("INSERT INTO kombu_queue (name) VALUES (?)", (parameters[0],))

    with Connection(f"sqla+sqlite:///{path}") as connection:
        channel = connection.channel()
        engine = channel.session.get_bind()
        event.listen(engine, "before_cursor_execute", rival_declares_first)
        try:
            TOPOLOGY.declare(channel)
        finally:
            event.remove(engine, "before_cursor_execute", rival_declares_first)
        # The channel goes on working: a message published to the contested queue arrives.
        channel.basic_publish(channel.prepare_message("{}"), exchange="", routing_key=raced[0])
        assert channel.basic_get(raced[0]) is not None

    assert raced == [TOPOLOGY.queue_name]
    assert _queue_names(path) == expected  # every queue once, the contested one included
