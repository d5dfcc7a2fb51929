"""Metrics read model (participants, participations, as_of) and the milestones consumer's state.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 14:48:17.560249
"""

from alembic import op
import sqlalchemy as sa

from service.db.base import UTCDateTime


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('metric_participants',
    sa.Column('trainee_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('sex', sa.String(length=8), nullable=False),
    sa.Column('settlement_type', sa.String(length=8), nullable=False),
    sa.Column('education_level', sa.String(length=24), nullable=False),
    sa.Column('labour_status', sa.String(length=24), nullable=False),
    sa.Column('district', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_metric_participants_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('trainee_id', name=op.f('pk_metric_participants'))
    )
    with op.batch_alter_table('metric_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metric_participants_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('metric_state',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('as_of', UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_metric_state_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_metric_state'))
    )
    op.create_table('milestones',
    sa.Column('scope_id', sa.Uuid(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=True),
    sa.Column('target', sa.Integer(), nullable=False),
    sa.Column('reached', sa.Integer(), nullable=False),
    sa.Column('reached_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_milestones_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('scope_id', 'percent', name=op.f('pk_milestones'))
    )
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestones_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('reach_counts',
    sa.Column('scope_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('reached', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_reach_counts_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('scope_id', name=op.f('pk_reach_counts'))
    )
    with op.batch_alter_table('reach_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reach_counts_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('reach_members',
    sa.Column('scope_id', sa.Uuid(), nullable=False),
    sa.Column('trainee_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_reach_members_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('scope_id', 'trainee_id', name=op.f('pk_reach_members'))
    )
    with op.batch_alter_table('reach_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reach_members_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('metric_enrolments',
    sa.Column('enrolment_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('trainee_id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('age_band', sa.String(length=8), nullable=True),
    sa.Column('enrolled_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('exited_on', sa.Date(), nullable=True),
    sa.Column('qualification_gained', sa.Boolean(), nullable=True),
    sa.Column('placed_on', sa.Date(), nullable=True),
    sa.Column('placed_wage', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('placed_currency', sa.String(length=3), nullable=True),
    sa.Column('exit_status', sa.String(length=16), nullable=True),
    sa.Column('exit_employment', sa.String(length=16), nullable=True),
    sa.Column('month_6_status', sa.String(length=16), nullable=True),
    sa.Column('month_6_employment', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_metric_enrolments_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['trainee_id'], ['metric_participants.trainee_id'], name=op.f('fk_metric_enrolments_trainee_id_metric_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enrolment_id', name=op.f('pk_metric_enrolments'))
    )
    with op.batch_alter_table('metric_enrolments', schema=None) as batch_op:
        batch_op.create_index('ix_metric_enrolments_org_enrolled_on', ['organisation_id', 'enrolled_on'], unique=False)
        batch_op.create_index('ix_metric_enrolments_org_project_enrolled_on', ['organisation_id', 'project_id', 'enrolled_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_metric_enrolments_trainee_id'), ['trainee_id'], unique=False)

    op.create_table('metric_participant_groups',
    sa.Column('trainee_id', sa.Uuid(), nullable=False),
    sa.Column('vulnerable_group', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['trainee_id'], ['metric_participants.trainee_id'], name=op.f('fk_metric_participant_groups_trainee_id_metric_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('trainee_id', 'vulnerable_group', name=op.f('pk_metric_participant_groups'))
    )


def downgrade() -> None:
    op.drop_table('metric_participant_groups')
    with op.batch_alter_table('metric_enrolments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_metric_enrolments_trainee_id'))
        batch_op.drop_index('ix_metric_enrolments_org_project_enrolled_on')
        batch_op.drop_index('ix_metric_enrolments_org_enrolled_on')

    op.drop_table('metric_enrolments')
    with op.batch_alter_table('reach_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reach_members_organisation_id'))

    op.drop_table('reach_members')
    with op.batch_alter_table('reach_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reach_counts_organisation_id'))

    op.drop_table('reach_counts')
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestones_organisation_id'))

    op.drop_table('milestones')
    op.drop_table('metric_state')
    with op.batch_alter_table('metric_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_metric_participants_organisation_id'))

    op.drop_table('metric_participants')
