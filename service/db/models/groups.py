"""An organisation's vocabulary of groups a person may belong to (service.domain.groups)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Audited, Base, IdMixin, OrgScopedMixin, TimestampMixin, enum_check
from service.domain.groups import INDICATOR_GROUPS


class OrganisationGroup(IdMixin, OrgScopedMixin, TimestampMixin, Audited, Base):
    """One group of the organisation's vocabulary: seeded from its country profile, edited by an admin.
    A retired group (`active` false) stays valid on the records that have it; no new record may be given it."""

    __tablename__ = "organisation_groups"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),
                      CheckConstraint("feeds IS NULL OR " + enum_check("feeds", INDICATOR_GROUPS), name="feeds"))

    key: Mapped[str] = mapped_column(String(32))
    #: {language (ISO 639-1): label}; English always there.
    labels: Mapped[dict]
    #: The indicator category it feeds (service.domain.groups.INDICATOR_GROUPS), or none.
    feeds: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
