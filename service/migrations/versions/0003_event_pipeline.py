"""Event pipeline: relay leases on outbox rows, and the processed-events inbox of the consumers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:10:24.832374
"""

from alembic import op
import sqlalchemy as sa

from service.db.base import UTCDateTime


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('processed_events',
    sa.Column('consumer', sa.String(length=64), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('processed_at', UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('consumer', 'event_id', name=op.f('pk_processed_events'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_until', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claim_token', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_claim_token'), ['claim_token'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_claim_token'))
        batch_op.drop_column('claim_token')
        batch_op.drop_column('claimed_until')

    op.drop_table('processed_events')
