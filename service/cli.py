"""The `pathways` command: bootstrap a tenant, migrate, load the demo, serve."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import click

from service.bootstrap import bootstrap as build
from service.domain.errors import DomainError
from service.services import organisations


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


@main.command(help="Create an organisation and its first admin; prints JSON with the admin token.")
@click.option("--org-slug", required=True)
@click.option("--org-name", required=True)
@click.option("--country", required=True, help="ISO 3166-1 alpha-2, e.g. TR")
@click.option("--admin-email", required=True)
@click.option("--locale", default="en", show_default=True)
def bootstrap(org_slug: str, org_name: str, country: str, admin_email: str, locale: str) -> None:
    pathways = build()
    _upgrade(pathways.engine)
    try:
        organisation, admin, token = organisations.bootstrap(
            pathways.uow(), slug=org_slug, name=org_name, country=country, admin_email=admin_email,
            locale=locale)
    except DomainError as error:
        click.echo(json.dumps({"error": error.detail, **error.extra}, default=str), err=True)
        sys.exit(1)
    click.echo(json.dumps({"organisation_id": str(organisation.id), "admin_id": str(admin.id),
                           "token": token}))


@main.command(help="Load (or refresh) the demo programme; prints one token per role.")
@click.option("--trainees", default=300, show_default=True, help="How many trainees to generate.")
@click.option("--seed", default=1400, show_default=True)
def demo(trainees: int, seed: int) -> None:
    from service.demo.loader import load_demo

    pathways = build()
    _upgrade(pathways.engine)
    result = load_demo(pathways, trainees=trainees, seed=seed)
    for role, token in result["tokens"].items():
        click.echo(f"{role:<11} {token}")
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


# The event pipeline's and the metrics' commands live with them; only this entry point wires them in.
from workers.cli import COMMANDS as _WORKER_COMMANDS  # noqa: E402

from service.metrics.cli import metrics as _metrics  # noqa: E402
from service.imports.cli import import_group as _import_group  # noqa: E402

for _command in (*_WORKER_COMMANDS, _metrics):
    main.add_command(_command)
main.add_command(_import_group)


if __name__ == "__main__":
    main()
