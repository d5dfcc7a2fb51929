"""Ids, tokens, cursors, national-id protection and configuration."""

import uuid

import pytest

from service import config
from service.domain.errors import ConfigurationError, ValidationFailed
from service.ids import new_id
from service.services import tokens
from service.services.pii import NationalIdVault
from service.services.queries import decode_cursor, encode_cursor


def test_ids_are_version_7_and_time_ordered():
    ids = [new_id() for _ in range(200)]
    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in ids)
    assert [i.int >> 80 for i in ids] == sorted(i.int >> 80 for i in ids)


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
                                  "PATHWAYS_PII_HASH_KEY": "a", "PATHWAYS_PII_ENCRYPTION_KEY": "b"})
    assert configured.database_url == "postgresql+psycopg://db/pathways"
    assert len(configured.pii_encryption_key) == 32
