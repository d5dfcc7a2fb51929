"""P5: a consumer's resident memory after 1,000,000 events against the same after 10,000.

One real consumer process, `pathways worker metrics`, applies `trainee.updated` events
for the trainees of the large generated organisation (each trainee once, in id order,
round again when there are fewer trainees than events). Each event follows a real change:
just before a trainee's event is published, its labour status is moved on to the next
one in the database (as an edit would: the record changes, then the event carries the
new facts), so the consumer's refresh finds a participant to rewrite, as it would in
production (a refresh writes nothing for a trainee whose facts did not change). The
edits are made 10,000 trainees at a time, ahead of the events, by this program; they
are not audited as the API's would be. The events do not come through the outbox and the relay:
that path runs at P2's rate, and a million events through it would not fit the
benchmark's time. This program publishes them straight to `pathways.events`, as the relay
would (the envelope schemas.events makes for the outbox, with a new time-ordered id each, so that the
inbox dedupes none; routing key = type; JSON; persistent; message_id = event id), with
publisher confirms awaited in windows rather than one by one, and keeps at most
`ahead` events unapplied so that the broker's queue stays bounded.

The resident memory (the process and its children, VmRSS) is sampled at rest: the
publisher stops after exactly `early` events, waits until the consumer's inbox holds all
of them, takes `samples` samples 0.2 s apart, then goes on to `events` and does the same.
Both points are counted in the consumer's inbox (processed_events), not guessed.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
import uuid
from collections import deque

import amqp
import psycopg
from kombu import Connection

from bench import cpu, processes, queues
from bench.cpu import CpuWindow
from bench.setup import _rss
from schemas.events import dump_envelope, load_envelope
from service.clock import utcnow
from service.domain import people
from service.domain.events import Envelope, TraineeUpdated
from service.ids import new_id
from workers.topology import EVENTS_EXCHANGE

CONSUMER = "metrics"
EVENT_TYPE = TraineeUpdated.routing_key
CHUNK = 1000
TRAINEES_PER_READ = 10_000
SAMPLE_INTERVAL_SECONDS = 0.2


class ConfirmingPublisher:
    """py-amqp on a channel in confirm mode; confirms are awaited once `window` are outstanding
    (and by `settle`), not after every message. A nack raises."""

    def __init__(self, broker_url: str, window: int = CHUNK):
        url = Connection(broker_url)
        self.connection = amqp.Connection(host=f"{url.hostname}:{url.port or 5672}", userid=url.userid,
                                          password=url.password, virtual_host=url.virtual_host)
        self.connection.connect()
        self.channel = self.connection.channel()
        self.channel.confirm_select()
        self.channel.events["basic_ack"].add(self._acked)
        self.channel.events["basic_nack"].add(self._nacked)
        self.window, self.sent = window, 0
        self._outstanding: set[int] = set()

    def _acked(self, tag: int, multiple: bool) -> None:
        if multiple:
            self._outstanding = {t for t in self._outstanding if t > tag}
        else:
            self._outstanding.discard(tag)

    def _nacked(self, tag: int, _multiple: bool) -> None:
        raise RuntimeError(f"the broker refused message {tag}")

    def publish(self, body: bytes, *, message_id: str, routing_key: str) -> None:
        message = amqp.Message(body, content_type="application/json", content_encoding="utf-8",
                               delivery_mode=2, priority=0, message_id=message_id, application_headers={})
        self.channel.basic_publish(message, exchange=EVENTS_EXCHANGE.name, routing_key=routing_key)
        self.sent += 1
        self._outstanding.add(self.sent)
        if len(self._outstanding) >= self.window:
            self.settle(self.window // 2)

    def settle(self, outstanding: int = 0) -> None:
        while len(self._outstanding) > outstanding:
            self.connection.drain_events(timeout=30)

    def close(self) -> None:
        self.connection.close()


#: Each edit moves a trainee's labour status on to the next one (a value the schema accepts).
NEXT_LABOUR_STATUS = dict(zip(people.LABOUR_STATUSES, people.LABOUR_STATUSES[1:] + people.LABOUR_STATUSES[:1]))
_EDIT = ("UPDATE trainees SET labour_status = CASE labour_status "
         + " ".join(f"WHEN '{old}' THEN '{new}'" for old, new in NEXT_LABOUR_STATUS.items())
         + """ END, updated_at = now()
   WHERE id IN (SELECT id FROM trainees WHERE organisation_id = %s AND (%s::uuid IS NULL OR id > %s)
                ORDER BY id LIMIT %s)
   RETURNING id""")


def trainee_events(database_url: str, organisation_id: uuid.UUID, events: int):
    """`events` (id, body) pairs: `trainee.updated` for the organisation's trainees in id order, again
    from the first when there are fewer, each after an edit of the trainee's record (its labour status
    moved on, committed); each envelope as the outbox writes it (naming the changed fact), with a new id."""
    made, after = 0, None
    with psycopg.connect(database_url, autocommit=True) as connection:
        while made < events:
            rows = sorted(connection.execute(
                _EDIT, (organisation_id, after, after, min(TRAINEES_PER_READ, events - made))).fetchall())
            if not rows:
                if after is None:
                    raise RuntimeError(f"organisation {organisation_id} has no trainees")
                after = None
                continue
            after = rows[-1][0]
            for (trainee_id,) in rows:
                if made == events:
                    return
                typed = Envelope(new_id(), utcnow(), TraineeUpdated(
                    organisation_id=organisation_id, trainee_id=trainee_id, changed=("labour_status",)))
                envelope = dump_envelope(typed)
                if (made < 100 or made % 10_000 == 0) and load_envelope(envelope) != typed:  # as the consumer loads it
                    raise AssertionError(f"the envelope does not load as it was made: {envelope}")
                event_id = typed.id
                made += 1
                yield event_id, json.dumps(envelope).encode()


def run(env: dict, organisation_id: uuid.UUID, *, events: int, early: int = 10_000, samples: int = 5,
        ahead: int = 100_000) -> dict:
    """The consumer's RSS samples (KiB) at rest after `early` and after `events` applied events."""
    if not 0 < early < events:
        raise ValueError("P5 needs 0 < early < events")
    broker, database = env["BROKER_URL"], env["DATABASE_URL"]
    queue_names = queues.consumer_queues([CONSUMER])
    purged = queues.purge(broker, queue_names)
    worker = processes.pathways("worker", CONSUMER, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        queues.wait_for_consumers(broker, queue_names[:1], worker)
        at_start = _samples(worker, samples)
        publisher = ConfirmingPublisher(broker)
        try:
            with psycopg.connect(database, autocommit=True) as connection:
                feed = Feed(trainee_events(database, organisation_id, events), publisher, connection, worker, ahead)
                started = time.perf_counter()
                feed.publish_until(early)
                feed.wait_applied()
                early_seconds = time.perf_counter() - started
                at_early = _samples(worker, samples)
                print(f"  P5: {early:,} events applied ({early / early_seconds:,.0f}/s), RSS "
                      f"{statistics.median(at_early):,.0f} KiB", file=sys.stderr)
                started, cpu_before = time.perf_counter(), _cpu_seconds(worker.pid, database)
                with CpuWindow() as window:
                    feed.publish_until(events, progress=True)
                    feed.wait_applied()
                late_seconds = time.perf_counter() - started
                cpu_after = _cpu_seconds(worker.pid, database)
                at_late = _samples(worker, samples)
        finally:
            publisher.close()
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited with {worker.returncode}")
    finally:
        processes.stop(worker)
    return {"consumer": CONSUMER, "event_type": EVENT_TYPE, "events": events, "early": early,
            "rss_kib_at_start": at_start, "rss_kib_early": at_early, "rss_kib_late": at_late,
            "early_per_s": early / early_seconds, "late_per_s": (events - early) / late_seconds,
            "seconds": early_seconds + late_seconds, "purged_before": purged,
            # CPU per event after the first `early`: the consumer process, and the database's backends
            # (all of them: the consumer's and the benchmark's own look-ups), less sensitive than a rate
            # to what else runs on the machine
            "worker_cpu_ms_per_event": 1000 * (cpu_after[0] - cpu_before[0]) / (events - early),
            "postgres_cpu_ms_per_event": 1000 * (cpu_after[1] - cpu_before[1]) / (events - early),
            "outside_cpu_s": window.outside_seconds}


class Feed:
    """Publishes the events in chunks, confirmed, never more than `ahead` beyond what the consumer
    has applied (known from its inbox: the newest event of the oldest chunk still in flight)."""

    def __init__(self, events, publisher: ConfirmingPublisher, connection, worker: subprocess.Popen, ahead: int):
        self.events, self.publisher, self.connection, self.worker = iter(events), publisher, connection, worker
        self.ahead = max(ahead, 2 * CHUNK)
        self.published, self.applied_up_to = 0, 0
        self.first_id: uuid.UUID | None = None
        self.last_id: uuid.UUID | None = None
        self.in_flight: deque[tuple[int, uuid.UUID]] = deque()  # (events published up to it, newest id of a chunk)

    def publish_until(self, total: int, *, progress: bool = False) -> None:
        next_report = time.monotonic() + 30
        while self.published < total:
            while self.published + CHUNK - self.applied_up_to > self.ahead:
                self._wait_for_room()
            for _ in range(min(CHUNK, total - self.published)):
                event_id, body = next(self.events)
                self.publisher.publish(body, message_id=str(event_id), routing_key=EVENT_TYPE)
                self.first_id = self.first_id or event_id
                self.last_id = event_id
                self.published += 1
            self.publisher.settle()
            self.in_flight.append((self.published, self.last_id))
            if progress and time.monotonic() > next_report:
                next_report = time.monotonic() + 30
                print(f"  P5: {self.applied_up_to:,} of {total:,} events applied", file=sys.stderr)

    def _wait_for_room(self) -> None:
        count, newest = self.in_flight[0]
        if self._applied(newest):
            self.in_flight.popleft()
            self.applied_up_to = count
        else:
            self._check_worker()
            time.sleep(0.2)

    def wait_applied(self) -> None:
        """Until every event published so far is in the consumer's inbox (the newest first, then a count);
        gives up as if fewer than 50 events/s were applied."""
        timeout = max(300.0, (self.published - self.applied_up_to) / 50)
        deadline = time.monotonic() + timeout
        while not (self._applied(self.last_id) and self.applied_count() == self.published):
            self._check_worker()
            if time.monotonic() > deadline:
                raise RuntimeError(f"{CONSUMER}: {self.applied_count():,} of {self.published:,} events applied "
                                   f"{timeout:.0f} s after the last was published")
            time.sleep(0.1)
        self.in_flight.clear()
        self.applied_up_to = self.published

    def applied_count(self) -> int:
        """This run's events in the inbox (their ids are this process's, time-ordered: one range)."""
        return self.connection.execute(
            "SELECT count(*) FROM processed_events WHERE consumer = %s AND event_id BETWEEN %s AND %s",
            (CONSUMER, self.first_id, self.last_id)).fetchone()[0]

    def _applied(self, event_id: uuid.UUID) -> bool:
        return self.connection.execute("SELECT 1 FROM processed_events WHERE consumer = %s AND event_id = %s",
                                       (CONSUMER, event_id)).fetchone() is not None

    def _check_worker(self) -> None:
        if self.worker.poll() is not None:
            raise RuntimeError(f"the worker exited with {self.worker.returncode} after {self.applied_up_to:,} events")


def _cpu_seconds(pid: int, database_url: str) -> tuple[float, float]:
    """CPU seconds so far of the process `pid` (and its children) and of the PostgreSQL backends
    connected to the database of `database_url`."""
    database = database_url.rsplit("/", 1)[-1]
    table = cpu.snapshot()
    members = cpu.family(pid, table)
    own = sum(ticks for member, (_parent, ticks, _command) in table.items() if member in members)
    backends = sum(ticks for _parent, ticks, command in table.values()
                   if cpu.backend_database(command) == database)
    return own / cpu.TICKS, backends / cpu.TICKS


def _samples(worker: subprocess.Popen, count: int) -> list[int]:
    taken = []
    for n in range(count):
        if n:
            time.sleep(SAMPLE_INTERVAL_SECONDS)
        taken.append(_rss(worker.pid))
    return taken
