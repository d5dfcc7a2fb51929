"""`pathways import trainees` checks each row's groups against the organisation's active vocabulary (issue 15,
item 2), as POST /trainees does; SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from service.db.models import Trainee
from service.domain.roles import Principal, Role
from service.services import groups, organisations
from tests.integration.test_import import row, run_import, write_csv


def _undocumented(given_name: str, birth_date: str, vulnerable_groups: list[str]) -> dict:
    return row(given_name=given_name, family_name="López", birth_date=birth_date,
               vulnerable_groups=vulnerable_groups, national_id=None, no_document_reason="none_held")


def test_rows_are_given_only_active_groups_of_the_vocabulary(pathways, tmp_path):
    slug = f"imp-gt-{uuid.uuid4().hex[:10]}"
    organisation, _admin, _token = organisations.bootstrap(pathways.uow(), slug=slug, name="Guatemala", country="GT",
                                                          admin_email=f"admin@{slug}.org")
    admin = Principal(user_id=None, organisation_id=organisation.id, role=Role.ADMIN)
    groups.change(pathways.uow(), admin, "xinka", {"active": False})
    path = write_csv(tmp_path / "gt.csv", [
        _undocumented("Ixchel", "2000-01-01", ["maya", "conflict_victim"]),
        _undocumented("Rosa", "2001-02-02", ["roma"]),            # a Turkish organisation's group, not this one's
        _undocumented("Ana", "2002-03-03", ["xinka"]),            # retired
    ])

    summary, problems, _table = run_import(pathways, organisation, path, processes=1)

    assert [(problem.line, problem.field) for problem in problems] == [(3, "vulnerable_groups"),
                                                                        (4, "vulnerable_groups")]
    active = "maya, garifuna, afro_descendant, conflict_victim, disability, migrant, refugee, housing_exclusion"
    assert [problem.reason for problem in problems] == [f"item 1: Must be one of: {active}."] * 2
    with pathways.uow() as uow:
        imported = uow.session.execute(select(Trainee.given_name, Trainee.vulnerable_groups).where(
            Trainee.organisation_id == organisation.id)).all()
    assert [tuple(person) for person in imported] == [("Ixchel", ["maya", "conflict_victim"])]
