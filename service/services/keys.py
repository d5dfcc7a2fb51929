"""Key rotation: move every national-id ciphertext and keyed hash to the current keys, while the service runs.

Rows are read in id order, a batch at a time, each batch in its own short transaction. A row is written
only if it still holds what was read (an edit made meanwhile was already made with the current keys), so
no lock is held beyond the batch and readers never wait. The service opens and finds values under every
configured key, so requests are answered during the whole rotation. Stopped at any point, it is run
again: what is under the current keys is left as it is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from sqlalchemy import Column, Table, and_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from service.db.models import ImportJob, Trainee, TraineeDocument
from service.services.pii import NationalIdVault, UnknownKey

BATCH_SIZE = 500


@dataclass(frozen=True)
class Target:
    """One table's protected values: a ciphertext, and the keyed hash of what it holds (if any)."""

    name: str
    table: Table
    ciphertext: str
    hash: str | None = None


TARGETS = (
    Target("trainees", Trainee.__table__, "national_id_ciphertext", "national_id_hash"),  # type: ignore[arg-type]
    Target("trainee_documents", TraineeDocument.__table__,  # type: ignore[arg-type]
           "number_ciphertext", "number_hash"),
    Target("import_jobs", ImportJob.__table__, "payload"),  # type: ignore[arg-type]
)

UNREADABLE = "unreadable"


@dataclass
class Rotated:
    scanned: int = 0
    rotated: int = 0
    #: Changed by someone else between the read and the write (already under the current keys then).
    changed_meanwhile: int = 0
    #: Opened by no configured key, or whose new hash another row already holds: left as they were.
    failed: int = 0
    by_target: dict[str, int] = field(default_factory=dict)


def _ciphertext_key(vault: NationalIdVault, row, target: Target) -> str:
    value = getattr(row, target.ciphertext)
    try:
        return vault.opened(row.organisation_id, value)[0]
    except UnknownKey as error:
        return error.key_id
    except (InvalidTag, ValueError):
        return UNREADABLE


def status(engine: Engine, vault: NationalIdVault) -> dict[str, Counter]:
    """How many values are under each key id: {"<table>.<column>": Counter({key id: count})}."""
    counts: dict[str, Counter] = {}
    with engine.connect() as connection:
        for target in TARGETS:
            columns = _columns(target)
            ciphers = counts.setdefault(f"{target.name}.{target.ciphertext}", Counter())
            hashes = counts.setdefault(f"{target.name}.{target.hash}", Counter()) if target.hash else None
            rows = connection.execution_options(yield_per=2000).execute(
                select(*columns).where(target.table.c[target.ciphertext].is_not(None)))
            for row in rows:
                ciphers[_ciphertext_key(vault, row, target)] += 1
                if hashes is not None and getattr(row, target.hash or "") is not None:
                    hashes[vault.hash_key_id_of(getattr(row, target.hash or ""))] += 1
    return counts


def _columns(target: Target) -> list[Column]:
    c = target.table.c
    return [c.id, c.organisation_id, c[target.ciphertext]] + ([c[target.hash]] if target.hash else [])


def _renewed(vault: NationalIdVault, row, target: Target) -> dict | None:
    """The row's new values, or None when it is under the current keys already."""
    ciphertext = getattr(row, target.ciphertext)
    key_id, plain = vault.opened(row.organisation_id, ciphertext)
    old_hash = getattr(row, target.hash) if target.hash else None
    hash_current = old_hash is None or vault.hash_key_id_of(old_hash) == vault.hash_key_id
    if key_id == vault.encryption_key_id and hash_current:
        return None
    values = {target.ciphertext: ciphertext if key_id == vault.encryption_key_id
              else vault.encrypt(row.organisation_id, plain)}
    if target.hash and old_hash is not None:
        values[target.hash] = vault.fingerprint(row.organisation_id, plain)
    return values


def _write(connection, target: Target, row, values: dict) -> bool:
    c = target.table.c
    unchanged = [c.id == row.id, c[target.ciphertext] == getattr(row, target.ciphertext)]
    if target.hash:
        old = getattr(row, target.hash)
        unchanged.append(c[target.hash].is_(None) if old is None else c[target.hash] == old)
    return connection.execute(update(target.table).where(and_(*unchanged)).values(**values)).rowcount == 1


def rotate(engine: Engine, vault: NationalIdVault, *, batch_size: int = BATCH_SIZE,
           progress: Callable[[str, Rotated], None] | None = None) -> Rotated:
    result = Rotated()
    for target in TARGETS:
        result.by_target[target.name] = 0
        after = None
        while True:
            with engine.connect() as connection:
                query = select(*_columns(target)).where(target.table.c[target.ciphertext].is_not(None))
                if after is not None:
                    query = query.where(target.table.c.id > after)
                rows = connection.execute(query.order_by(target.table.c.id).limit(batch_size)).all()
            if not rows:
                break
            after = rows[-1].id
            result.scanned += len(rows)
            pending = []
            for row in rows:
                try:
                    values = _renewed(vault, row, target)
                except (InvalidTag, UnknownKey, ValueError):
                    result.failed += 1
                    continue
                if values is not None:
                    pending.append((row, values))
            _apply(engine, target, pending, result)
            if progress is not None:
                progress(target.name, result)
    return result


def _apply(engine: Engine, target: Target, pending: list, result: Rotated) -> None:
    """One short transaction for the batch; row by row if one of its new hashes is held already."""
    try:
        with engine.begin() as connection:
            written = [_write(connection, target, row, values) for row, values in pending]
    except IntegrityError:
        written = []
        for row, values in pending:
            try:
                with engine.begin() as connection:
                    written.append(_write(connection, target, row, values))
            except IntegrityError:
                result.failed += 1
    done = sum(written)
    result.rotated += done
    result.by_target[target.name] += done
    result.changed_meanwhile += len(written) - done
