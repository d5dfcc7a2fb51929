"""`make bench`: Pathways against the bare stack's ceilings, side by side in one run.

Every figure alternates Pathways and its ceiling (A B A B ...) so that drift on this
noisy machine falls on both; each reports the median of its rounds, the spread (min to
max), and the CPU time other processes took meanwhile. P6 has no ceiling (its goal is on
the seconds themselves) and P5 is one long run, sampled at two points (bench/memory.py).
The load generator is wrk. Nothing here is a test: it prints figures, and writes them to
bench/results/ (latest.* only for a whole run, not for `--only`).

P7 is what a caseworker waits for at the large world's size (issue 15 and 16): name search and
candidate lookup in process (bench/matching.py, P7_name_search and P7_candidate_lookup, goal 50 ms
p95), and the pages a caseworker spends the day on, over HTTP, signed in with a page session
(bench/pages.py): search (P7_page_search), a person's page (P7_page_person) and the follow-ups
worklist (P7_page_worklist), each p95 against a goal of 150 ms and p50 beside it, each run followed
by the bare Flask ceiling (a) with the same connections, whose ratio says how much of the wait is
Pathways' own.

P8 is the managers' dashboard of the large organisation (issue 17, "Fast"; bench/dashboard.py): GET
/dashboard signed in as its manager, p95 against a goal of 300 ms (P8_dashboard, p50 beside it), the same
page without its charts (`?charts=0`, P8_tables), and the charts' share of the wait (P8_charts_share:
p95 with charts over p95 without, less 1, per round; goal 0.2).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

from bench import dashboard, datafiles, matching, memory, pages, processes, queues, report, setup, steady
from bench.ceilings import raw_insert, raw_kombu
from bench.cpu import CpuWindow

RESULTS = Path(__file__).resolve().parent / "results"
API, INSERT_CEILING, FLASK_CEILING = 18000, 18001, 18002


def main() -> None:
    options = _options()
    only = set(options.only.split(",")) if options.only else set(FIGURES)
    if only - set(FIGURES):
        raise SystemExit(f"--only takes {', '.join(FIGURES)}")
    processes.ensure_wrk()
    env = setup.environment()
    work = Path(tempfile.mkdtemp(prefix="pathways-bench-"))
    print(f"preparing PostgreSQL database and RabbitMQ vhost; data: {options.small:,} and {options.large:,} "
          "trainees", file=sys.stderr)
    timings: dict[str, float] = {}
    with _timed("preparation", timings):
        world = setup.prepare(env, small=options.small, large=options.large)
    figures: dict[str, dict] = {}
    if only & {"P1", "P3", "P6"}:
        servers = [processes.gunicorn("service.wsgi:app", API, env),
                   processes.gunicorn("bench.ceilings.insert_app:app", INSERT_CEILING, env),
                   processes.gunicorn("bench.ceilings.bare_flask:app", FLASK_CEILING, env)]
        try:
            if "P1" in only:
                with _timed("P1", timings):
                    figures.update(p1_enrolments(options, world, work))
            if "P3" in only:
                with _timed("P3", timings):
                    figures.update(p3_metrics_latency(options, world))
            if "P6" in only:
                with _timed("P6", timings):
                    figures.update(p6_write_to_effect(options, env, world))
        finally:
            for server in servers:
                processes.stop(server)
    if "P4" in only:
        with _timed("P4", timings):
            figures.update(p4_import(options, env, work))
    if "P2" in only:
        with _timed("P2", timings):
            figures.update(p2_pipeline(options, env, work))
    if "P5" in only:
        with _timed("P5", timings):
            figures.update(p5_memory(options, env, world))
    if "P7" in only:
        with _timed("P7", timings):
            figures.update(p7_matching(options, env, world))
            figures.update(p7_pages(options, env, world, work))
    if "P8" in only:
        with _timed("P8", timings):
            figures.update(p8_dashboard(options, env, world, work))
    machine = _machine()
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)
    document = {"when": stamp, "machine": machine, "options": vars(options), "seconds": timings,
                "figures": figures}
    (RESULTS / f"{stamp}.json").write_text(json.dumps(document, indent=2))
    if not options.only:  # latest.* is the whole table (README quotes it), never a part
        (RESULTS / "latest.json").write_text(json.dumps(document, indent=2))
        (RESULTS / "latest.md").write_text(report.markdown(document))
    print(report.table(document))


FIGURES = ("P1", "P3", "P6", "P4", "P2", "P5", "P7", "P8")


@contextmanager
def _timed(label: str, timings: dict):
    started = time.perf_counter()
    yield
    timings[label] = round(time.perf_counter() - started, 1)
    print(f"{label}: {timings[label]:,.0f} s", file=sys.stderr)


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="A/B rounds per figure (median of these)")
    parser.add_argument("--seconds", type=int, default=8, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--latency-seconds", type=int, default=6, help="length of each P3 latency run")
    parser.add_argument("--small", type=int, default=10_000, help="trainees of the small data set (P3)")
    parser.add_argument("--large", type=int, default=1_000_000, help="trainees of the large data set (P3)")
    parser.add_argument("--import-rows", type=int, default=100_000, help="CSV rows per import (P4)")
    parser.add_argument("--events", type=int, default=50_000, help="events through the pipeline per round (P2)")
    parser.add_argument("--pipeline-rounds", type=int, default=None, help="A/B rounds of P2 [default: --rounds]")
    parser.add_argument("--memory-events", type=int, default=1_000_000,
                        help="events the consumer applies before its memory is compared with that after 10,000 (P5)")
    parser.add_argument("--memory-samples", type=int, default=5, help="RSS samples at each point (P5)")
    parser.add_argument("--rate", type=float, default=200, help="exits per second (P6)")
    parser.add_argument("--steady-seconds", type=int, default=10,
                        help="length of each round's steady load (P6; --rounds rounds)")
    parser.add_argument("--matching-queries", type=int, default=300,
                        help="name searches and candidate lookups per round (P7)")
    parser.add_argument("--page-connections", type=int, default=1,
                        help="wrk connections of each P7 page run (1: one caseworker's wait, no queueing)")
    parser.add_argument("--only", default=None,
                        help=f"comma-separated figures to run, of {','.join(FIGURES)} (results/latest.* untouched)")
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
        # The first request of a report (the large world's rollups were made when it was generated) is timed on its own.
        first = [{"seconds": _first_request(path, token)}
                 for token in (world.large_manager_token, world.small_manager_token)]
        figures[f"{key}_first"] = report.figure(
            f"GET {path}, first request s, {options.large:,} vs {options.small:,} trainees",
            first[:1], first[1:], "seconds", goal=None, ceiling=f"{options.small:,} trainees", lower_is_better=True)
        small, large = [], []
        for _ in range(options.rounds):
            small.append(_wrk(f"http://127.0.0.1:{API}{path}", options, token=world.small_manager_token,
                              connections=1, seconds=options.latency_seconds))
            large.append(_wrk(f"http://127.0.0.1:{API}{path}", options, token=world.large_manager_token,
                              connections=1, seconds=options.latency_seconds))
        for percentile in ("p50_ms", "p95_ms"):
            figures[f"{key}_{percentile[:3]}"] = report.figure(
                f"GET {path} {percentile[:3]} ms, {options.large:,} vs {options.small:,} trainees",
                large, small, percentile, goal=2.0, ceiling=f"{options.small:,} trainees", lower_is_better=True)
    return figures


def _first_request(path: str, token: str) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", API, timeout=600)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}")
    return time.perf_counter() - started


# -- P6: write to effect under a steady load ----------------------------------------------------

def p6_write_to_effect(options, env: dict, world) -> dict:
    """`--rounds` rounds of `--rate` exits/s for `--steady-seconds` each, every round its own open
    enrolments, through one relay and one worker that run throughout; between rounds the pipeline
    finishes what the round started (untimed), so that each starts from rest."""
    per_round = int(options.rate * options.steady_seconds)
    enrolled = setup.open_enrolments(env, per_round * options.rounds, world.caseworker_token)
    if len(enrolled) < per_round * options.rounds:
        raise RuntimeError(f"P6 needs {per_round * options.rounds:,} open enrolments, found {len(enrolled):,}")
    setup.mark_backlog_published(env)
    broker, main_queues = env["BROKER_URL"], queues.consumer_queues(waits=False)
    queues.purge(broker, queues.consumer_queues())
    worker = processes.pathways("worker", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    relay = None
    runs = []
    try:
        queues.wait_for_consumers(broker, main_queues, worker)
        relay = processes.pathways("relay", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(3)  # the relay's start (it has nothing to publish yet)
        for round_ in range(options.rounds):
            share = enrolled[round_ * per_round:(round_ + 1) * per_round]
            with CpuWindow() as cpu:
                exited = steady.send_exits(API, setup.WORLD_TOKENS["caseworker"], share, options.rate,
                                           options.steady_seconds)
                latencies = sorted(steady.effect_latencies(env["DATABASE_URL"], exited))
            if not latencies:
                raise RuntimeError(f"P6 round {round_ + 1}: no exit had its follow-ups")
            for process in (relay, worker):
                if process.poll() is not None:
                    raise RuntimeError(f"{process.args} exited with {process.returncode} during P6")
            settled = steady.wait_quiet(env["DATABASE_URL"], broker, main_queues)
            runs.append({"p95_s": steady.percentile(latencies, 0.95), "p50_s": steady.percentile(latencies, 0.5),
                         "max_s": latencies[-1], "exits": len(exited), "with_effect": len(latencies),
                         "settle_s": settled, "outside_cpu_s": cpu.outside_seconds})
            print(f"  P6 round {round_ + 1}: p95 {runs[-1]['p95_s']:.2f} s, {len(latencies):,} of {len(exited):,} "
                  "exits with effect", file=sys.stderr)
    finally:
        for process in (relay, worker):
            if process is not None:
                processes.stop(process)
    exits, with_effect = sum(r["exits"] for r in runs), sum(r["with_effect"] for r in runs)
    load = f"{options.rate:.0f} exits/s for {options.steady_seconds} s a round, distinct open enrolments"
    p95 = report.figure(f"exit to its follow-ups, p95 s, {load} ({with_effect:,} of {exits:,} exits with effect)",
                        runs, None, "p95_s", goal=1.0, ceiling=None, lower_is_better=True, goal_unit="s")
    p95["met"] = p95["met"] and with_effect == exits
    return {"P6": p95,
            "P6_p50": report.figure("exit to its follow-ups, p50 s, same rounds", runs, None, "p50_s", goal=None,
                                    ceiling=None, lower_is_better=True)}


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


# -- P2: events through outbox -> relay -> RabbitMQ -> consumers, vs ceiling (c) -------------------

def p2_pipeline(options, env: dict, work: Path) -> dict:
    """Each round: `--events` never-relayed trainee.registered events of one import (setup.pipeline_events)
    alone unpublished in the outbox, the consumers' queues empty; then ceiling (c) on as many messages."""
    rounds = options.pipeline_rounds or options.rounds
    pathways_runs, ceiling_runs = [], []
    for round_ in range(rounds):
        batch = setup.pipeline_events(env, options.events, work, f"bench-events-{round_}")
        pathways_runs.append(setup.pipeline_run(env, batch))
        with CpuWindow() as cpu:
            measured = raw_kombu.run(env["BROKER_URL"], options.events)
        ceiling_runs.append({"per_s": measured["per_s"], "seconds": options.events / measured["per_s"],
                             "publish_per_s": measured["publish_per_s"], "outside_cpu_s": cpu.outside_seconds})
        print(f"  P2 round {round_ + 1}: {pathways_runs[-1]['per_s']:,.0f} vs {measured['per_s']:,.0f} events/s",
              file=sys.stderr)
    return {"P2": report.figure(
        f"events applied/s, outbox → relay → RabbitMQ → consumers, {options.events:,} trainee.registered a round",
        pathways_runs, ceiling_runs, "per_s", goal=0.5, ceiling="(c) raw Kombu, confirm + ack")}


# -- P5: a consumer's memory after 1,000,000 events vs after 10,000 ------------------------------

def p5_memory(options, env: dict, world) -> dict:
    early = min(10_000, options.memory_events // 10)
    measured = memory.run(env, world.large_organisation_id, events=options.memory_events, early=early,
                          samples=options.memory_samples)
    print(f"  P5: {options.memory_events:,} events in {measured['seconds']:,.0f} s "
          f"({measured['late_per_s']:,.0f}/s after the first {early:,})", file=sys.stderr)
    name = (f"`pathways worker metrics` RSS KiB after {options.memory_events:,} vs {early:,} trainee.updated "
            f"events (each after an edit of a trainee of the {options.large:,}-trainee organisation; published "
            f"straight to the exchange, not by the relay); one run, {options.memory_samples} samples at each point")
    return {"P5": report.memory_figure(name, measured["rss_kib_late"], measured["rss_kib_early"], early, measured)}


# -- P7: name search, candidate lookup and the caseworker's pages at the large world's size -------

def p7_matching(options, env: dict, world) -> dict:
    """`--rounds` rounds of bench.matching on the large organisation (in process, on PostgreSQL)."""
    from service import config as config_module
    from service.bootstrap import bootstrap

    pathways = bootstrap(config_module.from_env(env))
    try:
        runs = [matching.measure(pathways, world.large_organisation_id, queries=options.matching_queries,
                                 seed=15 + round_) for round_ in range(options.rounds)]
    finally:
        pathways.dispose()
    people = runs[0]["people"]
    figures = {}
    for key, label in (("name_search", "name search (GET /trainees?q= page)"),
                       ("candidate_lookup", "candidate lookup (registration without a national id)")):
        rounds = [{"p95_ms": run[key]["p95_ms"], "p50_ms": run[key]["p50_ms"]} for run in runs]
        figures[f"P7_{key}"] = report.figure(
            f"{label}, p95 ms at {people:,} people, {options.matching_queries} queries a round", rounds, None,
            "p95_ms", goal=matching.GOAL_MS, ceiling=None, lower_is_better=True, goal_unit="ms")
    return figures


#: P7's pages, by the order they are asked for in a round: (key, what the figure's name calls them).
PAGES = (("search", "GET /people?q= (search)"), ("person", "GET /people/<id> (a person's page)"),
         ("worklist", "GET /follow-ups (the worklist)"))
#: Issue 16: each page within 150 ms p95 at the million-person world.
PAGE_GOAL_MS = 150.0


def p7_pages(options, env: dict, world, work: Path) -> dict:
    """The caseworker's pages of the large organisation, signed in (a session cookie), each page's paths in
    turn (bench/pages.py), `--page-connections` connections for `--latency-seconds`; each run followed by the
    bare Flask ceiling's (a), same connections and length. The goal is on the page's own p95 (150 ms);
    the ratio to the ceiling says how much of it is Pathways rather than HTTP, gunicorn and Flask.

    Every path is asked for once first, untimed (it answers the page, not the sign-in's redirect, and
    the caches are warm), for at most WARM_SECONDS a page. A page slower than a wrk run could time
    several times gets longer runs (three times its slowest answer) and a wrk timeout above it, so its
    figure is its own latency rather than no answer."""
    from service import config as config_module
    from service.bootstrap import bootstrap

    pathways = bootstrap(config_module.from_env(env))
    try:
        site = pages.prepare(pathways, env["DATABASE_URL"], world.large_organisation_id, work)
    finally:
        pathways.dispose()
    print(f"  P7 pages: searches match {site.search_matches:,} people (median); {site.follow_ups_todo:,} follow-ups "
          f"due or overdue, {site.caseload_todo:,} of them the caseworker's", file=sys.stderr)
    servers = [processes.gunicorn("service.wsgi:app", API, env),
               processes.gunicorn("bench.ceilings.bare_flask:app", FLASK_CEILING, env)]
    connections = options.page_connections
    runs: dict[str, list] = {key: [] for key, _label in PAGES}
    ceiling_runs: dict[str, list] = {key: [] for key, _label in PAGES}
    lengths: dict[str, tuple[int, int]] = {}
    try:
        for key, _label in PAGES:
            slowest = _warm(site.paths[key], site.cookie)
            lengths[key] = (max(options.latency_seconds, math.ceil(3 * slowest)), max(10, math.ceil(2 * slowest) + 1))
            print(f"  P7 {key}: slowest untimed answer {slowest:.2f} s; runs of {lengths[key][0]} s", file=sys.stderr)
        for round_ in range(options.rounds):
            for key, _label in PAGES:
                seconds, timeout = lengths[key]
                runs[key].append(_checked(_wrk(f"http://127.0.0.1:{API}/", options, cookie=site.cookie,
                                               paths=site.files[key], connections=connections, seconds=seconds,
                                               timeout=timeout)))
                ceiling_runs[key].append(_checked(_wrk(f"http://127.0.0.1:{FLASK_CEILING}/ping", options,
                                                       cookie=site.cookie, connections=connections,
                                                       seconds=seconds)))
                _page(site.paths[key][0], site.cookie)  # still signed in: wrk counts a redirect as an answer
            print("  P7 round {}: {}".format(round_ + 1, ", ".join(
                f"{key} p95 {runs[key][-1]['p95_ms']:,.0f} ms" for key, _label in PAGES)), file=sys.stderr)
    finally:
        for server in servers:
            processes.stop(server)
    what = {"search": f"{len(site.paths['search'])} names in turn, median {site.search_matches:,} people found",
            "person": f"{len(site.paths['person'])} people with enrolments, a placement and follow-ups in turn",
            "worklist": f"{len(site.paths['worklist'])} views in turn, {site.follow_ups_todo:,} due or overdue "
                        "in the organisation"}
    figures = {}
    for key, label in PAGES:
        name = (f"{label} {{}} ms, {options.large:,} people, caseworker signed in, {what[key]}, "
                f"{connections} connection{'s' if connections > 1 else ''}")
        figures[f"P7_page_{key}"] = report.figure(
            name.format("p95"), runs[key], ceiling_runs[key], "p95_ms", goal=PAGE_GOAL_MS,
            ceiling="(a) bare Flask", lower_is_better=True, goal_unit="ms")
        if any(run["errors"] for run in runs[key]):  # timed out: the percentiles leave those out
            figures[f"P7_page_{key}"]["met"] = False
        figures[f"P7_page_{key}_p50"] = report.figure(
            name.format("p50"), runs[key], ceiling_runs[key], "p50_ms", goal=None, ceiling="(a) bare Flask",
            lower_is_better=True)
    return figures


# -- P8: the managers' dashboard of the large organisation ---------------------------------------

#: Issue 17: the organisation's dashboard within 300 ms p95 at the million-person world, its charts adding
#: no more than 20 % to that.
DASHBOARD_GOAL_MS, CHARTS_SHARE_GOAL = 300.0, 0.2


def p8_dashboard(options, env: dict, world, work: Path) -> dict:
    """The large organisation's dashboard as its manager sees it, with and without its charts, each run
    (`--page-connections` connections, `--latency-seconds` or longer, as P7's pages) followed by the other
    and by the bare Flask ceiling (a). Each view is asked for once first, untimed."""
    from service import config as config_module
    from service.bootstrap import bootstrap

    pathways = bootstrap(config_module.from_env(env))
    try:
        site = dashboard.prepare(pathways, world.large_organisation_id, work)
    finally:
        pathways.dispose()
    servers = [processes.gunicorn("service.wsgi:app", API, env),
               processes.gunicorn("bench.ceilings.bare_flask:app", FLASK_CEILING, env)]
    connections = options.page_connections
    keys = [key for key, _path in dashboard.VIEWS]
    runs: dict[str, list] = {key: [] for key in keys}
    ceiling_runs: list[dict] = []
    try:
        slowest = max(_warm([site.paths[key]], site.cookie) for key in keys)
        seconds, timeout = max(options.latency_seconds, math.ceil(3 * slowest)), max(10, math.ceil(2 * slowest) + 1)
        print(f"  P8: slowest untimed answer {slowest:.2f} s; runs of {seconds} s", file=sys.stderr)
        for round_ in range(options.rounds):
            for key in keys:
                runs[key].append(_checked(_wrk(f"http://127.0.0.1:{API}/", options, cookie=site.cookie,
                                               paths=site.files[key], connections=connections, seconds=seconds,
                                               timeout=timeout)))
            ceiling_runs.append(_checked(_wrk(f"http://127.0.0.1:{FLASK_CEILING}/ping", options,
                                              cookie=site.cookie, connections=connections, seconds=seconds)))
            _page(site.paths["charts"], site.cookie)  # still signed in: wrk counts a redirect as an answer
            print("  P8 round {}: {}".format(round_ + 1, ", ".join(
                f"{key} p95 {runs[key][-1]['p95_ms']:,.0f} ms" for key in keys)), file=sys.stderr)
    finally:
        for server in servers:
            processes.stop(server)
    shares = [{"share": charts["p95_ms"] / tables["p95_ms"] - 1 if tables["p95_ms"] else 0.0,
               "outside_cpu_s": charts.get("outside_cpu_s", 0) + tables.get("outside_cpu_s", 0)}
              for charts, tables in zip(runs["charts"], runs["tables"])]
    who = (f"{options.large:,} people, the organisation's manager signed in, {connections} "
           f"connection{'s' if connections > 1 else ''}")
    figures = {
        "P8_dashboard": report.figure(f"GET /dashboard (the organisation's, with charts) p95 ms, {who}",
                                      runs["charts"], ceiling_runs, "p95_ms", goal=DASHBOARD_GOAL_MS,
                                      ceiling="(a) bare Flask", lower_is_better=True, goal_unit="ms"),
        "P8_dashboard_p50": report.figure(f"GET /dashboard p50 ms, {who}", runs["charts"], ceiling_runs, "p50_ms",
                                          goal=None, ceiling="(a) bare Flask", lower_is_better=True),
        "P8_tables": report.figure(f"GET /dashboard?charts=0 (same figures and tables, no chart) p95 ms, {who}",
                                   runs["tables"], ceiling_runs, "p95_ms", goal=None, ceiling="(a) bare Flask",
                                   lower_is_better=True),
        "P8_charts_share": report.figure("the charts' share of the dashboard's p95: with charts / without - 1, "
                                         "per round", shares, None, "share", goal=CHARTS_SHARE_GOAL, ceiling=None,
                                         lower_is_better=True, goal_unit="(share)"),
    }
    for key in ("P8_dashboard", "P8_tables"):
        if any(run["errors"] for run in runs["charts" if key == "P8_dashboard" else "tables"]):
            figures[key]["met"] = False
    return figures


#: The most time spent asking for a page's paths once each before its runs (at least one is asked for).
WARM_SECONDS = 60


def _warm(paths: list[str], cookie: str) -> float:
    """Each path once (or as many as WARM_SECONDS allow), checked; the slowest answer's seconds."""
    started, slowest = time.perf_counter(), 0.0
    for path in paths:
        slowest = max(slowest, _page(path, cookie))
        if time.perf_counter() - started > WARM_SECONDS:
            break
    return slowest


def _page(path: str, cookie: str) -> float:
    """Seconds `path` took to answer its page (200; the sign-in's redirect or an error raises)."""
    connection = http.client.HTTPConnection("127.0.0.1", API, timeout=600)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": cookie, "Accept": "text/html"})
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status} {response.getheader('Location') or ''}".strip())
    return elapsed


def _checked(run: dict) -> dict:
    """A wrk run whose answers were all pages (4xx and 5xx stop the benchmark; timeouts are reported)."""
    if run["non_2xx"]:
        raise RuntimeError(f"wrk: {run['non_2xx']:,} answers 4xx or 5xx in {run}")
    return run


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
