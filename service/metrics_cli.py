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
from service.metrics import projection, rollups
from service.metrics.verification import verify
from service.services import milestones

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
        failed = failed or bool(differences)
        click.echo(json.dumps({"organisation": slug, "trainees_checked": checked,
                               "differences": len(differences)}))
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


def rebuild(pathways: Pathways, organisation_id) -> int:
    """Chunk by chunk, each in its own transaction, the rollups dropped first and made again last; then
    `as_of` is the newest event written, and the milestones consumer's reach counts are recounted from the
    enrolments."""
    written = 0
    with pathways.uow() as uow:
        rollups.drop(uow.session, organisation_id)
        uow.commit()
    with pathways.uow() as uow:
        chunks = list(projection.trainee_chunks(uow.session, organisation_id))
    for chunk in chunks:
        with pathways.uow() as uow:
            written += projection.rebuild_chunk(uow.session, organisation_id, chunk)
            uow.commit()
    with pathways.uow() as uow:
        projection.remove_orphans(uow.session, organisation_id)
        newest = projection.newest_event(uow.session, organisation_id)
        if newest is not None:
            projection.advance_as_of(uow.session, organisation_id, newest)
        uow.commit()
    with pathways.uow() as uow:  # from the rebuilt rows (a large organisation's; service.metrics.rollups)
        rollups.ensure(uow.session, organisation_id)
        uow.commit()
    with pathways.uow() as uow:  # the milestones' reach counts too, announcing any missed milestone
        milestones.rebuild_reach(uow, organisation_id)
        uow.commit()
    return written


def _organisations(pathways: Pathways, slug: str | None) -> list[tuple]:
    with pathways.uow() as uow:
        stmt = select(Organisation.id, Organisation.slug).order_by(Organisation.slug)
        if slug:
            stmt = stmt.where(Organisation.slug == slug)
        found = list(uow.session.execute(stmt))
    if slug and not found:
        raise click.ClickException(f"no organisation with slug {slug!r}")
    return found
