"""Reporting, the use case behind /api/v1/metrics: check the request against the caller, then ask the engine.

The engine that computes reports is the package service.metrics; this module only decides who may ask what.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from service.db.models import Organisation, Project
from service.domain.errors import Forbidden, ValidationFailed
from service.domain.roles import Principal, Role
from service import clock
from service.domain.metrics import ESF_PLUS
from service.metrics import aggregates, freshness, reports
from service.metrics.aggregates import Scope
from service.metrics.packs import PACKS
from service.services import occupation_shares
from service.services.queries import get_scoped, own_organisation
from service.services.unit_of_work import UnitOfWork
from service.domain.messages import Msg

#: A breakdown larger than this is refused: nobody reads it, and suppressing it costs much.
MAX_CELLS = 5000


def report(uow: UnitOfWork, principal: Principal, kind: str, args: dict,
           inbox_retention: timedelta = freshness.INBOX_RETENTION) -> tuple[dict, Organisation, dict]:
    """(report, organisation, project codes by id) for `kind` in reach, outcomes, indicators.

    `inbox_retention` is the deployment's (PATHWAYS_RETENTION_INBOX_DAYS): the freshness looks no further back."""
    with uow:
        session = uow.session
        organisation, project = scope_of(session, principal, args)
        scope = Scope(organisation.id, project.id if project else None, args.get("period_start"),
                      args.get("period_end"))
        by = tuple(args["by"])
        refuse_larger_than_allowed(aggregates.grid_size(session, scope, by))
        request = reports.Request(scope, by, args["suppress"], organisation.min_cell_size,
                                  basis=args.get("period_basis"), today=clock.today(organisation.time_zone),
                                  occupations=_occupations(session, organisation) if kind == "outcomes" else None)
        figures = _figures(session, kind, request, project or organisation, args.get("framework", ESF_PLUS))
        # the watermark: service.metrics.freshness
        fresh = freshness.freshness(session, organisation.id, inbox_retention=inbox_retention)
        header = {"as_of": _iso(fresh.as_of), "pending_events": fresh.pending_events,
                  "organisation_id": str(organisation.id), "project_id": _iso(scope.project_id),
                  "period_start": _iso(scope.period_start), "period_end": _iso(scope.period_end),
                  "by": list(by), "min_cell_size": organisation.min_cell_size, "suppression": args["suppress"]}
        return {**header, **figures}, organisation, project_codes(session, organisation.id)


def scope_of(session, principal: Principal, args: dict) -> tuple[Organisation, Project | None]:
    """The caller's organisation and the project asked for (another organisation's: 404), once the caller may
    ask for what `args` ask (suppress=false: admins only). Every metrics use case starts here."""
    if not args["suppress"] and principal.role is not Role.ADMIN:
        raise Forbidden(Msg("Only admins may ask for suppress=false."))
    organisation = own_organisation(session, principal.organisation_id)
    project = (get_scoped(session, Project, organisation.id, args["project_id"], label="Project")
               if args.get("project_id") else None)
    return organisation, project


def refuse_larger_than_allowed(cells: int) -> None:
    if cells > MAX_CELLS:
        raise ValidationFailed({"by": [Msg("The breakdown would have more than {max_cells} cells; "
                                           "ask for fewer dimensions.",
                                           max_cells=MAX_CELLS)]})


def project_codes(session, organisation_id) -> dict[str, str]:
    """{project id: code} of the organisation: the exports name projects by their codes."""
    return {str(project_id): code for project_id, code in session.execute(
        select(Project.id, Project.code).where(Project.organisation_id == organisation_id))}


def _occupations(session, organisation: Organisation) -> reports.Occupations | None:
    """The occupation sex-share table in effect for the organisation's country (its own, the national one or
    the shipped one), which says where a job is non-traditional for a sex."""
    found = occupation_shares.table_in_effect(session, organisation.country, organisation.id)
    if found is None:
        return None
    return reports.Occupations(found.country, found.scope, tuple(found.table.sources),
                               found.table.non_traditional_sexes)


def _iso(value) -> str | None:
    return None if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))


def _figures(session, kind: str, request: reports.Request, holder: Organisation | Project,
             framework: str = ESF_PLUS) -> dict:
    """`holder` owns the targets: the project asked for, else the organisation. The indicators of a framework
    other than ESF+ come from its pack (service.metrics.packs)."""
    if kind == "reach":
        return reports.reach(session, request, holder.reach_target, holder.share_targets or [])
    if kind == "outcomes":
        return reports.outcomes(session, request)
    if framework in PACKS:
        return PACKS[framework](session, request)
    return reports.indicators(session, request)
