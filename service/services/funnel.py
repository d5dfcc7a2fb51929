"""The funnel's use case behind /api/v1/metrics/funnel: check the request against the caller, then count.

The counting is service.metrics.funnel's; this module decides who may ask what, as service.services.reporting
does for the other metrics.
"""

from __future__ import annotations

from service.clock import utcnow
from service.db.models import Organisation
from service.domain.roles import Principal
from service.metrics import funnel as engine
from service.services import reporting
from service.services.unit_of_work import UnitOfWork


def report(uow: UnitOfWork, principal: Principal, args: dict) -> tuple[dict, Organisation, dict[str, str]]:
    """(funnel, organisation, project codes by id)."""
    with uow:
        session = uow.session
        organisation, project = reporting.scope_of(session, principal, args)
        request = engine.Request(organisation.id, project.id if project else None, args.get("period_start"),
                                 args.get("period_end"), tuple(args["by"]), args["suppress"],
                                 organisation.min_cell_size)
        reporting.refuse_larger_than_allowed(engine.grid_size(session, request))
        # Read from the records in this transaction: current when it began, nothing pending.
        as_of = utcnow()
        figures = engine.funnel(session, request)
        codes = reporting.project_codes(session, organisation.id)
    header = {"as_of": as_of.isoformat(), "pending_events": 0, "organisation_id": str(organisation.id),
              "project_id": str(project.id) if project else None,
              "period_start": _iso(request.period_start), "period_end": _iso(request.period_end),
              "period_basis": args["period_basis"], "by": list(request.by),
              "min_cell_size": organisation.min_cell_size, "suppression": request.suppress}
    return {**header, **figures}, organisation, codes


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()
