"""A person's identity documents; each number is kept only as a keyed hash and a ciphertext.

The hash is the vault's per-organisation fingerprint of the canonical number alone (not of its type),
so one number held under two types, or by two people, is found by one indexed look-up.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Audited, Base, IdMixin, OrgScopedMixin, TimestampMixin


class TraineeDocument(IdMixin, OrgScopedMixin, TimestampMixin, Audited, Base):
    __tablename__ = "trainee_documents"
    __table_args__ = (
        UniqueConstraint("organisation_id", "type", "issuing_country", "number_hash"),
        Index("ix_trainee_documents_number_hash", "organisation_id", "number_hash"),
    )
    __audit_redact__ = frozenset({"number_hash", "number_ciphertext"})

    # No ON DELETE CASCADE, as for every other record of a person: a rebuilt trainees table (SQLite)
    # would otherwise take the documents with it.
    trainee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainees.id"), index=True)
    #: A type of the catalogue (service.domain.documents); no CHECK, so a new type needs no migration.
    type: Mapped[str] = mapped_column(String(32))
    #: ISO 3166-1 alpha-2 of the state (or, for `unhcr`, the operation's country) that issued it.
    issuing_country: Mapped[str] = mapped_column(String(2))
    number_hash: Mapped[str] = mapped_column(String(80))
    number_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
