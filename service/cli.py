"""The `pathways` command: bootstrap a tenant, migrate, load the demo, serve."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import click

from service.bootstrap import bootstrap as build
from service.domain.errors import Conflict, DomainError
from service.imports.cli import import_group
from service.keys_cli import keys_group
from service.metrics_cli import metrics_group
from service.reference_cli import reference_group
from service.services import organisations
from service.users_cli import users_group
from workers.cli import COMMANDS as WORKER_COMMANDS


def _upgrade(engine) -> None:
    # Imported when needed: Alembic adds about 0.09 s of CPU (an eighth) to the start of every command.
    from service.db.migrate import upgrade

    upgrade(engine)


@click.group(help="Pathways: case management for employment programmes.")
def main() -> None:
    pass


@main.group(help="Database schema (Alembic migrations).")
def db() -> None:
    pass


@db.command("upgrade", help="Migrate the database named by DATABASE_URL to the newest schema.")
def db_upgrade() -> None:
    pathways = build()
    _upgrade(pathways.engine)
    click.echo("database migrated")


@main.command(help="Create an organisation and its first admin; prints JSON with the admin token. "
                   "Each option may come from its PATHWAYS_… environment variable (a container's one-shot step).")
@click.option("--org-slug", required=True, envvar="PATHWAYS_ORG_SLUG")
@click.option("--org-name", required=True, envvar="PATHWAYS_ORG_NAME")
@click.option("--country", required=True, envvar="PATHWAYS_COUNTRY", help="ISO 3166-1 alpha-2, e.g. TR")
@click.option("--admin-email", required=True, envvar="PATHWAYS_ADMIN_EMAIL")
@click.option("--locale", default="en", show_default=True, envvar="PATHWAYS_LOCALE")
@click.option("--time-zone", default=None, envvar="PATHWAYS_TIME_ZONE",
              help="IANA name, e.g. Europe/Istanbul: the organisation's today. [default: the country's]")
@click.option("--if-missing", is_flag=True,
              help="An organisation with this slug exists already: say so and exit 0 (for repeated deployments).")
def bootstrap(org_slug: str, org_name: str, country: str, admin_email: str, locale: str, time_zone: str | None,
              if_missing: bool) -> None:
    pathways = build()
    _upgrade(pathways.engine)
    try:
        organisation, admin, token = organisations.bootstrap(
            pathways.uow(), slug=org_slug, name=org_name, country=country, admin_email=admin_email,
            locale=locale, time_zone=time_zone, token_ttl=pathways.config.token_ttl)
    except Conflict as error:
        if not if_missing:
            click.echo(json.dumps({"error": error.detail, **error.extra}, default=str), err=True)
            sys.exit(1)
        click.echo(json.dumps({"created": False, "detail": error.detail}))
        return
    except DomainError as error:
        click.echo(json.dumps({"error": error.detail, **error.extra}, default=str), err=True)
        sys.exit(1)
    click.echo(json.dumps({"organisation_id": str(organisation.id), "admin_id": str(admin.id),
                           "token": token}))


@main.command(help="Load a demo programme (once; again, it creates nothing and keeps the demo users' "
                   "tokens); prints one token per role. TR: İzmir's (organisation `demo`); SE: Umeå's "
                   "(`umea-demo`), GT: Guatemala City's (`guatemala-demo`), CO: Bogotá's (`bogota-demo`), each an "
                   "organisation of its own beside the others.")
@click.option("--country", type=click.Choice(["TR", "SE", "GT", "CO"], case_sensitive=False), default="TR",
              show_default=True, help="Which demo: its organisation, language, currency, time zone and documents.")
@click.option("--trainees", type=int, default=None,
              help="How many trainees to generate.  [default: 300 for TR, 200 for the others]")
@click.option("--seed", default=1400, show_default=True)
@click.option("--reissue-tokens", is_flag=True, help="Replace the demo users' tokens: the old ones stop working.")
@click.option("--quiet", is_flag=True, help="One line saying what was done (make run prints the tokens when "
                                            "the API is ready).")
def demo(country: str, trainees: int | None, seed: int, reissue_tokens: bool, quiet: bool) -> None:
    from service.demo.countries import programme
    from service.demo.loader import load_demo

    pathways = build()
    _upgrade(pathways.engine)
    chosen = programme(country)
    result = load_demo(pathways, trainees=trainees, seed=seed, reissue_tokens=reissue_tokens, programme=chosen)
    created = result["created"]
    if quiet:
        name = "demo" if chosen.SLUG == "demo" else f"demo {chosen.SLUG}"
        click.echo(f"{name}: loaded {created['trainees']} trainees" if any(created.values()) else
                   f"{name}: loaded before; " + ("tokens replaced" if reissue_tokens else "tokens kept"))
        return
    for role, token in result["tokens"].items():
        click.echo(f"{role:<11} {token}")
    for role in result["unchanged"]:
        click.echo(f"{role:<11} (token kept, not known here: pathways demo --reissue-tokens replaces it)")
    for role, sign_in in result["sign_ins"].items():
        click.echo(f"{role:<11} sign in on the pages as {sign_in['email']}  password {sign_in['password']}")
    if "caseworker" in result["tokens"]:
        click.echo(f'curl -H "Authorization: Bearer {result["tokens"]["caseworker"]}" '
                   f'http://127.0.0.1:{os.environ.get("PORT", "8000")}/api/v1/trainees')
    # Scripts read the JSON on the last line; the lines above are for people.
    click.echo(json.dumps(result, ensure_ascii=False))


@main.command(help="Serve the API under gunicorn; PORT, HOST and WEB_CONCURRENCY apply.")
def serve() -> None:
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        # gunicorn's workers share their Prometheus figures through files; a fresh folder per start.
        metrics_dir = Path(os.environ.get("PATHWAYS_DATA_DIR", "var")) / "prometheus"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir.resolve())
    os.execvp(sys.executable, [sys.executable, "-m", "gunicorn", "--config", "python:service.gunicorn_conf",
                               "service.wsgi:app"])


@main.command(help="Start the API, the relay and the workers together; Ctrl-C stops them all.")
def run() -> None:
    from service.launcher import run as launch

    sys.exit(launch())


@main.command(help="Delete what is past its retention (published outbox rows, the consumers' inbox, "
                   "idempotency keys, delivered messages of the embedded queue); prints JSON of rows per store.")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
def purge(dry_run: bool) -> None:
    from service.db import retention

    pathways = build()
    try:
        counts = retention.purge(pathways, dry_run=dry_run)
    finally:
        pathways.dispose()
    click.echo(json.dumps({"dry_run": dry_run, "would_delete" if dry_run else "deleted": counts}))


# The event pipeline's, the import's, the metrics' and the users' commands live with their code; this
# entry point wires them in.
for _command in (*WORKER_COMMANDS, metrics_group, import_group, users_group, reference_group,
                 keys_group):
    main.add_command(_command)

if __name__ == "__main__":
    main()
