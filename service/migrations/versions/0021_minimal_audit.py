"""Minimal copies (issue 18, items 3 and 9): audit entries keep no personal values, and a minimum cell size
below 5 keeps its reason.

- `audit_entries.changes`: every entry of a person's records (service.domain.personal_fields, as of this
  revision: copied below, so that a later change of the catalogue does not change what this step did) has
  the value of each personal field replaced by the mark "[personal]" (a created record's and an update's
  alike; a field that held no value stays as it was). Read and rewritten in batches of `BATCH` entries by id,
  on PostgreSQL and SQLite alike. The old values cannot come back: the downgrade leaves the entries as they are.
  The migration holds no key, so these old entries get no keyed hash; entries written from now on have one.
- `organisations.min_cell_size_reason`: why the minimum cell size is below 5 (nullable, no backfill).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 18:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

#: service.domain.personal_fields.PERSONAL_FIELDS at this revision.
PERSONAL_FIELDS = {
    "trainees": frozenset({
        "given_name", "family_name", "national_id_hash", "national_id_ciphertext", "no_document_reason", "sex",
        "birth_date", "phone", "email", "district", "vulnerable_groups", "citizenship"}),
    "trainee_documents": frozenset({"type", "issuing_country", "number_hash", "number_ciphertext"}),
    "enrolments": frozenset({"vulnerable_groups_at_entry", "indicator_groups_at_entry", "citizenship_at_entry"}),
    "referrals": frozenset({"note"}),
}
PERSONAL = "[personal]"
BATCH = 1000
_EMPTY = (None, "", [])

_entries = sa.table("audit_entries", sa.column("id", sa.Uuid()), sa.column("entity_type", sa.String()),
                    sa.column("changes", sa.JSON()))


def scrubbed(entity_type: str, changes: dict) -> dict | None:
    """The entry's changes without personal values, or None when it holds none."""
    hidden = PERSONAL_FIELDS.get(entity_type, frozenset())
    if not isinstance(changes, dict) or not hidden.intersection(changes):
        return None
    kept, changed = dict(changes), False
    for key in hidden.intersection(changes):
        value = changes[key]
        if value == PERSONAL or (isinstance(value, dict) and set(value) == {"personal"}):
            continue  # already minimal
        if isinstance(value, list) and len(value) == 2 and all(item in _EMPTY for item in value):
            continue  # a change between no values (e.g. [] -> null) tells nothing of the person
        if value in _EMPTY:
            continue
        kept[key], changed = PERSONAL, True
    return kept if changed else None


def upgrade() -> None:
    op.add_column('organisations', sa.Column('min_cell_size_reason', sa.String(length=500), nullable=True))
    connection = op.get_bind()
    last = None
    while True:
        stmt = (sa.select(_entries.c.id, _entries.c.entity_type, _entries.c.changes)
                .where(_entries.c.entity_type.in_(sorted(PERSONAL_FIELDS))).order_by(_entries.c.id).limit(BATCH))
        if last is not None:
            stmt = stmt.where(_entries.c.id > last)
        rows = connection.execute(stmt).all()
        if not rows:
            break
        updates = [{"entry_id": row.id, "scrubbed": kept} for row in rows
                   if (kept := scrubbed(row.entity_type, row.changes)) is not None]
        if updates:
            connection.execute(_entries.update().where(_entries.c.id == sa.bindparam("entry_id"))
                               .values(changes=sa.bindparam("scrubbed", type_=sa.JSON())), updates)
        last = rows[-1].id


def downgrade() -> None:
    # Dropped in place (SQLite 3.35+ too, as 0011 drops organisations.time_zone): a batch rebuild of the
    # organisations table would rebuild the tables that refer to it.
    op.drop_column('organisations', 'min_cell_size_reason')
