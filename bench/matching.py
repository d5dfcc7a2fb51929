"""Matching at scale (issue 15): name search and candidate lookup latency on PostgreSQL.

Measured in process, through the service's own statements (service.services.matching), one query at
a time on one connection: what `GET /trainees?q=` and a registration add to a request; the HTTP
layer around them is P1's and P3's business. Each query is timed alone (the first of each kind once
untimed, to warm the plans and the cache).

- name search: the page `GET /trainees?q=` reads (50 people of the organisation, in id order, every
  word of the query in the normalised name) for queries made from the data's own names: a
  given name, a family name, both, a 3-letter fragment, a family name with a Turkish letter typed
  without it, and one that matches nobody;
- candidate lookup: `matching.candidates` for a person registered without a national id (the costly
  case: every person born that day is compared; with a number only those without one are), the
  names and birth dates drawn from the data.

The data are bench/generate.py's (the `make bench` world: 44 + 40 given names and 42 family names,
so a common name matches about 1 person in 80, a worse case than a city's real spread of names).

    python -m bench.matching --database-url URL --org-slug SLUG [--people N] [--queries Q]

generates the organisation's people up to N first (bench.generate) when it has fewer, and prints the
figures as JSON. `make bench` runs it on its large world as figure P7 (P7_name_search and
P7_candidate_lookup), beside the pages that use them over HTTP (P7_page_*, bench/pages.py).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
import uuid

import click
from sqlalchemy import func, select, text

from service.db.models import Trainee
from service.domain import names
from service.services import matching

#: Latency goal of issue 15 at 1,000,000 people, milliseconds (p95).
GOAL_MS = 50.0
PAGE = 50
_TURKISH = str.maketrans("çğıöşüÇĞİÖŞÜ", "cgiosuCGIOSU")


def measure(pathways, organisation_id: uuid.UUID, *, queries: int = 300, seed: int = 15) -> dict:
    """p50, p95 and max milliseconds of each kind, over `queries` queries each."""
    rng = random.Random(seed)
    with pathways.uow() as uow:
        session = uow.session
        people = session.scalar(select(func.count()).select_from(Trainee)
                                .where(Trainee.organisation_id == organisation_id))
        session.execute(text("ANALYZE trainees"))
        uow.commit()
        sample = session.execute(select(Trainee.given_name, Trainee.family_name, Trainee.birth_date)
                                 .where(Trainee.organisation_id == organisation_id)
                                 .order_by(func.random()).limit(max(queries, 50))).all()
    searches = [_query(rng, rng.choice(sample)) for _ in range(queries)]
    lookups = [rng.choice(sample) for _ in range(queries)]

    def search(query: str) -> int:
        with pathways.uow() as uow:
            stmt = matching.visible(select(Trainee).where(Trainee.organisation_id == organisation_id))
            stmt = matching.name_search(stmt, query).order_by(Trainee.id).limit(PAGE + 1)
            return len(uow.session.scalars(stmt).all())

    def lookup(person) -> int:
        with pathways.uow() as uow:
            return len(matching.candidates(uow.session, organisation_id, given_name=person.given_name,
                                           family_name=person.family_name, birth_date=person.birth_date,
                                           has_national_id=False))

    search_ms, found = _timed(search, searches)
    lookup_ms, candidates = _timed(lookup, lookups)
    return {"people": people, "queries": queries, "goal_p95_ms": GOAL_MS,
            "name_search": {**_summary(search_ms), "mean_rows": statistics.mean(found)},
            "candidate_lookup": {**_summary(lookup_ms), "mean_candidates": statistics.mean(candidates)}}


def _query(rng: random.Random, person) -> str:
    given, family = person.given_name.split()[0], person.family_name
    kind = rng.randrange(6)
    if kind == 0:
        return given
    if kind == 1:
        return family
    if kind == 2:
        return f"{given} {family}"
    if kind == 3:
        word = names.words(family)[0]
        start = rng.randrange(max(1, len(word) - 2))
        return word[start:start + 3]
    if kind == 4:
        return f"{given.translate(_TURKISH).upper()} {family.translate(_TURKISH)[:4]}"
    return "zzqx"


def _timed(run, inputs) -> tuple[list[float], list[int]]:
    run(inputs[0])  # plans and cache warmed, untimed
    elapsed, results = [], []
    for value in inputs:
        started = time.perf_counter()
        results.append(run(value))
        elapsed.append((time.perf_counter() - started) * 1000)
    return elapsed, results


def _summary(ms: list[float]) -> dict:
    ordered = sorted(ms)
    return {"p50_ms": round(ordered[len(ordered) // 2], 2),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
            "max_ms": round(ordered[-1], 2), "met": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] <= GOAL_MS}


@click.command(help=__doc__.splitlines()[0])
@click.option("--database-url", required=True, help="PostgreSQL URL of a migrated database.")
@click.option("--org-slug", required=True)
@click.option("--people", type=click.IntRange(1), default=None, help="Generate people up to this many first.")
@click.option("--queries", type=click.IntRange(10), default=300, show_default=True)
def main(database_url: str, org_slug: str, people: int | None, queries: int) -> None:
    from bench.generate import ensure_programme, generate
    from service import config as config_module
    from service.bootstrap import bootstrap

    pathways = bootstrap(config_module.from_env({**os.environ, "DATABASE_URL": database_url}))
    try:
        organisation_id, _token = ensure_programme(pathways, org_slug, people or 1)
        if people is not None:
            with pathways.uow() as uow:
                held = uow.session.scalar(select(func.count()).select_from(Trainee)
                                          .where(Trainee.organisation_id == organisation_id))
            if held < people:
                generate(pathways.engine, organisation_id, trainees=people - held, vault=pathways.vault,
                         log=lambda line: click.echo(line, err=True))
        click.echo(json.dumps(measure(pathways, organisation_id, queries=queries), indent=2))
    finally:
        pathways.dispose()


if __name__ == "__main__":
    main()
