"""`make bench`: Pathways against the bare stack's ceilings, side by side in one run.

Every figure alternates Pathways and its ceiling (A B A B ...) so that drift on this
noisy machine falls on both; each reports the median of its rounds, the spread (min to
max), and the CPU time other processes took meanwhile. The load generator is wrk.
Nothing here is a test: it prints figures, and writes them to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

from bench import datafiles, processes, report, setup, steady
from bench.ceilings import raw_insert, raw_kombu
from bench.cpu import CpuWindow

RESULTS = Path(__file__).resolve().parent / "results"
API, INSERT_CEILING, FLASK_CEILING = 18000, 18001, 18002


def main() -> None:
    options = _options()
    processes.ensure_wrk()
    env = setup.environment()
    work = Path(tempfile.mkdtemp(prefix="pathways-bench-"))
    print(f"preparing PostgreSQL database and RabbitMQ vhost; data: {options.small:,} and {options.large:,} "
          "trainees", file=sys.stderr)
    world = setup.prepare(env, small=options.small, large=options.large)
    figures: dict[str, dict] = {}
    servers = [processes.gunicorn("service.wsgi:app", API, env),
               processes.gunicorn("bench.ceilings.insert_app:app", INSERT_CEILING, env),
               processes.gunicorn("bench.ceilings.bare_flask:app", FLASK_CEILING, env)]
    try:
        figures.update(p1_enrolments(options, world, work))
        figures.update(p3_metrics_latency(options, world))
        figures.update(p6_write_to_effect(options, env))
    finally:
        for server in servers:
            processes.stop(server)
    figures.update(p4_import(options, env, work))
    figures.update(p2_pipeline(options, env, world, work))
    machine = _machine()
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)
    document = {"when": stamp, "machine": machine, "options": vars(options), "figures": figures}
    (RESULTS / f"{stamp}.json").write_text(json.dumps(document, indent=2))
    (RESULTS / "latest.json").write_text(json.dumps(document, indent=2))
    (RESULTS / "latest.md").write_text(report.markdown(document))
    print(report.table(document))


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="A/B rounds per figure (median of these)")
    parser.add_argument("--seconds", type=int, default=8, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--latency-seconds", type=int, default=20, help="length of each P3 latency run")
    parser.add_argument("--small", type=int, default=10_000, help="trainees of the small data set (P3)")
    parser.add_argument("--large", type=int, default=1_000_000, help="trainees of the large data set (P3)")
    parser.add_argument("--import-rows", type=int, default=100_000, help="CSV rows per import (P4)")
    parser.add_argument("--events", type=int, default=50_000, help="events through the pipeline (P2)")
    parser.add_argument("--pipeline-rounds", type=int, default=1, help="A/B rounds of P2 (each is long)")
    parser.add_argument("--rate", type=float, default=200, help="exits per second (P6)")
    parser.add_argument("--steady-seconds", type=int, default=20, help="length of the steady load (P6)")
    return parser.parse_args()


# -- P1: POST /enrolments vs ceiling (b) --------------------------------------------------------

def p1_enrolments(options, world, work: Path) -> dict:
    bodies = work / "enrolments.jsonl"
    count = datafiles.enrolment_bodies(bodies, world.p1_trainees, world.p1_projects, date.today())
    print(f"P1: {count:,} distinct enrolment bodies", file=sys.stderr)
    runs: dict[str, list] = {"pathways": [], "ceiling_b": [], "ceiling_a": []}
    sent = 0  # each body is sent once by Pathways (a repeat would be a 409 duplicate)
    for _ in range(options.rounds):
        runs["pathways"].append(_wrk(f"http://127.0.0.1:{API}/api/v1/enrolments", options, method="POST",
                                     token=world.caseworker_token, bodies=bodies, offset=sent))
        runs["ceiling_b"].append(_wrk(f"http://127.0.0.1:{INSERT_CEILING}/enrolments", options, method="POST",
                                      bodies=bodies, offset=sent))
        sent += runs["pathways"][-1]["requests"] + options.connections
        runs["ceiling_a"].append(_wrk(f"http://127.0.0.1:{FLASK_CEILING}/ping", options))
    return {
        "P1": report.figure("POST /enrolments, requests/s", runs["pathways"], runs["ceiling_b"], "per_s",
                            goal=0.5, ceiling="(b) marshmallow + Core INSERT"),
        "a": report.figure("bare Flask JSON GET, requests/s (reference)", runs["ceiling_a"], None, "per_s",
                           goal=None, ceiling=None),
    }


# -- P3: metrics latency, 10 thousand vs 1 million trainees ------------------------------------

def p3_metrics_latency(options, world) -> dict:
    figures = {}
    for key, path in (("P3_reach", "/api/v1/metrics/reach?by=sex,age_band"),
                      ("P3_outcomes", "/api/v1/metrics/outcomes?by=sex")):
        small, large = [], []
        seconds = max(options.seconds, options.latency_seconds)  # several answers even when one takes seconds
        for _ in range(options.rounds):
            small.append(_wrk(f"http://127.0.0.1:{API}{path}", options, token=world.small_manager_token,
                              connections=1, seconds=seconds))
            large.append(_wrk(f"http://127.0.0.1:{API}{path}", options, token=world.large_manager_token,
                              connections=1, seconds=seconds))
        for percentile in ("p50_ms", "p95_ms"):
            figures[f"{key}_{percentile[:3]}"] = report.figure(
                f"GET {path} {percentile[:3]} ms, {options.large:,} vs {options.small:,} trainees",
                large, small, percentile, goal=2.0, ceiling=f"{options.small:,} trainees", lower_is_better=True)
    return figures


# -- P6: write to effect under a steady load ----------------------------------------------------

def p6_write_to_effect(options, env: dict) -> dict:
    enrolled = setup.open_enrolments(env, int(options.rate * options.steady_seconds))
    setup.mark_backlog_published(env)
    relay = processes.pathways("relay", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = processes.pathways("worker", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(3)  # consumers connected
        with CpuWindow() as cpu:
            exited = steady.send_exits(API, setup.WORLD_TOKENS["caseworker"], enrolled, options.rate,
                                       options.steady_seconds)
            latencies = sorted(steady.effect_latencies(env["DATABASE_URL"], exited))
    finally:
        processes.stop(relay)
        processes.stop(worker)
    if not latencies:
        return {}
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    return {"P6": {"name": f"exit to its follow-ups, p95 s, {options.rate:.0f} exits/s for "
                           f"{options.steady_seconds} s ({len(exited):,} exits, {len(latencies):,} with effect)",
                   "pathways": p95, "spread": [latencies[0], latencies[-1]], "rounds": 1, "goal": 1.0,
                   "ratio": p95, "met": p95 <= 1.0 and len(latencies) == len(exited), "lower_is_better": True,
                   "p50": latencies[len(latencies) // 2], "outside_cpu_s": cpu.outside_seconds,
                   "ceiling_name": None}}


# -- P4: pathways import vs raw batched INSERT (d) ----------------------------------------------

def p4_import(options, env: dict, work: Path) -> dict:
    path = work / "trainees.csv"
    datafiles.trainee_csv(path, options.import_rows)
    pathways_runs, ceiling_runs = [], []
    for round_ in range(options.rounds):
        slug = f"bench-import-{round_}"
        setup.organisation(env, slug)
        with CpuWindow() as cpu:
            started = time.perf_counter()
            subprocess.run([str(Path(sys.executable).parent / "pathways"), "import", "trainees", str(path),
                            "--org-slug", slug], env=env, check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            elapsed = time.perf_counter() - started
        pathways_runs.append({"per_s": options.import_rows / elapsed, "seconds": elapsed,
                              "outside_cpu_s": cpu.outside_seconds})
        with CpuWindow() as cpu:
            measured = raw_insert.run(setup.libpq_url(env), str(path))
        ceiling_runs.append({"per_s": measured["rows_per_s"], "seconds": measured["seconds"],
                             "outside_cpu_s": cpu.outside_seconds})
    return {"P4": report.figure(f"pathways import of {options.import_rows:,} CSV rows, rows/s", pathways_runs,
                                ceiling_runs, "per_s", goal=0.3, ceiling="(d) raw batched INSERT")}


# -- P2 and P5: events through outbox -> relay -> RabbitMQ -> consumers --------------------------

def p2_pipeline(options, env: dict, world, work: Path) -> dict:
    pathways_runs, ceiling_runs, memory = [], [], []
    for round_ in range(options.pipeline_rounds):
        pathways_runs.append(setup.pipeline_run(env, options.events, work, f"bench-events-{round_}", memory))
        with CpuWindow() as cpu:
            measured = raw_kombu.run(env["BROKER_URL"], options.events)
        ceiling_runs.append({"per_s": measured["per_s"], "outside_cpu_s": cpu.outside_seconds})
    figures = {"P2": report.figure(f"events applied/s over {options.events:,} events", pathways_runs,
                                   ceiling_runs, "per_s", goal=0.5, ceiling="(c) raw Kombu, confirm + ack")}
    if memory:
        figures["P5"] = report.memory_figure(memory)
    return figures


def _wrk(url: str, options, *, connections: int | None = None, seconds: int | None = None, **kwargs) -> dict:
    with CpuWindow() as cpu:
        result = processes.wrk(url, seconds=seconds or options.seconds,
                               connections=connections or options.connections, **kwargs)
    if result["requests"] == 0:
        raise RuntimeError(f"wrk got no answer from {url} in {seconds or options.seconds} s")
    return {**result, "outside_cpu_s": cpu.outside_seconds}


def _machine() -> dict:
    with open("/proc/meminfo") as handle:
        total_kb = int(handle.readline().split()[1])
    return {"cores": os.cpu_count(), "memory_gib": round(total_kb / 2**20, 1), "python": platform.python_version(),
            "cpu": platform.processor() or platform.machine()}


if __name__ == "__main__":
    main()
