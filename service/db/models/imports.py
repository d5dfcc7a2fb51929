"""An import of trainees from a file uploaded on the admin's import page (service.imports.jobs)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, IdMixin, OrgScopedMixin, TimestampMixin


class ImportJob(IdMixin, OrgScopedMixin, TimestampMixin, Base):
    """One uploaded file: its cells (encrypted: they hold national ids), how its columns map to the
    trainee's fields, the admin's choices about likely duplicates, and the import's state and counts.
    Not audited: the trainees it registers are, each with its own entry."""

    __tablename__ = "import_jobs"
    __table_args__ = (Index("ix_import_jobs_status", "status", "created_at"),)

    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    file_name: Mapped[str] = mapped_column(String(255))
    #: draft (being mapped and previewed), queued, running, done, failed.
    status: Mapped[str] = mapped_column(String(16), default="draft")
    #: AES-GCM (the national-id vault's key) of the JSON {"headers": [...], "rows": [[...]], "numbers": [...]}.
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    #: One trainee field (or "") per uploaded column.
    mapping: Mapped[list] = mapped_column(JSON, default=list)
    #: Row indexes to import although they look like someone registered.
    import_anyway: Mapped[list] = mapped_column(JSON, default=list)
    rows_total: Mapped[int] = mapped_column(default=0)
    processed: Mapped[int] = mapped_column(default=0)
    imported: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    invalid: Mapped[int] = mapped_column(default=0)
    #: What the import told the rows it did not load: [[row index, field, reason], ...].
    problems: Mapped[list] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
