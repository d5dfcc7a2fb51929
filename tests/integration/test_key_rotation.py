"""Key rotation (issue 18, keys): `pathways keys rotate` moves every ciphertext and keyed hash to the current
keys while the service answers; `pathways keys status` counts the values under each key id."""

from __future__ import annotations

import dataclasses
import secrets
import threading

from click.testing import CliRunner

from service.app import create_app
from service.bootstrap import Pathways
from service.cli import main
from service.domain.roles import Role
from service.services import keys, organisations, users
from service.services.pii import NationalIdVault
from tests import factories
from tests.api.helpers import ok, url

K2_HASH, K2_ENCRYPTION = secrets.token_bytes(32), secrets.token_bytes(32)


def with_k2_current(pathways: Pathways) -> Pathways:
    """The same database, restarted with k2 first and the old k1 kept: as an operator starts a rotation."""
    config = dataclasses.replace(pathways.config, pii_hash_keys=(("k2", K2_HASH), *pathways.config.pii_hash_keys),
                                 pii_encryption_keys=(("k2", K2_ENCRYPTION), *pathways.config.pii_encryption_keys))
    return dataclasses.replace(pathways, config=config,
                               vault=NationalIdVault(config.pii_hash_keys, config.pii_encryption_keys))


def caseworker_of(pathways: Pathways, slug: str) -> dict:
    _organisation, admin, token = organisations.bootstrap(pathways.uow(), slug=slug, name=slug, country="TR",
                                                          admin_email=f"admin@{slug}.example")
    _user, caseworker = users.create(pathways.uow(actor_id=admin.id), users.authenticate(pathways.uow(), token),
                                     {"email": f"caseworker@{slug}.example", "role": Role.CASEWORKER})
    return {"Authorization": f"Bearer {caseworker}"}


def register(client, headers, people: int) -> dict[str, str]:
    """National id -> trainee id of newly registered people."""
    registered = {}
    for _ in range(people):
        national_id = factories.tckn()
        registered[national_id] = ok(client.post(url("/trainees"), json=factories.trainee_body(
            national_id=national_id), headers=headers), 201)["id"]
    return registered


def found(client, headers, national_id: str) -> list[str]:
    return [t["id"] for t in ok(client.get(url("/trainees"), query_string={"document": national_id},
                                           headers=headers))["items"]]


def under(pathways: Pathways) -> dict:
    return {column: dict(counts) for column, counts in keys.status(pathways.engine, pathways.vault).items()}


def test_rotation_moves_every_value_to_k2_and_old_values_read_meanwhile(sqlite_pathways, monkeypatch):
    headers = caseworker_of(sqlite_pathways, "rotation-sqlite")
    people = register(create_app(pathways=sqlite_pathways).test_client(), headers, 5)
    rotating = with_k2_current(sqlite_pathways)
    client = create_app(pathways=rotating).test_client()
    assert under(rotating)["trainees.national_id_hash"] == {"k1": 5}
    # Before the rotation: found (and refused again as duplicates) under k1, new people stored under k2.
    assert all(found(client, headers, number) == [trainee] for number, trainee in people.items())
    first = next(iter(people))
    assert client.post(url("/trainees"), json=factories.trainee_body(national_id=first),
                       headers=headers).status_code == 409
    people |= register(client, headers, 1)
    assert under(rotating)["trainee_documents.number_ciphertext"] == {"k1": 5, "k2": 1}

    monkeypatch.setattr("service.keys_cli.build", lambda: rotating)
    rotated = CliRunner().invoke(main, ["keys", "rotate", "--batch-size", "2"])
    assert rotated.exit_code == 0, rotated.output
    assert "Rotated 10 of 12 values (trainees 5, trainee_documents 5, import_jobs 0)" in rotated.output
    status = CliRunner().invoke(main, ["keys", "status"])
    assert "trainees.national_id_hash: k2*: 6" in status.output and "k1:" not in status.output.split("\n", 1)[1]
    assert all(counts == {"k2": 6} for counts in under(rotating).values() if counts)
    assert all(found(client, headers, number) == [trainee] for number, trainee in people.items())
    again = CliRunner().invoke(main, ["keys", "rotate"])
    assert "Rotated 0 of 12 values" in again.output  # resumable: what is current is left as it is
    # k1 can now go: the service works with k2 alone.
    k2_only = dataclasses.replace(rotating, vault=NationalIdVault((("k2", K2_HASH),), (("k2", K2_ENCRYPTION),)))
    assert all(found(create_app(pathways=k2_only).test_client(), headers, n) == [t] for n, t in people.items())


def test_rotation_under_load_on_postgresql_fails_no_request(committing_pg_pathways):
    """While `rotate` rewrites the rows a batch at a time, another thread keeps searching people by their
    national id through the API (as the service, already restarted with k2 current and k1 kept): 0 failures."""
    headers = caseworker_of(committing_pg_pathways, f"rotation-{secrets.token_hex(4)}")
    people = register(create_app(pathways=committing_pg_pathways).test_client(), headers, 40)
    rotating = with_k2_current(committing_pg_pathways)
    client = create_app(pathways=rotating).test_client()
    numbers = list(people)
    reads, failures, stop = [0], [], threading.Event()
    read_since_batch = threading.Semaphore(0)

    def keep_reading() -> None:
        while not stop.is_set():
            number = numbers[reads[0] % len(numbers)]
            try:
                answer = found(client, headers, number)
                if answer != [people[number]]:
                    failures.append((number, answer))
            except Exception as error:  # noqa: BLE001 - every failed request is counted, whatever it was
                failures.append((number, repr(error)))
            reads[0] += 1
            read_since_batch.release()

    reader = threading.Thread(target=keep_reading, daemon=True)
    reader.start()
    try:
        def between_batches(_target: str, _so_far: keys.Rotated) -> None:
            assert read_since_batch.acquire(timeout=30)  # at least one search between any two batches

        done = keys.rotate(rotating.engine, rotating.vault, batch_size=5, progress=between_batches)
    finally:
        stop.set()
        reader.join(timeout=30)
    assert failures == [] and reads[0] >= 16
    assert done.failed == 0 and done.rotated >= 2 * len(people)  # each person's national id and document
    counts = under(rotating)
    assert "k1" not in counts["trainees.national_id_hash"] and "k1" not in counts["trainee_documents.number_ciphertext"]
    assert all(found(client, headers, number) == [trainee] for number, trainee in people.items())
