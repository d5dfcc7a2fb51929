"""`pathways events dlq list|replay` on the embedded transport and on RabbitMQ: every letter is listed, JSON or
not (a letter that was not JSON made `list` crash with nothing listed), and each is replayed exactly once with
the true count (three letters were once reported as 19 replayed: letters that failed again at once came back
into the dead-letter queue while the replay was still reading it)."""

from __future__ import annotations

import base64
import dataclasses
import json
import threading

import pytest
from click.testing import CliRunner
from kombu import Producer

from service.cli import main
from tests.workers.conftest import wait_for
from workers import broker, dlq
from workers.base import ATTEMPTS_HEADER, ERROR_HEADER
from workers.outcomes import OutcomesConsumer
from workers.registry import topology
from workers.topology import DEFAULT_EXCHANGE

CONSUMER = "outcomes"
EVENT = {"id": "01a20000-0000-7000-8000-000000000001", "type": "enrolment.completed",
         "occurred_at": "2026-01-01T00:00:00+00:00", "organisation_id": "01a20000-0000-7000-8000-000000000002",
         "schema_version": 1, "data": {}}
#: (body, content type) of each letter: an event, JSON that is not, text, bytes that are not text.
LETTERS = [
    (json.dumps(EVENT).encode(), "application/json"),
    (b'{"id": "cut short', "application/json"),
    ("plain text, not an event: ü\n".encode(), "text/plain"),
    (b"\x00\xff\xfe binary", "application/octet-stream"),
]


@pytest.fixture(params=["embedded", "rabbitmq"])
def dlq_pathways(request, tmp_path):
    if request.param == "embedded":
        pathways = request.getfixturevalue("sqlite_pathways")
        return dataclasses.replace(pathways, config=pathways.config.with_overrides(
            broker_url=f"sqla+sqlite:///{tmp_path / 'queue.db'}", retry_delays=(0.2, 0.4)))
    return request.getfixturevalue("broker_pathways")


def _publish(pathways, letters, queue_name: str | None = None) -> None:
    """Put raw letters into the consumer's dead-letter queue (or `queue_name`), as the consumer does."""
    dead = topology(CONSUMER, pathways.config)
    with broker.connect(pathways.config) as connection:
        channel = connection.channel()
        dead.declare(channel)
        producer = Producer(channel, exchange=DEFAULT_EXCHANGE)
        for n, (body, content_type) in enumerate(letters):
            producer.publish(body, routing_key=queue_name or dead.dead_letter_name, content_type=content_type,
                             content_encoding="binary", message_id=f"letter-{n}", delivery_mode=2,
                             headers={ATTEMPTS_HEADER: 4, ERROR_HEADER: "ValidationError: …"})
        channel.close()


def _depths(pathways) -> tuple[int, int]:
    """(messages in the consumer's queue, in its dead letters)."""
    queues = topology(CONSUMER, pathways.config)
    with broker.connect(pathways.config) as connection:
        channel = connection.channel()
        queues.declare(channel)
        depths = tuple(channel.queue_declare(name, passive=True).message_count
                       for name in (queues.queue_name, queues.dead_letter_name))
        channel.close()
    return depths


def test_list_shows_every_letter_json_or_not_and_keeps_them(dlq_pathways):
    _publish(dlq_pathways, LETTERS)
    listed = dlq.list_dead(dlq_pathways, CONSUMER)
    assert [entry["message_id"] for entry in listed] == ["letter-0", "letter-1", "letter-2", "letter-3"]
    event, cut_short, text, binary = listed
    assert event["body"] == EVENT and event["type"] == "enrolment.completed" and event["attempts"] == 4
    assert cut_short["content_type"] == "application/json" and cut_short["body_text"] == '{"id": "cut short'
    assert "body" not in cut_short and cut_short["type"] is None
    assert text["content_type"] == "text/plain" and text["body_text"] == "plain text, not an event: ü\n"
    assert binary["content_type"] == "application/octet-stream"
    assert base64.b64decode(binary["body_base64"]) == b"\x00\xff\xfe binary"
    assert _depths(dlq_pathways) == (0, 4), "listing removes nothing"
    assert dlq.list_dead(dlq_pathways, CONSUMER) == listed


def test_replay_moves_each_letter_once_and_counts_it(dlq_pathways):
    _publish(dlq_pathways, LETTERS)
    assert dlq.replay(dlq_pathways, CONSUMER) == 4
    assert _depths(dlq_pathways) == (4, 0)
    assert dlq.replay(dlq_pathways, CONSUMER) == 0


def test_replay_of_one_letter_leaves_the_others(dlq_pathways):
    _publish(dlq_pathways, LETTERS)
    assert dlq.replay(dlq_pathways, CONSUMER, "letter-2") == 1
    assert _depths(dlq_pathways) == (1, 3)
    assert [entry["message_id"] for entry in dlq.list_dead(dlq_pathways, CONSUMER)] == ["letter-0", "letter-1",
                                                                                           "letter-3"]


def test_replay_counts_letters_that_fail_again_at_once_only_once(dlq_pathways):
    """The consumer runs: each replayed letter (none is a valid event) is dead-lettered again within
    milliseconds, while the replay is still at work. Each letter is replayed once, and counted once."""
    letters = [(json.dumps({"not": "an event", "n": n}).encode(), "application/json") for n in range(40)]
    _publish(dlq_pathways, letters)
    consumer = OutcomesConsumer(dlq_pathways, broker.connect(dlq_pathways.config))
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: getattr(consumer, "_live", None) is not None, timeout=30)
        assert dlq.replay(dlq_pathways, CONSUMER) == len(letters)
        wait_for(lambda: _depths(dlq_pathways) == (0, len(letters)), timeout=30)  # all of them back
    finally:
        consumer.should_stop = True
        thread.join(timeout=10)


def test_the_commands_say_so_when_there_are_no_dead_letters(sqlite_pathways, tmp_path):
    env = {"DATABASE_URL": sqlite_pathways.config.database_url,
           "BROKER_URL": f"sqla+sqlite:///{tmp_path / 'queue.db'}"}
    runner = CliRunner()
    listed = runner.invoke(main, ["events", "dlq", "list"], env=env)
    assert listed.exit_code == 0, listed.output
    assert listed.stdout == "" and "no dead letters" in listed.stderr
    replayed = runner.invoke(main, ["events", "dlq", "replay"], env=env)
    assert replayed.exit_code == 0, replayed.output
    assert json.loads(replayed.stdout) == {"replayed": 0} and "no dead letters" in replayed.stderr


def test_the_list_command_prints_each_letter_as_a_json_line(sqlite_pathways, tmp_path):
    pathways = dataclasses.replace(sqlite_pathways, config=sqlite_pathways.config.with_overrides(
        broker_url=f"sqla+sqlite:///{tmp_path / 'queue.db'}"))
    _publish(pathways, LETTERS)
    env = {"DATABASE_URL": pathways.config.database_url, "BROKER_URL": pathways.config.broker_url}
    listed = CliRunner().invoke(main, ["events", "dlq", "list", "--consumer", CONSUMER], env=env)
    assert listed.exit_code == 0, listed.output
    assert [json.loads(line)["message_id"] for line in listed.stdout.splitlines()] == [
        f"letter-{n}" for n in range(4)]
