"""The metrics read model of issue 14: characteristics at entry per participation, participants (first entry,
final exit), upon-leaving and checkpoint facts; groups keyed by enrolment.

The read model is derived data (service.metrics.facts), so its tables are dropped and made again empty
rather than converted, and every organisation is marked `rebuild_needed` in metric_state: the metrics
consumer rebuilds a marked organisation from the records as soon as it runs (and clears the mark), as
`pathways metrics rebuild` does at once. Until then `pathways metrics verify` reports the organisation's
people as missing from the read model, and the reports count only the people refreshed since. Rollups
are deleted: their queries changed, and the consumer makes them again from this release's code.

The downgrade makes the old tables again, empty: run the old release's `pathways metrics rebuild`.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 11:15:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _drop_read_model(tables) -> None:
    op.execute(sa.text('DELETE FROM metric_rollup_values'))
    op.execute(sa.text('DELETE FROM metric_rollups'))
    for table in tables:  # children first
        op.drop_table(table)


def _participants(sex_length: int, *old_columns: sa.Column) -> None:
    op.create_table('metric_participants',
    sa.Column('trainee_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('sex', sa.String(length=sex_length), nullable=False),
    *old_columns,
    sa.Column('district', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_metric_participants_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('trainee_id', name=op.f('pk_metric_participants'))
    )
    with op.batch_alter_table('metric_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metric_participants_organisation_id'), ['organisation_id'], unique=False)


def _enrolments(*columns: sa.Column, indexes=()) -> None:
    op.create_table('metric_enrolments',
    sa.Column('enrolment_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('trainee_id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=False),
    *columns,
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_metric_enrolments_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['trainee_id'], ['metric_participants.trainee_id'], name=op.f('fk_metric_enrolments_trainee_id_metric_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enrolment_id', name=op.f('pk_metric_enrolments'))
    )
    with op.batch_alter_table('metric_enrolments', schema=None) as batch_op:
        batch_op.create_index('ix_metric_enrolments_org_enrolled_on', ['organisation_id', 'enrolled_on'], unique=False)
        batch_op.create_index('ix_metric_enrolments_org_project_enrolled_on', ['organisation_id', 'project_id', 'enrolled_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_metric_enrolments_trainee_id'), ['trainee_id'], unique=False)
        for name, columns in indexes:
            batch_op.create_index(name, columns, unique=False)


def upgrade() -> None:
    _drop_read_model(('metric_participant_groups', 'metric_enrolments', 'metric_participants'))
    _participants(16)
    _enrolments(
        sa.Column('cohort_id', sa.Uuid(), nullable=True),
        sa.Column('age_at_entry', sa.SmallInteger(), nullable=True),
        sa.Column('age_band', sa.String(length=8), nullable=True),
        sa.Column('labour_status', sa.String(length=32), nullable=False),
        sa.Column('employment_category', sa.String(length=16), nullable=False),
        sa.Column('education_level', sa.String(length=32), nullable=False),
        sa.Column('settlement_type', sa.String(length=8), nullable=False),
        sa.Column('citizenship', sa.String(length=2), nullable=True),
        sa.Column('third_country', sa.Boolean(), nullable=False),
        sa.Column('enrolled_on', sa.Date(), nullable=False),
        sa.Column('entered_on', sa.Date(), nullable=False),
        sa.Column('first_entry', sa.Boolean(), nullable=False),
        sa.Column('final', sa.Boolean(), nullable=False),
        sa.Column('left_on', sa.Date(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('exited_on', sa.Date(), nullable=True),
        sa.Column('exit_reason', sa.String(length=32), nullable=True),
        sa.Column('qualification_gained', sa.Boolean(), nullable=True),
        sa.Column('placed_on', sa.Date(), nullable=True),
        sa.Column('placed_wage', sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column('placed_currency', sa.String(length=3), nullable=True),
        sa.Column('job_occupation', sa.String(length=4), nullable=True),
        sa.Column('job_sector', sa.String(length=1), nullable=True),
        sa.Column('exit_status', sa.String(length=16), nullable=True),
        sa.Column('leaving_status', sa.String(length=16), nullable=True),
        sa.Column('leaving_formal', sa.Boolean(), nullable=False),
        sa.Column('month_6_status', sa.String(length=16), nullable=True),
        sa.Column('month_6_employment', sa.String(length=16), nullable=True),
        sa.Column('month_12_status', sa.String(length=16), nullable=True),
        sa.Column('month_12_employment', sa.String(length=16), nullable=True),
        sa.Column('result_leaving', sa.String(length=16), nullable=True),
        sa.Column('result_qualification', sa.Boolean(), nullable=False),
        sa.Column('result_employed_6m', sa.Boolean(), nullable=False),
        sa.Column('improved_6m', sa.Boolean(), nullable=False),
        indexes=(('ix_metric_enrolments_org_exited_on', ['organisation_id', 'exited_on']),
                 ('ix_metric_enrolments_org_entered_on', ['organisation_id', 'entered_on']),
                 ('ix_metric_enrolments_org_left_on', ['organisation_id', 'left_on'])))
    op.create_table('metric_enrolment_groups',
    sa.Column('enrolment_id', sa.Uuid(), nullable=False),
    sa.Column('vulnerable_group', sa.String(length=32), nullable=False),
    sa.Column('trainee_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['metric_enrolments.enrolment_id'], name=op.f('fk_metric_enrolment_groups_enrolment_id_metric_enrolments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enrolment_id', 'vulnerable_group', name=op.f('pk_metric_enrolment_groups'))
    )
    with op.batch_alter_table('metric_enrolment_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metric_enrolment_groups_trainee_id'), ['trainee_id'], unique=False)
    with op.batch_alter_table('metric_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rebuild_needed', sa.Boolean(), nullable=False, server_default=sa.false()))
    # Every organisation's read model is now empty: mark it for the metrics consumer to rebuild.
    op.execute(sa.text('UPDATE metric_state SET rebuild_needed = :yes').bindparams(yes=True))
    op.execute(sa.text('INSERT INTO metric_state (organisation_id, rebuild_needed) SELECT id, :yes FROM organisations '
                       'WHERE id NOT IN (SELECT organisation_id FROM metric_state)').bindparams(yes=True))


def downgrade() -> None:
    with op.batch_alter_table('metric_state', schema=None) as batch_op:
        batch_op.drop_column('rebuild_needed')
    _drop_read_model(('metric_enrolment_groups', 'metric_enrolments', 'metric_participants'))
    _participants(8, sa.Column('settlement_type', sa.String(length=8), nullable=False),
                  sa.Column('education_level', sa.String(length=24), nullable=False),
                  sa.Column('labour_status', sa.String(length=24), nullable=False))
    _enrolments(
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
        sa.Column('month_6_employment', sa.String(length=16), nullable=True))
    op.create_table('metric_participant_groups',
    sa.Column('trainee_id', sa.Uuid(), nullable=False),
    sa.Column('vulnerable_group', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['trainee_id'], ['metric_participants.trainee_id'], name=op.f('fk_metric_participant_groups_trainee_id_metric_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('trainee_id', 'vulnerable_group', name=op.f('pk_metric_participant_groups'))
    )
