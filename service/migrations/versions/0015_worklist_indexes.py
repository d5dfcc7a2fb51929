"""Worklist indexes (issue 16, P7): an organisation's open follow-ups by due date, and the audit trail by actor.

- `follow_ups`: `ix_follow_ups_due_worklist` on (organisation_id, due_on) where status = 'due' (partial on
  PostgreSQL and SQLite alike). The worklist reads its first page in due-date order from it and stops at
  the page's end, instead of reading all follow-ups and sorting the open ones.
- `audit_entries`: `ix_audit_entries_actor` on (organisation_id, actor_id, entity_type): "my" follow-ups
  and a user's recent people look up what one user created or changed.

Both are created IF NOT EXISTS, so an operator of a large database may build them beforehand with
CREATE INDEX CONCURRENTLY (same names and definitions) and upgrade without locking the tables.
The downgrade drops both.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 15:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_follow_ups_due_worklist', 'follow_ups', ['organisation_id', 'due_on'], unique=False,
                    postgresql_where=sa.text("status = 'due'"), sqlite_where=sa.text("status = 'due'"),
                    if_not_exists=True)
    op.create_index('ix_audit_entries_actor', 'audit_entries', ['organisation_id', 'actor_id', 'entity_type'],
                    unique=False, if_not_exists=True)


def downgrade() -> None:
    op.drop_index('ix_audit_entries_actor', table_name='audit_entries')
    op.drop_index('ix_follow_ups_due_worklist', table_name='follow_ups')
