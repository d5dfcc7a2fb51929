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
from sqlalchemy import func, select, update

from bench import datafiles, processes
from service.bootstrap import bootstrap
from service.clock import utcnow
from service.db.models import Enrolment, OutboxMessage, ProcessedEvent, Project, Trainee
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


def environment() -> dict:
    """The production settings (PostgreSQL, RabbitMQ, real keys) on loopback; also this process's own."""
    os.environ.update({
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "BROKER_URL": f"amqp://guest:guest@127.0.0.1:5672/{VHOST}",
        "PATHWAYS_PII_HASH_KEY": "bench-hash-key", "PATHWAYS_PII_ENCRYPTION_KEY": "bench-encryption-key",
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
                  tokens["bench-large"][2], trainee_ids, project_ids)
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


def open_enrolments(env: dict, count: int) -> list[uuid.UUID]:
    """Enrolments still open in the P1 projects (made by P1's requests), to be exited by P6."""
    pathways = bootstrap()
    with pathways.uow() as uow:
        found = list(uow.session.scalars(select(Enrolment.id).join(Project, Project.id == Enrolment.project_id)
                                         .where(Project.code.like("BENCH%"), Enrolment.status == "enrolled")
                                         .limit(count)))
    pathways.engine.dispose()
    return found


def mark_backlog_published(env: dict) -> None:
    """Earlier figures' unpublished events are not the next figure's to carry."""
    pathways = bootstrap()
    with pathways.uow() as uow:
        uow.session.execute(update(OutboxMessage).where(OutboxMessage.published_at.is_(None))
                            .values(published_at=utcnow()))
        uow.commit()
    pathways.engine.dispose()


def pipeline_run(env: dict, events: int, work: Path, slug: str, memory: list) -> dict:
    """`events` trainee registrations imported while nothing runs, then the relay and the workers
    started: events applied per second by every consumer that takes them, start to last commit."""
    from bench.cpu import CpuWindow

    path = work / f"{slug}.csv"
    datafiles.trainee_csv(path, events, seed=len(slug))
    mark_backlog_published(env)
    pathways = bootstrap()
    organisation(env, slug)
    subprocess.run([str(Path(sys.executable).parent / "pathways"), "import", "trainees", str(path),
                    "--org-slug", slug], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    before = _applied(pathways)
    with CpuWindow() as cpu:
        started = time.perf_counter()
        relay = processes.pathways("relay", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        worker = processes.pathways("worker", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            sampled_small = False
            while (applied := _applied(pathways) - before) < events:
                if not sampled_small and applied >= min(10_000, events // 5):
                    memory.append({"events": applied, "rss_kib": _rss(worker.pid)})
                    sampled_small = True
                if relay.poll() is not None or worker.poll() is not None:
                    raise RuntimeError("the relay or the worker exited during the pipeline run")
                time.sleep(0.5)
            elapsed = time.perf_counter() - started
            memory.append({"events": applied, "rss_kib": _rss(worker.pid)})
        finally:
            processes.stop(relay)
            processes.stop(worker)
    pathways.engine.dispose()
    return {"per_s": events / elapsed, "seconds": elapsed, "outside_cpu_s": cpu.outside_seconds}


def _applied(pathways) -> int:
    with pathways.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(ProcessedEvent)
                                  .where(ProcessedEvent.consumer == "metrics"))


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
