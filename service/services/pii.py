"""Protection of national ids: a keyed hash to find duplicates, AES-GCM to keep them."""

from __future__ import annotations

import hashlib
import hmac
import os
import uuid

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


class NationalIdVault:
    def __init__(self, hash_key: bytes, encryption_key: bytes):
        self._keyed_hash = hmac.new(hash_key, digestmod=hashlib.sha256)  # copied per use: keyed once
        self._aead = AESGCM(encryption_key)

    def fingerprint(self, organisation_id: uuid.UUID, national_id: str) -> str:
        """Per-organisation keyed hash: equal ids collide only inside one tenant."""
        keyed = self._keyed_hash.copy()
        keyed.update(organisation_id.bytes + national_id.encode())
        return keyed.hexdigest()

    def encrypt(self, organisation_id: uuid.UUID, national_id: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, national_id.encode(), organisation_id.bytes)

    def decrypt(self, organisation_id: uuid.UUID, ciphertext: bytes) -> str:
        nonce, sealed = ciphertext[:NONCE_BYTES], ciphertext[NONCE_BYTES:]
        return self._aead.decrypt(nonce, sealed, organisation_id.bytes).decode()
