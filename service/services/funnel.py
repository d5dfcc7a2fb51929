"""The funnel's use case behind /api/v1/metrics/funnel: check the request against the caller, then count.

The counting is service.metrics.funnel's; this module decides who may ask what, as service.services.reporting
does for the other metrics.
"""

from __future__ import annotations

from sqlalchemy import select

from service.clock import utcnow
from service.db.models import Organisation, Project
from service.domain.errors import Forbidden, ValidationFailed
from service.domain.roles import Principal, Role
from service.metrics import funnel as engine
from service.services.queries import get_scoped, own_organisation
from service.services.reporting import MAX_CELLS
from service.services.unit_of_work import UnitOfWork


def report(uow: UnitOfWork, principal: Principal, args: dict) -> tuple[dict, Organisation, dict[str, str]]:
    """(funnel, organisation, project codes by id)."""
    if not args["suppress"] and principal.role is not Role.ADMIN:
        raise Forbidden("Only admins may ask for suppress=false.")
    with uow:
        session = uow.session
        organisation = own_organisation(session, principal.organisation_id)
        project = (get_scoped(session, Project, organisation.id, args["project_id"], label="Project")
                   if args.get("project_id") else None)
        request = engine.Request(organisation.id, project.id if project else None, args.get("period_start"),
                                 args.get("period_end"), tuple(args["by"]), args["suppress"],
                                 organisation.min_cell_size)
        if engine.grid_size(session, request) > MAX_CELLS:
            raise ValidationFailed({"by": [f"The breakdown would have more than {MAX_CELLS} cells; "
                                           "ask for fewer dimensions."]})
        # Read from the records in this transaction: current when it began, nothing pending.
        as_of = utcnow()
        figures = engine.funnel(session, request)
        codes = {str(project_id): code for project_id, code in session.execute(
            select(Project.id, Project.code).where(Project.organisation_id == organisation.id))}
    header = {"as_of": as_of.isoformat(), "pending_events": 0, "organisation_id": str(organisation.id),
              "project_id": str(project.id) if project else None,
              "period_start": _iso(request.period_start), "period_end": _iso(request.period_end),
              "period_basis": args["period_basis"], "by": list(request.by),
              "min_cell_size": organisation.min_cell_size, "suppression": request.suppress}
    return {**header, **figures}, organisation, codes


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()
