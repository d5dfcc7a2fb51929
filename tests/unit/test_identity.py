"""Ids, tokens, cursors, national-id protection and configuration."""

import hashlib
import hmac
import uuid

import pytest

from service import config
from service.domain.errors import ConfigurationError, ValidationFailed
from service import ids
from service.ids import new_id, new_ids
from service.services import tokens
from service.services.pii import NationalIdVault
from service.services.queries import decode_cursor, encode_cursor


def test_ids_are_version_7_and_time_ordered():
    ids = [new_id() for _ in range(200)]
    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in ids)
    assert [i.int >> 80 for i in ids] == sorted(i.int >> 80 for i in ids)


def test_ids_made_in_bulk_increase_after_and_before_single_ones(monkeypatch):
    before = new_id()
    bulk = new_ids(500)
    reserved = ids.reserve(3)
    after = new_id()
    assert bulk[-1] < reserved.ids()[0] < reserved.ids()[2] < after
    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in bulk)
    assert [before, *bulk, after] == sorted({before, *bulk, after})  # strictly increasing
    assert new_ids(0) == []

    # A counter about to overflow carries into the next millisecond, as new_id does.
    monkeypatch.setattr(ids.time, "time_ns", lambda: 5 * 1_000_000)
    monkeypatch.setattr(ids, "_last", (5 << 74) | ((1 << 74) - 3))
    carried = new_ids(4)
    assert [(i.int >> 80) for i in carried] == [5, 5, 6, 6]
    assert carried == sorted(set(carried)) and new_id() > carried[-1]


def test_tokens_are_random_and_stored_as_digests():
    first, second = tokens.new_token(), tokens.new_token()
    assert first != second and first.startswith(tokens.PREFIX)
    assert tokens.digest(first) == tokens.digest(first) != tokens.digest(second)
    assert first not in tokens.digest(first)


def test_cursor_round_trip_and_garbage():
    record_id = new_id()
    assert decode_cursor(encode_cursor(record_id)) == record_id
    with pytest.raises(ValidationFailed):
        decode_cursor("not-a-cursor!")


def test_vault_hash_is_keyed_per_organisation_and_ciphertext_round_trips():
    vault = NationalIdVault(b"k" * 32, b"e" * 32)
    org_a, org_b = uuid.uuid4(), uuid.uuid4()
    # HMAC-SHA256 of the organisation and the id: stored fingerprints must never change.
    assert NationalIdVault(b"k" * 32, b"e" * 32).fingerprint(uuid.UUID(int=1), "10000000146") == \
        hmac.new(b"k" * 32, uuid.UUID(int=1).bytes + b"10000000146", hashlib.sha256).hexdigest()
    assert vault.fingerprint(org_a, "10000000146") == vault.fingerprint(org_a, "10000000146")
    assert vault.fingerprint(org_a, "10000000146") != vault.fingerprint(org_b, "10000000146")
    assert NationalIdVault(b"x" * 32, b"e" * 32).fingerprint(org_a, "10000000146") != vault.fingerprint(
        org_a, "10000000146")
    sealed = vault.encrypt(org_a, "10000000146")
    assert b"10000000146" not in sealed
    assert vault.decrypt(org_a, sealed) == "10000000146"
    with pytest.raises(Exception):
        vault.decrypt(org_b, sealed)  # bound to its organisation


def test_embedded_mode_has_defaults_but_a_real_database_needs_secrets():
    assert config.from_env({}).is_sqlite
    with pytest.raises(ConfigurationError):
        config.from_env({"DATABASE_URL": "postgresql://db/pathways"})
    configured = config.from_env({"DATABASE_URL": "postgres://db/pathways",
                                  "PATHWAYS_PII_HASH_KEY": "o-CIFAAGRx-Hj5YJhg3odH3HNiso2InZ5zEyRdBi-b4",
                                  "PATHWAYS_PII_ENCRYPTION_KEY": "N6U3ySs4sh17VVh7D_eF2MAqTmsLBWFlVpi9esqFlvA"})
    assert configured.database_url == "postgresql+psycopg://db/pathways"
    assert len(configured.pii_encryption_key) == 32
