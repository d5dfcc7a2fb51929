"""P7's pages: what a caseworker of the large world asks for, and a signed-in page session to ask with.

The large world (bench/generate.py) is a programme's history loaded from an earlier system: it
has people, enrolments, placements and every exit's follow-up checkpoints (many still due or
overdue), but no users besides its admin and manager, and no audit trail, so nobody's caseload
("my follow-ups": the enrolments a user created, by the audit trail, service/services/caseload.py).
`prepare` adds, untimed and only for P7:

- CASEWORKERS caseworkers of the large organisation, and an audit trail in which each of them
  created the enrolments of an equal share of the people (one person's enrolments by one of them),
  as if the enrolments had been made in Pathways; the benchmark's caseworker is the first;
- a web session of that caseworker (service.services.web_sessions.open_session), opened when P7
  starts, so its 30 minutes of idle lifetime do not run out during the earlier figures;
- the paths each page is asked for in turn (one wrk run goes round them):
  - search (`/people?q=`): names drawn from the data as a caseworker types them: a family name
    alone (a common one: about 1 person in 42 of the generator's names), a given and a family name,
    and the first four letters of a family name typed without its Turkish letters, in lower case;
  - a person's page (`/people/<id>`): people with a full file (two enrolments or more, a placement,
    three follow-ups or more), whose page lists the most;
  - the worklist (`/follow-ups`): its first page as it opens (due or overdue, overdue first, the
    organisation's), the second page, sorted by name, due this week, and the caseworker's own.
"""

from __future__ import annotations

import random
import statistics
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from sqlalchemy import select

from service.db.models import Organisation, User
from service.domain import names
from service.domain.roles import Principal, Role
from service.services import directory, users, web_sessions

#: Caseworkers of the large organisation who share its people (1,000,000 people: 4,000 each over three years).
CASEWORKERS = 250
SEARCHES, PEOPLE = 30, 50
_TURKISH = str.maketrans("çğıöşüÇĞİÖŞÜ", "cgiosuCGIOSU")
PAGE_COOKIE = "pathways_session"


@dataclass
class Pages:
    """Each page's paths (written to files for wrk) and what they hold, for the figures' names."""

    cookie: str
    paths: dict[str, list[str]]
    files: dict[str, Path] = field(default_factory=dict)
    #: The median number of people a search matches (its total), and the mean rows of a person's file.
    search_matches: int = 0
    follow_ups_todo: int = 0
    caseload_todo: int = 0


def caseworkers(pathways, organisation_id: uuid.UUID, count: int = CASEWORKERS) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """`count` caseworkers of the organisation (made when missing): the benchmark's one's id, and all."""
    with pathways.uow() as uow:
        admin_id = uow.session.scalar(select(User.id).where(
            User.organisation_id == organisation_id, User.role == Role.ADMIN, User.active.is_(True)).limit(1))
        slug = uow.session.scalar(select(User.email).where(User.id == admin_id)).split("@")[1]
        held = {email: id_ for id_, email in uow.session.execute(select(User.id, User.email).where(
            User.organisation_id == organisation_id, User.role == Role.CASEWORKER))}
    admin = Principal(admin_id, organisation_id, Role.ADMIN)
    ids = []
    for number in range(count):
        email = f"caseworker-{number:03}@{slug}"
        if email not in held:
            held[email] = users.create(pathways.uow(admin_id), admin, {"email": email, "role": Role.CASEWORKER})[0].id
        ids.append(held[email])
    return ids[0], ids


def audit_trail(database_url: str, organisation_id: uuid.UUID, caseworker_ids: list[uuid.UUID]) -> int:
    """Audit entries naming which caseworker created each enrolment of the organisation (when it has none).

    A person's enrolments go to one caseworker (their trainee id's hash picks which). The ids are random
    (version 4) rather than the service's time-ordered ones: nothing orders audit entries by id."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        held = connection.execute("SELECT count(*) FROM audit_entries WHERE organisation_id = %s AND "
                                  "entity_type = 'enrolments' AND action = 'create'", (organisation_id,)).fetchone()[0]
        if held:
            return held
        made = connection.execute(
            """INSERT INTO audit_entries (id, organisation_id, actor_id, action, entity_type, entity_id, changes,
                                          occurred_at)
               SELECT gen_random_uuid(), e.organisation_id,
                      (%s::uuid[])[1 + abs(hashtext(e.trainee_id::text)) %% %s], 'create', 'enrolments', e.id,
                      '{}'::jsonb, e.created_at
               FROM enrolments e WHERE e.organisation_id = %s""",
            (caseworker_ids, len(caseworker_ids), organisation_id)).rowcount
        connection.execute("ANALYZE audit_entries")
    return made


def choose(pathways, database_url: str, organisation_id: uuid.UUID, caseworker: Principal, *, seed: int = 7
           ) -> dict[str, list[str]]:
    """The paths of each page (see the module's docstring), drawn from the data with `seed`."""
    rng = random.Random(seed)
    with psycopg.connect(database_url) as connection:
        # A sample of the table's pages (a few thousand people: not the whole million), all of a small one.
        held = connection.execute("SELECT count(*) FROM trainees WHERE organisation_id = %s",
                                  (organisation_id,)).fetchone()[0]
        share = min(100.0, 100.0 * 5000 / max(held, 1))
        sample = connection.execute(
            "SELECT given_name, family_name FROM trainees TABLESAMPLE SYSTEM (%s) REPEATABLE (%s) "
            "WHERE organisation_id = %s AND merged_into_id IS NULL ORDER BY id",
            (share, seed, organisation_id)).fetchall()
        people = [row[0] for row in connection.execute(
            """SELECT t.id FROM trainees t TABLESAMPLE SYSTEM (%s) REPEATABLE (%s)
               WHERE t.organisation_id = %s AND t.merged_into_id IS NULL
               AND (SELECT count(*) FROM enrolments e WHERE e.trainee_id = t.id) >= 2
               AND (SELECT count(*) FROM follow_ups f WHERE f.trainee_id = t.id) >= 3
               AND EXISTS (SELECT 1 FROM placements p WHERE p.trainee_id = t.id)
               ORDER BY t.id LIMIT %s""", (share, seed, organisation_id, PEOPLE))]
    if not sample or not people:
        raise RuntimeError(f"the organisation has too few people for P7's pages ({len(sample)} names sampled, "
                           f"{len(people)} people with a full file)")
    queries = []
    for number in range(SEARCHES):
        given, family = rng.choice(sample)
        kind = number % 3
        if kind == 0:
            queries.append(family)
        elif kind == 1:
            queries.append(f"{given.split()[0]} {family}")
        else:
            queries.append(names.words(family)[0][:4].translate(_TURKISH).lower())
    worklist = ["/follow-ups", "/follow-ups?page=2", "/follow-ups?sort=name", "/follow-ups?status=week",
                "/follow-ups?mine=1"]
    return {"search": ["/people?" + urlencode({"q": query}) for query in queries],
            "person": [f"/people/{id_}" for id_ in people],
            "worklist": worklist}


def matches(pathways, caseworker: Principal, paths: list[str]) -> int:
    """The median total a search path finds (through the page's own service function)."""
    from urllib.parse import parse_qs, urlsplit

    totals = [directory.search(pathways.uow(), caseworker, directory.Criteria(
        name=parse_qs(urlsplit(path).query)["q"][0]), limit=1).total for path in paths]
    return int(statistics.median(totals))


def follow_ups_todo(pathways, caseworker: Principal, mine: bool) -> int:
    from service.services import caseload

    return caseload.count(pathways.uow(), caseworker, caseload.Query(mine=mine, limit=1))


def prepare(pathways, database_url: str, organisation_id: uuid.UUID, work: Path, *,
            caseworker_count: int = CASEWORKERS) -> Pages:
    """Caseworkers and their audit trail, a signed-in session of the first, and the pages' paths."""
    caseworker_id, everyone = caseworkers(pathways, organisation_id, caseworker_count)
    audit_trail(database_url, organisation_id, everyone)
    with pathways.uow() as uow:
        time_zone = uow.session.scalar(select(Organisation.time_zone).where(Organisation.id == organisation_id))
    principal = Principal(caseworker_id, organisation_id, Role.CASEWORKER, time_zone=time_zone)
    paths = choose(pathways, database_url, organisation_id, principal)
    pages = Pages(cookie=f"{PAGE_COOKIE}={web_sessions.open_session(pathways.uow(), caseworker_id)}", paths=paths,
                  search_matches=matches(pathways, principal, paths["search"]),
                  follow_ups_todo=follow_ups_todo(pathways, principal, mine=False),
                  caseload_todo=follow_ups_todo(pathways, principal, mine=True))
    for page, listed in paths.items():
        pages.files[page] = work / f"p7-{page}.paths"
        pages.files[page].write_text("\n".join(listed) + "\n")
    return pages
