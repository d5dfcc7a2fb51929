"""`pathways metrics verify`'s search for read-model participants without a record: right, and an anti-join."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.dialects import postgresql

from service.db.models import MetricParticipant
from service.metrics import projection


def test_a_participant_without_a_trainee_record_is_found_and_others_are_not(pathways, make_tenant, client):
    from tests.api.helpers import register_trainee

    tenant = make_tenant()
    kept = register_trainee(client, tenant.headers["admin"])
    organisation_id, stray = uuid.UUID(tenant.organisation_id), uuid.uuid4()
    with pathways.uow() as uow:
        uow.session.add_all([MetricParticipant(trainee_id=uuid.UUID(kept["id"]), organisation_id=organisation_id,
                                               sex="female"),
                             MetricParticipant(trainee_id=stray, organisation_id=organisation_id, sex="male")])
        uow.session.flush()
        assert projection.orphans(uow.session, organisation_id) == [stray]


@pytest.mark.postgres
def test_the_search_is_an_anti_join_which_postgresql_runs_without_a_per_row_subplan(pg_pathways):
    """NOT IN over the trainees was planned as a SubPlan looked up row by row once it outgrew work_mem:
    verify did not finish in half an hour at a million people."""
    with pg_pathways.uow() as uow:
        captured = []  # the statement orphans() runs, planned by PostgreSQL itself
        real = uow.session.scalars

        def capture(stmt, *args, **kwargs):
            captured.append(stmt)
            return real(stmt, *args, **kwargs)

        uow.session.scalars = capture
        projection.orphans(uow.session, uuid.uuid4())
        sql = str(captured[0].compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
        plan = "\n".join(row[0] for row in uow.session.connection().exec_driver_sql(f"EXPLAIN {sql}"))
    assert "Anti Join" in plan and "SubPlan" not in plan, plan
