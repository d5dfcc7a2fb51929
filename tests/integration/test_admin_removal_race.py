"""Two admins removing each other at the same moment: one of them always remains (PostgreSQL).

Before removals were serialised, both counted two admins and both succeeded in most tries,
leaving an organisation that nobody could administer.
"""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from service.db.models import User
from service.domain.errors import Conflict
from service.domain.roles import Role
from service.services import organisations, users

TRIES = 30


def _admins_removing_each_other(pathways, n: int) -> tuple[list[str], int]:
    organisation, first, token = organisations.bootstrap(
        pathways.uow(), slug=f"race-{n}", name=f"Race {n}", country="TR", admin_email="first@example.org")
    first_admin = users.authenticate(pathways.uow(), token)
    _, second_token = users.create(pathways.uow(actor_id=first.id), first_admin,
                                   {"email": "second@example.org", "role": Role.ADMIN})
    second_admin = users.authenticate(pathways.uow(), second_token)
    start, outcomes = threading.Barrier(2), []

    def remove(caller, target):
        start.wait()
        try:
            users.deactivate(pathways.uow(actor_id=caller.user_id), caller, target.user_id)
            outcomes.append("removed")
        except Conflict:
            outcomes.append("refused")

    threads = [threading.Thread(target=remove, args=pair)
               for pair in ((first_admin, second_admin), (second_admin, first_admin))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with pathways.uow() as uow:
        remaining = uow.session.scalar(select(func.count()).select_from(User).where(
            User.organisation_id == organisation.id, User.role == Role.ADMIN, User.active.is_(True)))
    return sorted(outcomes), remaining


def test_two_admins_removing_each_other_at_once_leave_one_admin(committing_pg_pathways):
    results = [_admins_removing_each_other(committing_pg_pathways, n) for n in range(TRIES)]
    none_left = sum(1 for _, remaining in results if remaining == 0)
    print(f"\n{none_left} of {TRIES} tries left no admin")
    assert results == [(["refused", "removed"], 1)] * TRIES
