"""Protection of national ids: a keyed hash to find duplicates, AES-GCM to keep them.

Every value carries the id of the key it was made with, so that keys can rotate:
- a ciphertext is stored as ``b"<key id>:" + nonce + sealed``;
- a keyed hash as ``"<key id>:<64 hex digits>"``, except under `LEGACY_KEY_ID` (k1, the first key, the id a
  single configured key gets), whose hashes are the bare 64 hex digits, as before key ids existed: the
  stored hashes, their unique indexes and every lookup of a deployment with one key stay as they were.
Ciphertexts written before key ids existed carry none (a bare nonce + sealed): they are under k1 too.

The first key of each ring is the current one: it makes every new value. The others only open (and
find) what they made until `pathways keys rotate` has moved everything to the current key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import uuid
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
#: The key id of values stored without one (before key ids existed), and of a single configured key.
LEGACY_KEY_ID = "k1"
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,12}$")

Keyring = Sequence[tuple[str, bytes]]


def keyring(keys: bytes | Keyring) -> tuple[tuple[str, bytes], ...]:
    """A ring from one key (id `LEGACY_KEY_ID`) or from (id, key) pairs, the current one first."""
    ring = ((LEGACY_KEY_ID, keys),) if isinstance(keys, bytes) else tuple(keys)
    if not ring:
        raise ValueError("a key ring needs at least one key")
    ids = [key_id for key_id, _ in ring]
    if len(set(ids)) != len(ids) or not all(KEY_ID.match(key_id) for key_id in ids):
        raise ValueError(f"key ids must be distinct, 1-12 letters, digits, '-' or '_': {ids}")
    return ring


class UnknownKey(LookupError):
    """A value made with a key that is not configured (any more)."""

    def __init__(self, key_id: str):
        super().__init__(f"a value was encrypted with key id {key_id!r}, which is not configured")
        self.key_id = key_id


class NationalIdVault:
    def __init__(self, hash_keys: bytes | Keyring, encryption_keys: bytes | Keyring):
        hashes, ciphers = keyring(hash_keys), keyring(encryption_keys)
        # Keyed once, copied per use.
        self._hashes = {key_id: hmac.new(key, digestmod=hashlib.sha256) for key_id, key in hashes}
        self._ciphers = {key_id: AESGCM(key) for key_id, key in ciphers}
        self.hash_key_id = hashes[0][0]
        self.encryption_key_id = ciphers[0][0]

    @property
    def hash_key_ids(self) -> tuple[str, ...]:
        return tuple(self._hashes)

    @property
    def encryption_key_ids(self) -> tuple[str, ...]:
        return tuple(self._ciphers)

    def _digest(self, key_id: str, organisation_id: uuid.UUID, national_id: str) -> str:
        keyed = self._hashes[key_id].copy()
        keyed.update(organisation_id.bytes + national_id.encode())
        return keyed.hexdigest()

    def _under(self, key_id: str, organisation_id: uuid.UUID, national_id: str) -> str:
        digest = self._digest(key_id, organisation_id, national_id)
        return digest if key_id == LEGACY_KEY_ID else f"{key_id}:{digest}"

    def fingerprint(self, organisation_id: uuid.UUID, national_id: str) -> str:
        """Per-organisation keyed hash under the current key, to store: equal ids collide only inside one
        tenant."""
        return self._under(self.hash_key_id, organisation_id, national_id)

    def fingerprints(self, organisation_id: uuid.UUID, national_id: str) -> list[str]:
        """Every form `national_id` may be stored under, to look it up: one per configured hash key, the
        current first (one while keys do not rotate). Each is an equality on the indexed column."""
        return [self._under(key_id, organisation_id, national_id) for key_id in self._hashes]

    @staticmethod
    def hash_key_id_of(fingerprint: str) -> str:
        key_id, colon, _ = fingerprint.rpartition(":")
        return key_id if colon else LEGACY_KEY_ID

    def encrypt(self, organisation_id: uuid.UUID, national_id: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.encryption_key_id].encrypt(nonce, national_id.encode(), organisation_id.bytes)
        return self.encryption_key_id.encode() + b":" + nonce + sealed

    def opened(self, organisation_id: uuid.UUID, ciphertext: bytes) -> tuple[str, str]:
        """The key id that opens `ciphertext`, and what it holds. The id it names is tried first; a value
        without one (or whose first bytes only happen to look like one) is tried under the legacy key."""
        ciphertext = bytes(ciphertext)
        head, colon, rest = ciphertext[:13].partition(b":")
        named = head.decode("ascii", "replace") if colon else None
        if named is not None and named in self._ciphers:
            body = rest + ciphertext[13:]
            try:
                return named, self._open(named, organisation_id, body)
            except InvalidTag:
                pass
        if LEGACY_KEY_ID in self._ciphers:
            try:
                return LEGACY_KEY_ID, self._open(LEGACY_KEY_ID, organisation_id, ciphertext)
            except InvalidTag:
                pass
        if named is not None and KEY_ID.match(named) and named not in self._ciphers:
            raise UnknownKey(named)
        raise InvalidTag()

    def _open(self, key_id: str, organisation_id: uuid.UUID, body: bytes) -> str:
        nonce, sealed = body[:NONCE_BYTES], body[NONCE_BYTES:]
        return self._ciphers[key_id].decrypt(nonce, sealed, organisation_id.bytes).decode()

    def decrypt(self, organisation_id: uuid.UUID, ciphertext: bytes) -> str:
        return self.opened(organisation_id, ciphertext)[1]
