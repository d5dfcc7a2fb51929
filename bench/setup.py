"""The benchmark's world: its own PostgreSQL database and RabbitMQ vhost, organisations, data, tokens."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy import select, update

from bench import datafiles, processes
from service.bootstrap import bootstrap
from service.clock import utcnow
from service.db.models import Enrolment, OutboxMessage, Project, Trainee
from service.domain.roles import Principal, Role
from service.services import organisations, projects, users

DATABASE, VHOST = "pathways_bench", "pathways_bench"
#: Tokens of the small organisation's users, for the figures that write.
WORLD_TOKENS: dict[str, str] = {}
SERVER = "postgresql://postgres@127.0.0.1:5432"
P1_PROJECTS = 20


@dataclass
class World:
    caseworker_token: str
    small_manager_token: str
    large_manager_token: str
    p1_trainees: list[uuid.UUID]
    p1_projects: list[uuid.UUID]
    small_organisation_id: uuid.UUID
    large_organisation_id: uuid.UUID


def environment() -> dict:
    """The production settings (PostgreSQL, RabbitMQ, real keys) on loopback; also this process's own."""
    os.environ.update({
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "BROKER_URL": f"amqp://guest:guest@127.0.0.1:5672/{VHOST}",
        "PATHWAYS_PII_HASH_KEY": "YPWcNGcxdAx2cy_7htH0F8M38d7dWHrXMczHqQcFpD8",
        "PATHWAYS_PII_ENCRYPTION_KEY": "FS1eKV-jc6mIb5mZhSNEf5xIxi6aLeIK5NcO6MD7F9g",
        "PATHWAYS_DATA_DIR": tempfile.mkdtemp(prefix="pathways-bench-var-"),
    })
    return dict(os.environ)


def libpq_url(env: dict) -> str:
    return env["DATABASE_URL"]


def prepare(env: dict, *, small: int, large: int) -> World:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    for args in (("delete_vhost", VHOST), ("add_vhost", VHOST), ("set_permissions", "-p", VHOST, "guest",
                                                                  ".*", ".*", ".*")):
        subprocess.run(["rabbitmqctl", "-q", *args], check=args[0] != "delete_vhost", capture_output=True)
    subprocess.run([str(Path(sys.executable).parent / "pathways"), "db", "upgrade"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    from bench.generate import ensure_programme, generate

    pathways = bootstrap()
    tokens = {}
    for slug, trainees in (("bench-small", small), ("bench-large", large)):
        organisation_id, admin_token = ensure_programme(pathways, slug, trainees)
        admin = users.authenticate(pathways.uow(), admin_token)
        started = time.perf_counter()
        generate(pathways.engine, organisation_id, trainees=trainees, seed=len(slug), vault=pathways.vault)
        print(f"  {slug}: {trainees:,} trainees generated in {time.perf_counter() - started:.0f} s",
              file=sys.stderr)
        tokens[slug] = (organisation_id, admin, _user(pathways, admin, Role.MANAGER, slug))
    organisation_id, admin, _ = tokens["bench-small"]
    project_ids = [projects.create(pathways.uow(admin.user_id), admin, {
        "code": f"BENCH{n}", "name": f"Benchmark project {n}", "description": "", "starts_on": None,
        "ends_on": None, "reach_target": None, "share_targets": [], "priority_groups": []}).id
        for n in range(P1_PROJECTS)]
    with pathways.uow() as uow:
        trainee_ids = list(uow.session.scalars(select(Trainee.id).where(Trainee.organisation_id == organisation_id)))
    WORLD_TOKENS["caseworker"] = _user(pathways, admin, Role.CASEWORKER, "bench-small")
    world = World(WORLD_TOKENS["caseworker"], tokens["bench-small"][2],
                  tokens["bench-large"][2], trainee_ids, project_ids, organisation_id, tokens["bench-large"][0])
    pathways.engine.dispose()
    return world


def organisation(env: dict, slug: str) -> tuple[uuid.UUID, Principal]:
    pathways = bootstrap()
    organisation_, admin, _token = organisations.bootstrap(
        pathways.uow(), slug=slug, name=slug, country="TR", admin_email=f"admin@{slug}.example", locale="en",
        reach_target=1400)
    pathways.engine.dispose()
    return organisation_.id, Principal(admin.id, organisation_.id, Role.ADMIN)


def _user(pathways, admin: Principal, role: Role, slug: str) -> str:
    _user_, token = users.create(pathways.uow(admin.user_id), admin,
                                 {"email": f"{role.value}@{slug}.example", "role": role})
    return token


def open_enrolments(env: dict, count: int, caseworker_token: str | None = None) -> list[uuid.UUID]:
    """`count` enrolments still open in the BENCH projects (P1's requests make them), to be exited by P6.

    When there are fewer (P1 not run, or short), more are made untimed through the service
    layer for the caseworker of `caseworker_token`, each a trainee of the small organisation in
    a BENCH project where they have no open enrolment, enrolled today.
    """
    pathways = bootstrap()
    found = _open_bench_enrolments(pathways, count)
    if len(found) < count and caseworker_token:
        print(f"  {len(found):,} open enrolments; enrolling {count - len(found):,} more (untimed)", file=sys.stderr)
        _enrol_more(env, pathways, caseworker_token, count - len(found))
        found = _open_bench_enrolments(pathways, count)
    pathways.engine.dispose()
    return found


def _open_bench_enrolments(pathways, count: int) -> list[uuid.UUID]:
    with pathways.uow() as uow:
        return list(uow.session.scalars(select(Enrolment.id).join(Project, Project.id == Enrolment.project_id)
                                        .where(Project.code.like("BENCH%"), Enrolment.status == "enrolled")
                                        .order_by(Enrolment.id).limit(count)))


def _enrol_more(env: dict, pathways, caseworker_token: str, count: int) -> None:
    from service.domain.errors import DomainError
    from service.services import enrolments, organisation_day

    principal = users.authenticate(pathways.uow(), caseworker_token)
    with pathways.uow() as uow:
        today = organisation_day.today(uow.session, principal.organisation_id)
    with psycopg.connect(libpq_url(env)) as connection:
        pairs = connection.execute(
            """SELECT t.id, p.id FROM trainees t JOIN projects p ON p.organisation_id = t.organisation_id
               WHERE t.organisation_id = %s AND p.code LIKE 'BENCH%%' AND NOT EXISTS (
                   SELECT 1 FROM enrolments e WHERE e.trainee_id = t.id AND e.project_id = p.id
                   AND e.status = 'enrolled')
               ORDER BY p.code, t.id LIMIT %s""", (principal.organisation_id, 2 * count)).fetchall()
    made = 0
    for trainee_id, project_id in pairs:
        try:
            enrolments.enrol(pathways.uow(principal.user_id), principal,
                             {"trainee_id": trainee_id, "project_id": project_id, "enrolled_on": today})
        except DomainError:  # too young on this date, or enrolled meanwhile
            continue
        made += 1
        if made == count:
            return
    raise RuntimeError(f"only {made:,} of {count:,} more enrolments could be made")


def mark_backlog_published(env: dict) -> None:
    """Earlier figures' unpublished events are not the next figure's to carry."""
    pathways = bootstrap()
    with pathways.uow() as uow:
        uow.session.execute(update(OutboxMessage).where(OutboxMessage.published_at.is_(None))
                            .values(published_at=utcnow()))
        uow.commit()
    pathways.engine.dispose()


@dataclass
class PipelineEvents:
    """One P2 round's events: `trainee.registered` rows of one organisation's import, oldest first,
    that no relay has ever claimed (so none was ever sent)."""

    organisation_id: uuid.UUID
    ids: list[uuid.UUID]
    source: str


def pipeline_events(env: dict, events: int, work: Path, slug: str) -> PipelineEvents:
    """`events` never-relayed `trainee.registered` events of one import, for one P2 round.

    P4's imports leave such events behind (the benchmark marks them published without
    relaying them), so a round takes the oldest `events` of them that no relay has ever
    claimed (`claim_token` is set by the relay's lease and never cleared); only when no
    organisation has that many does it import `events` trainees of its own (untimed).
    """
    found = _never_relayed(env, events)
    source = "an earlier import (P4)"
    if found is None:
        path = work / f"{slug}.csv"
        datafiles.trainee_csv(path, events, seed=len(slug))
        organisation(env, slug)
        subprocess.run([str(Path(sys.executable).parent / "pathways"), "import", "trainees", str(path),
                        "--org-slug", slug], env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        found, source = _never_relayed(env, events), f"imported for the round ({slug})"
        if found is None:
            raise RuntimeError(f"the import of {events:,} trainees into {slug} left fewer events")
    return PipelineEvents(*found, source)


def _never_relayed(env: dict, events: int) -> tuple[uuid.UUID, list[uuid.UUID]] | None:
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as connection:
        row = connection.execute(
            """SELECT organisation_id FROM outbox WHERE type = 'trainee.registered' AND claim_token IS NULL
               GROUP BY organisation_id HAVING count(*) >= %s ORDER BY min(occurred_at) LIMIT 1""",
            (events,)).fetchone()
        if row is None:
            return None
        ids = [r[0] for r in connection.execute(
            """SELECT id FROM outbox WHERE organisation_id = %s AND type = 'trainee.registered'
               AND claim_token IS NULL ORDER BY id LIMIT %s""", (row[0], events))]
    return row[0], ids


def stage_pipeline_round(env: dict, batch: PipelineEvents) -> int:
    """Untimed: the outbox holds exactly this round's events unpublished (everything else is marked
    published), it is vacuumed and analysed, and the consumers' queues are empty. Returns how many
    leftover messages were purged from the queues."""
    from bench import queues

    mark_backlog_published(env)
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as connection:
        connection.execute("UPDATE outbox SET published_at = NULL WHERE id = ANY(%s) AND claim_token IS NULL",
                           (batch.ids,))
        unpublished = connection.execute("SELECT count(*) FROM outbox WHERE published_at IS NULL").fetchone()[0]
        if unpublished != len(batch.ids):
            raise RuntimeError(f"{unpublished:,} unpublished outbox rows, not the round's {len(batch.ids):,}")
        connection.execute("VACUUM (ANALYZE) outbox")
        connection.execute("VACUUM (ANALYZE) processed_events")
    return queues.purge(env["BROKER_URL"], queues.consumer_queues())


def pipeline_run(env: dict, batch: PipelineEvents) -> dict:
    """One P2 round: the worker (every consumer) started and consuming, then the relay; the clock runs
    from the relay's first lease of the round's events to the commit of the last of them by the
    metrics consumer (the only one `trainee.registered` is routed to)."""
    from bench import queues
    from bench.cpu import CpuWindow

    purged = stage_pipeline_round(env, batch)
    worker = processes.pathways("worker", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        queues.wait_for_consumers(env["BROKER_URL"], queues.consumer_queues(waits=False), worker)
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as connection, CpuWindow() as cpu:
            spawned = time.perf_counter()
            relay = processes.pathways("relay", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                started = _first_claim(connection, batch.ids[0], relay)
                _all_applied(connection, "metrics", batch.ids, [relay, worker])
                elapsed = time.perf_counter() - started
            finally:
                processes.stop(relay)
    finally:
        processes.stop(worker)
    events = len(batch.ids)
    return {"per_s": events / elapsed, "seconds": elapsed, "events": events, "source": batch.source,
            "relay_start_s": started - spawned, "purged_before": purged, "outside_cpu_s": cpu.outside_seconds}


def _first_claim(connection, first_id: uuid.UUID, relay: subprocess.Popen, timeout: float = 60) -> float:
    """The moment (perf_counter, within 10 ms) the relay leased the round's oldest event."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if connection.execute("SELECT claim_token IS NOT NULL FROM outbox WHERE id = %s",
                              (first_id,)).fetchone()[0]:
            return time.perf_counter()
        if relay.poll() is not None:
            raise RuntimeError("the relay exited before leasing anything")
        time.sleep(0.01)
    raise RuntimeError(f"the relay leased nothing within {timeout} s")


def _all_applied(connection, consumer: str, ids: list[uuid.UUID], watched: list[subprocess.Popen],
                 timeout: float | None = None) -> None:
    """Until `consumer` has applied every one of `ids` (its inbox holds them).

    The newest is looked up every 0.1 s (one consumer takes its queue in order, so it is
    normally the last applied); then the whole set is counted, and counted again until
    complete (a message retried through a wait queue comes later). Raises when a watched
    process exits, or after `timeout` (default: as if 50 events/s).
    """
    deadline = time.monotonic() + (timeout or max(300.0, len(ids) / 50))
    while True:
        last_seen = connection.execute("SELECT 1 FROM processed_events WHERE consumer = %s AND event_id = %s",
                                       (consumer, ids[-1])).fetchone() is not None
        if last_seen and applied_among(connection, consumer, ids) == len(ids):
            return
        for process in watched:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args} exited with {process.returncode} during the run")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{consumer}: {applied_among(connection, consumer, ids):,} of {len(ids):,} "
                               "events applied before the time ran out")
        time.sleep(0.5 if last_seen else 0.1)


def applied_among(connection, consumer: str, ids: list[uuid.UUID]) -> int:
    return connection.execute("SELECT count(*) FROM processed_events WHERE consumer = %s AND event_id = ANY(%s)",
                              (consumer, ids)).fetchone()[0]


def _rss(pid: int) -> int:
    """Resident memory of the worker process and its children, in KiB."""
    total = 0
    for candidate in [pid, *_children(pid)]:
        try:
            with open(f"/proc/{candidate}/status") as handle:
                total += next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
    return total


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(child) for child in handle.read().split()]
    except OSError:
        return []
