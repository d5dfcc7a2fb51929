"""`pathways metrics verify|rebuild`: prove the read model equals the records, or rebuild it from them.

An entry point like cli.py (it builds the composition root and calls a use case), so it lives beside it,
not in the engine package service/metrics/, which imports neither.
"""

from __future__ import annotations

import json
import sys

import click
from sqlalchemy import select

from service.bootstrap import Pathways
from service.bootstrap import bootstrap as build
from service.db.models import Organisation
from service.metrics.verification import entry_corrections, verify
from service.services.metrics_rebuild import rebuild

__all__ = ["metrics_group", "rebuild"]

SHOWN_DIFFERENCES = 20


@click.group("metrics", help="The metrics read model behind /api/v1/metrics.")
def metrics_group() -> None:
    pass


@metrics_group.command("verify", help="Recompute every organisation's read model from the records and report "
                                "differences; exits 1 when there is one (run it once the queues are drained).")
@click.option("--org-slug", help="Only this organisation.")
def verify_command(org_slug: str | None) -> None:
    pathways = build()
    failed = False
    for organisation_id, slug in _organisations(pathways, org_slug):
        with pathways.uow() as uow:
            checked, differences = verify(uow.session, organisation_id)
            corrections = entry_corrections(uow.session, organisation_id)
        failed = failed or bool(differences)
        click.echo(json.dumps({"organisation": slug, "trainees_checked": checked,
                               "differences": len(differences), "entry_corrections": corrections}))
        click.echo(f"  {corrections} entry corrections recorded in the audit")
        for difference in differences[:SHOWN_DIFFERENCES]:
            click.echo(f"  {difference.trainee_id or 'rollup'}: {difference.detail}", err=True)
    pathways.engine.dispose()
    sys.exit(1 if failed else 0)


@metrics_group.command("rebuild", help="Rebuild the read model from the records (safe while consumers run).")
@click.option("--org-slug", help="Only this organisation.")
def rebuild_command(org_slug: str | None) -> None:
    pathways = build()
    for organisation_id, slug in _organisations(pathways, org_slug):
        click.echo(json.dumps({"organisation": slug, "trainees": rebuild(pathways, organisation_id)}))
    pathways.engine.dispose()


def _organisations(pathways: Pathways, slug: str | None) -> list[tuple]:
    with pathways.uow() as uow:
        stmt = select(Organisation.id, Organisation.slug).order_by(Organisation.slug)
        if slug:
            stmt = stmt.where(Organisation.slug == slug)
        found = list(uow.session.execute(stmt))
    if slug and not found:
        raise click.ClickException(f"no organisation with slug {slug!r}")
    return found
