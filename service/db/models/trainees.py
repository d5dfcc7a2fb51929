"""Trainees; the national id is kept only as a keyed hash and a ciphertext.

The national id is the person's document of the organisation's primary type (see TraineeDocument,
which holds every document); a person without one has neither column, and one registered without
any document has a `no_document_reason`.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from service.db.base import Audited, Base, IdMixin, OrgScopedMixin, TimestampMixin, enum_check
from service.domain import names, people
from service.domain.documents import NO_DOCUMENT_REASONS

if TYPE_CHECKING:
    from service.db.models.documents import TraineeDocument

#: The PostgreSQL ICU collation of each language's alphabet, in which names are sorted for its readers
#: (service.services.directory.collated); each has an index of the names (ix_trainees_name_<language>).
NAME_COLLATIONS = {"en": "en-x-icu", "es": "es-x-icu", "sv": "sv-x-icu", "tr": "tr-x-icu"}


class Trainee(IdMixin, OrgScopedMixin, TimestampMixin, Audited, Base):
    __tablename__ = "trainees"
    __table_args__ = (
        UniqueConstraint("organisation_id", "national_id_hash"),
        CheckConstraint(enum_check("sex", people.SEXES), name="sex"),
        CheckConstraint(enum_check("settlement_type", people.SETTLEMENT_TYPES), name="settlement_type"),
        CheckConstraint(enum_check("education_level", people.EDUCATION_LEVELS), name="education_level"),
        CheckConstraint(enum_check("labour_status", people.LABOUR_STATUSES), name="labour_status"),
        CheckConstraint(enum_check("no_document_reason", NO_DOCUMENT_REASONS), name="no_document_reason"),
        # Candidates of a registration: the organisation's people born that day.
        Index("ix_trainees_org_birth_date", "organisation_id", "birth_date"),
        # `GET /trainees?q=`: ILIKE '%word%' on PostgreSQL through pg_trgm (a plain index on SQLite).
        Index("ix_trainees_normalised_name_trgm", "normalised_name", postgresql_using="gin",
              postgresql_ops={"normalised_name": "gin_trgm_ops"}),
        # Lists of people (and of their follow-ups) by name in the reader's alphabet (migration 0018): on
        # PostgreSQL each language's index holds the names in its ICU collation, so a page by name is read
        # in order and stops at its end; plain on SQLite, which has no such collations.
        *(Index(f"ix_trainees_name_{language}", "organisation_id", "family_name", "given_name", "id",
                postgresql_ops={"family_name": f'COLLATE "{collation}"', "given_name": f'COLLATE "{collation}"'})
          for language, collation in NAME_COLLATIONS.items()),
    )
    __audit_redact__ = frozenset({"national_id_hash", "national_id_ciphertext"})
    __audit_exclude__ = Audited.__audit_exclude__ | {"normalised_name"}  # derived from the names, audited

    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    national_id_hash: Mapped[str | None] = mapped_column(String(80))
    national_id_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    no_document_reason: Mapped[str | None] = mapped_column(String(32))
    #: Loaded with the person (one query per batch of people): an answer lists them, numbers left out.
    documents: Mapped[list[TraineeDocument]] = relationship(lazy="selectin", order_by="TraineeDocument.id")
    sex: Mapped[str] = mapped_column(String(16))
    birth_date: Mapped[date]
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    district: Mapped[str | None] = mapped_column(String(100))
    settlement_type: Mapped[str] = mapped_column(String(8))
    education_level: Mapped[str] = mapped_column(String(32))
    labour_status: Mapped[str] = mapped_column(String(32))
    vulnerable_groups: Mapped[list] = mapped_column(default=list)
    citizenship: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    consent: Mapped[bool]
    consent_at: Mapped[datetime]
    #: The name as matching compares it (service.domain.names.normalise); set with the names.
    normalised_name: Mapped[str] = mapped_column(String(500), default=lambda context: names.normalise(
        context.get_current_parameters()["given_name"], context.get_current_parameters()["family_name"]))
    #: Set on a duplicate merged into another person: kept (the merge can be undone), hidden from lists.
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("trainees.id"))

    @validates("given_name", "family_name")
    def _keep_normalised_name(self, key: str, value: str) -> str:
        """Every change of a name (registration, PATCH) keeps the normal form with it."""
        given, family = (value, self.family_name) if key == "given_name" else (self.given_name, value)
        self.normalised_name = names.normalise(given, family)
        return value
