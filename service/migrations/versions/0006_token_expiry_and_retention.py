"""Token expiry on users; an index that lets retention purge the inbox by age.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 07:40:00
"""

from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa

from service.db.base import UTCDateTime


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_expires_at', UTCDateTime(timezone=True), nullable=True))
    # Tokens issued before expiry existed expire 90 days (the default lifetime) after this
    # migration, so nobody is locked out by the upgrade; from here on NULL means "refused".
    users = sa.table('users', sa.column('token_hash', sa.String), sa.column('token_expires_at', UTCDateTime))
    op.execute(users.update().where(users.c.token_hash.is_not(None), users.c.token_expires_at.is_(None))
               .values(token_expires_at=datetime.now(timezone.utc) + timedelta(days=90)))
    with op.batch_alter_table('processed_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_processed_events_processed_at'), ['processed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('processed_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_processed_events_processed_at'))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('token_expires_at')
