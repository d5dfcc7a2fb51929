"""Occupation sex shares: the reference table behind non-traditional occupations (issue 14, item 7).

Only the table: the tables shipped with Pathways (TR, SE) are read from the package and need no rows
here; an operator's national table or an admin's own is loaded into it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 11:00:00
"""

from alembic import op
import sqlalchemy as sa

from service.db.base import UTCDateTime


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('occupation_sex_shares',
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('isco_code', sa.String(length=2), nullable=False),
    sa.Column('female_share', sa.Numeric(precision=5, scale=4), nullable=False),
    sa.Column('male_share', sa.Numeric(precision=5, scale=4), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('loaded_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('female_share >= 0 AND female_share <= 1', name=op.f('ck_occupation_sex_shares_female_share')),
    sa.CheckConstraint('male_share >= 0 AND male_share <= 1', name=op.f('ck_occupation_sex_shares_male_share')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_occupation_sex_shares_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_occupation_sex_shares'))
    )
    with op.batch_alter_table('occupation_sex_shares', schema=None) as batch_op:
        batch_op.create_index('ix_occupation_sex_shares_table', ['country', 'organisation_id', 'isco_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_occupation_sex_shares_organisation_id'), ['organisation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('occupation_sex_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_occupation_sex_shares_organisation_id'))
        batch_op.drop_index('ix_occupation_sex_shares_table')
    op.drop_table('occupation_sex_shares')
