"""Metric rollups: report queries over a whole scope kept as running sums (service.metrics.rollups).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 19:08:14.397404
"""

from alembic import op
import sqlalchemy as sa

from service.db.base import UTCDateTime


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('metric_rollups',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('shape', sa.String(length=64), nullable=False),
    sa.Column('keys', sa.SmallInteger(), nullable=False),
    sa.Column('scan_sql', sa.Text(), nullable=False),
    sa.Column('delta_sql', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_metric_rollups_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metric_rollups')),
    sa.UniqueConstraint('shape', name=op.f('uq_metric_rollups_shape'))
    )
    with op.batch_alter_table('metric_rollups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metric_rollups_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('metric_rollup_values',
    sa.Column('rollup_id', sa.Uuid(), nullable=False),
    sa.Column('cell', sa.Text(), nullable=False),
    sa.Column('measure', sa.SmallInteger(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['rollup_id'], ['metric_rollups.id'], name=op.f('fk_metric_rollup_values_rollup_id_metric_rollups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rollup_id', 'cell', 'measure', name=op.f('pk_metric_rollup_values'))
    )


def downgrade() -> None:
    op.drop_table('metric_rollup_values')
    with op.batch_alter_table('metric_rollups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_metric_rollups_organisation_id'))

    op.drop_table('metric_rollups')
