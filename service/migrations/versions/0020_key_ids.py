"""Keyed hashes that carry their key id (issue 18, keys): room for "<key id>:" before the 64 hex digits.

`trainees.national_id_hash` and `trainee_documents.number_hash` grow from 64 to 80 characters: a hash made
under a key other than the first (k1) is stored as "k2:<64 hex digits>" (key ids have at most 12
characters), so that keys can rotate (`pathways keys rotate`). Hashes under k1 stay the bare 64 digits,
as before: nothing stored changes, and widening a varchar on PostgreSQL rewrites neither the table nor its
indexes. SQLite does not enforce the length: there only the table's recorded schema is rewritten (as 0011
does), no row is touched and no table rebuilt. The downgrade narrows them back (on PostgreSQL it fails while any hash is under another key than k1:
rotate back to k1 first).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 18:20:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

COLUMNS = (('trainees', 'national_id_hash', True), ('trainee_documents', 'number_hash', False))


def _resize(before: int, after: int) -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        for table, column, nullable in COLUMNS:
            op.alter_column(table, column, existing_type=sa.String(length=before), type_=sa.String(length=after),
                            existing_nullable=nullable)
        return
    version = bind.execute(sa.text('PRAGMA schema_version')).scalar()
    op.execute('PRAGMA writable_schema = ON')
    for table, column, _nullable in COLUMNS:
        sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :table"),
                           {'table': table}).scalar()
        old, new = f'{column} VARCHAR({before})', f'{column} VARCHAR({after})'
        if sql.count(old) != 1:
            raise RuntimeError(f'{table}: {column} is not the column this migration knows; not changed')
        bind.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :table"),
                     {'sql': sql.replace(old, new), 'table': table})
    op.execute(f'PRAGMA schema_version = {version + 1}')
    op.execute('PRAGMA writable_schema = OFF')


def upgrade() -> None:
    _resize(64, 80)


def downgrade() -> None:
    _resize(80, 64)
