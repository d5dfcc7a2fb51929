"""`pathways relay`, `pathways worker` and `pathways events dlq …`: the event pipeline's commands."""

from __future__ import annotations

import json
import logging
import sys

import click

from service.bootstrap import bootstrap
from workers import dlq, heartbeat
from workers.runner import run_consumers, run_relay, stop_on_signals


def _logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@click.command(help="Publish outbox events to the broker (several relays may run at once).")
def relay() -> None:
    _logging()
    run_relay(bootstrap(), stop_on_signals())


@click.command(help="Run consumers (default: all of them): outcomes, ...")
@click.argument("names", nargs=-1)
def worker(names: tuple[str, ...]) -> None:
    _logging()
    if not run_consumers(bootstrap(), list(names), stop_on_signals()):
        sys.exit(1)


@click.group(help="The event pipeline.")
def events() -> None:
    pass


@events.group(name="dlq", help="Dead letters: events a consumer could not apply.")
def dead_letters() -> None:
    pass


@dead_letters.command(name="list", help="Print each dead letter as one JSON line (nothing is removed): its body "
                      "as JSON (body), else as text (body_text), else in base64 (body_base64).")
@click.option("--consumer", default=None, help="Only this consumer's dead letters.")
@click.option("--limit", default=1000, show_default=True)
def list_command(consumer: str | None, limit: int) -> None:
    letters = dlq.list_dead(bootstrap(), consumer, limit)
    for entry in letters:
        click.echo(json.dumps(entry, default=str, ensure_ascii=False))
    if not letters:
        click.echo(f"no dead letters{f' for {consumer}' if consumer else ''}", err=True)


@dead_letters.command(help="Send dead letters back to their consumer, once the cause is fixed.")
@click.option("--consumer", default=None, help="Only this consumer's dead letters.")
@click.option("--id", "message_id", default=None, help="Only the event with this id.")
def replay(consumer: str | None, message_id: str | None) -> None:
    count = dlq.replay(bootstrap(), consumer, message_id)
    click.echo(json.dumps({"replayed": count}))
    if not count:
        click.echo(f"no dead letters{f' for {consumer}' if consumer else ''}"
                   f"{f' with id {message_id}' if message_id else ''} to replay", err=True)


@click.command(name="heartbeat", help="Exit 0 while NAME (relay or worker) has beaten within --max-age seconds: "
                                      "a container healthcheck.")
@click.argument("name", type=click.Choice(["relay", "worker"]))
@click.option("--max-age", default=heartbeat.DEFAULT_MAX_AGE_SECONDS, show_default=True, type=float)
def heartbeat_command(name: str, max_age: float) -> None:
    age = heartbeat.age_seconds(name)
    if age is None or age > max_age:
        click.echo(f"{name}: no heartbeat within {max_age:.0f} s" + ("" if age is None else f" (last {age:.0f} s ago)"),
                   err=True)
        sys.exit(1)
    click.echo(f"{name}: alive (last beat {age:.1f} s ago)")


COMMANDS = (relay, worker, events, heartbeat_command)
