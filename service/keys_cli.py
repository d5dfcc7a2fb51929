"""`pathways keys status|rotate`: how many values are under each key id; move them all to the current keys.

Rotating, step by step (README, "Personal data → keys"): give the new key first and keep the old one,
e.g. PATHWAYS_PII_ENCRYPTION_KEYS="k2:<new>,k1:<old>", restart the service's processes (they now write
under k2 and read under both), run `pathways keys rotate` (while the service runs; stopped, run it again),
check `pathways keys status` shows nothing under k1, then remove k1 and restart.
"""

from __future__ import annotations

import sys

import click

from service.bootstrap import bootstrap as build
from service.services import keys

__all__ = ["keys_group"]


@click.group("keys", help="The keys of the national-id hashes and ciphertexts: status and rotation.")
def keys_group() -> None:
    pass


@keys_group.command("status", help="How many stored values are under each key id (the current ones marked *).")
def status_command() -> None:
    pathways = build()
    try:
        vault = pathways.vault
        click.echo(f"hash keys: {', '.join(vault.hash_key_ids)} (current {vault.hash_key_id}); "
                   f"encryption keys: {', '.join(vault.encryption_key_ids)} (current {vault.encryption_key_id})")
        for column, counts in keys.status(pathways.engine, vault).items():
            current = vault.hash_key_id if column.endswith("_hash") else vault.encryption_key_id
            shown = ", ".join(f"{key_id}{'*' if key_id == current else ''}: {count}"
                              for key_id, count in sorted(counts.items())) or "none"
            click.echo(f"{column}: {shown}")
    finally:
        pathways.dispose()


@keys_group.command("rotate", help="Re-encrypt every ciphertext and recompute every keyed hash with the current "
                                   "keys, a batch at a time while the service runs; safe to stop and run again.")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=keys.BATCH_SIZE, show_default=True)
def rotate_command(batch_size: int) -> None:
    pathways = build()
    try:
        def report(target: str, so_far: keys.Rotated) -> None:
            click.echo(f"{target}: {so_far.scanned} read, {so_far.rotated} moved to the current keys", err=True)

        done = keys.rotate(pathways.engine, pathways.vault, batch_size=batch_size, progress=report)
    finally:
        pathways.dispose()
    moved = ", ".join(f"{name} {count}" for name, count in done.by_target.items())
    click.echo(f"Rotated {done.rotated} of {done.scanned} values ({moved}); {done.changed_meanwhile} changed "
               f"meanwhile (written under the current keys by the service), {done.failed} left as they were.")
    if done.failed:
        click.echo("Some values could not be moved: `pathways keys status` shows under which key; keep that key "
                   "configured.", err=True)
        sys.exit(1)
