"""PII keys (issue 18, keys): refused when weak or shared, read from a file or a command, several with ids,
generated beside an embedded database; values made under one key read and found under the next."""

from __future__ import annotations

import logging
import secrets
import sys
import uuid

import pytest

from service import config
from service.domain.errors import ConfigurationError
from service.services.pii import NationalIdVault

POSTGRES = {"DATABASE_URL": "postgresql://db/pathways"}
GENERATE = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'


def key() -> str:
    return secrets.token_urlsafe(32)


@pytest.mark.parametrize(("hash_key", "encryption_key", "named", "why"), [
    (" ", None, "PATHWAYS_PII_HASH_KEY", "must be set"),  # blank is unset
    ("short-but-not-empty", None, "PATHWAYS_PII_HASH_KEY", "at least 43 characters"),
    ("a" * 64, None, "PATHWAYS_PII_HASH_KEY", "too few different characters"),
    (None, "0123456789abcdef" * 4, "PATHWAYS_PII_ENCRYPTION_KEY", "repeats a shorter piece"),
    ("same", "same", "PATHWAYS_PII_ENCRYPTION_KEY", "must differ"),
])
def test_weak_short_low_variety_and_equal_keys_are_refused_naming_the_setting(hash_key, encryption_key, named,
                                                                               why):
    shared = key()
    hash_key = shared if hash_key == "same" else hash_key or key()
    encryption_key = shared if encryption_key == "same" else encryption_key or key()
    with pytest.raises(ConfigurationError) as refused:
        config.from_env({**POSTGRES, "PATHWAYS_PII_HASH_KEY": hash_key,
                         "PATHWAYS_PII_ENCRYPTION_KEY": encryption_key})
    message = str(refused.value)
    assert message.startswith(named) and why in message and GENERATE in message
    assert not hash_key.strip() or hash_key not in message  # the key itself is never repeated


def test_a_database_server_needs_its_keys_and_one_setting_of_each():
    with pytest.raises(ConfigurationError, match="PATHWAYS_PII_HASH_KEY: must be set"):
        config.from_env(POSTGRES)
    with pytest.raises(ConfigurationError, match="set only one of PATHWAYS_PII_HASH_KEYS, PATHWAYS_PII_HASH_KEY"):
        config.from_env({**POSTGRES, "PATHWAYS_PII_HASH_KEYS": f"k1:{key()}", "PATHWAYS_PII_HASH_KEY": key(),
                         "PATHWAYS_PII_ENCRYPTION_KEY": key()})


def test_keys_come_from_a_file_or_from_a_command_and_a_failing_command_stops_the_start(tmp_path):
    hash_key, encryption_key = key(), key()
    (tmp_path / "hash").write_text(hash_key + "\n")
    command = f"{sys.executable} -c 'print(\"{encryption_key}\")'"
    fetched = config.from_env({**POSTGRES, "PATHWAYS_PII_HASH_KEY_FILE": str(tmp_path / "hash"),
                               "PATHWAYS_PII_ENCRYPTION_KEY_COMMAND": command})
    direct = config.from_env({**POSTGRES, "PATHWAYS_PII_HASH_KEY": hash_key,
                              "PATHWAYS_PII_ENCRYPTION_KEY": encryption_key})
    assert fetched.pii_hash_keys == direct.pii_hash_keys and fetched.pii_encryption_keys == direct.pii_encryption_keys
    with pytest.raises(ConfigurationError, match=r"PATHWAYS_PII_ENCRYPTION_KEY_COMMAND: the key command failed "
                                                 r"\(exit status 3\) vault sealed"):
        config.from_env({**POSTGRES, "PATHWAYS_PII_HASH_KEY": hash_key, "PATHWAYS_PII_ENCRYPTION_KEY_COMMAND":
                         f"{sys.executable} -c 'import sys; sys.stderr.write(\"vault sealed\\n\"); sys.exit(3)'"})
    with pytest.raises(ConfigurationError, match="PATHWAYS_PII_HASH_KEY_FILE: cannot read the key file"):
        config.from_env({**POSTGRES, "PATHWAYS_PII_HASH_KEY_FILE": str(tmp_path / "missing"),
                         "PATHWAYS_PII_ENCRYPTION_KEY": encryption_key})


def test_several_keys_with_ids_the_first_one_current():
    new, old = key(), key()
    configured = config.from_env({**POSTGRES, "PATHWAYS_PII_HASH_KEYS": f"k2:{new}, k1:{old}",
                                  "PATHWAYS_PII_ENCRYPTION_KEY": key()})
    assert [key_id for key_id, _ in configured.pii_hash_keys] == ["k2", "k1"]
    assert [key_id for key_id, _ in configured.pii_encryption_keys] == ["k1"]
    assert configured.pii_hash_key == configured.pii_hash_keys[0][1] and len(configured.pii_hash_key) == 32
    with pytest.raises(ConfigurationError, match="PATHWAYS_PII_HASH_KEYS: write the keys as id:key"):
        config.from_env({**POSTGRES, "PATHWAYS_PII_HASH_KEYS": new, "PATHWAYS_PII_ENCRYPTION_KEY": key()})


def test_the_embedded_mode_generates_its_keys_once_beside_the_database_and_says_so(tmp_path, caplog):
    database = f"sqlite:///{tmp_path}/pathways.db"
    with caplog.at_level(logging.WARNING, logger="pathways.config"):
        first = config.from_env({"DATABASE_URL": database})
    assert "generated a random key" in caplog.text and str(tmp_path / "pii_hash.keys") in caplog.text
    assert (tmp_path / "pii_hash.keys").stat().st_mode & 0o077 == 0
    again = config.from_env({"DATABASE_URL": database})
    assert first.pii_hash_keys == again.pii_hash_keys and first.pii_encryption_keys == again.pii_encryption_keys
    assert first.pii_hash_key != first.pii_encryption_key
    # A demo database made before keys were generated stays readable under its old built-in key, as k1.
    old = tmp_path / "old"
    old.mkdir()
    (old / "pathways.db").write_bytes(b"SQLite format 3\x00")
    upgraded = config.from_env({"DATABASE_URL": f"sqlite:///{old}/pathways.db"})
    assert [key_id for key_id, _ in upgraded.pii_encryption_keys] == ["k2", "k1"]
    assert upgraded.pii_encryption_keys[1][1] == config._derive(config._EMBEDDED_SECRET, "pii_encryption")


def test_values_made_under_k1_are_read_and_found_once_k2_is_current():
    k1_hash, k1_encryption, k2_hash, k2_encryption = (secrets.token_bytes(32) for _ in range(4))
    organisation = uuid.uuid4()
    before = NationalIdVault(k1_hash, k1_encryption)  # one key: k1, as every deployment before key ids
    stored_hash = before.fingerprint(organisation, "10000000146")
    stored = before.encrypt(organisation, "10000000146")
    assert ":" not in stored_hash and stored.startswith(b"k1:")  # k1 hashes stay the bare hex digits
    legacy = stored[3:]  # a ciphertext written before key ids: nonce and sealed only
    after = NationalIdVault((("k2", k2_hash), ("k1", k1_hash)), (("k2", k2_encryption), ("k1", k1_encryption)))
    assert after.decrypt(organisation, stored) == after.decrypt(organisation, legacy) == "10000000146"
    assert after.opened(organisation, legacy)[0] == "k1"
    assert stored_hash in after.fingerprints(organisation, "10000000146")
    new = after.encrypt(organisation, "10000000146")
    assert new.startswith(b"k2:") and after.opened(organisation, new) == ("k2", "10000000146")
    assert after.fingerprint(organisation, "10000000146").startswith("k2:")
    assert after.hash_key_id_of(after.fingerprint(organisation, "10000000146")) == "k2"
    assert after.hash_key_id_of(stored_hash) == "k1"
