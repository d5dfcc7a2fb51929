"""Metric rollups keep only their shape key and sums: the SQL text columns go, and rollups are made again.

The queries are built by the code of the reports (service.metrics.rollups); rollups made from
stored SQL are deleted, and the metrics consumer (or `pathways metrics rebuild`) makes them
again from the code of this release.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 08:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _clear() -> None:
    # Values first: SQLite does not enforce the cascade unless asked.
    op.execute(sa.text('DELETE FROM metric_rollup_values'))
    op.execute(sa.text('DELETE FROM metric_rollups'))


def upgrade() -> None:
    _clear()
    with op.batch_alter_table('metric_rollups', schema=None) as batch_op:
        batch_op.drop_column('read_on')
        batch_op.drop_column('delta_sql')
        batch_op.drop_column('scan_sql')
        batch_op.drop_column('keys')


def downgrade() -> None:
    _clear()  # the older code needs each rollup's SQL, which this release never stored
    with op.batch_alter_table('metric_rollups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keys', sa.SmallInteger(), nullable=False))
        batch_op.add_column(sa.Column('scan_sql', sa.Text(), nullable=False))
        batch_op.add_column(sa.Column('delta_sql', sa.Text(), nullable=False))
        batch_op.add_column(sa.Column('read_on', sa.Date(), nullable=False))
