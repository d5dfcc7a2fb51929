"""Employer side: employers, vacancies, referrals, placements, follow-ups; users.employer_id.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:00:54.900973
"""

from alembic import op
import sqlalchemy as sa

from service.db.base import UTCDateTime


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('employers',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('tax_number', sa.String(length=32), nullable=False),
    sa.Column('sector', sa.String(length=8), nullable=False),
    sa.Column('district', sa.String(length=100), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_employers_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employers')),
    sa.UniqueConstraint('organisation_id', 'tax_number', name=op.f('uq_employers_organisation_id_tax_number'))
    )
    with op.batch_alter_table('employers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employers_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('vacancies',
    sa.Column('employer_id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('occupation', sa.String(length=4), nullable=False),
    sa.Column('positions', sa.Integer(), nullable=False),
    sa.Column('wage_monthly', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('contract_type', sa.String(length=16), nullable=False),
    sa.Column('district', sa.String(length=100), nullable=True),
    sa.Column('closes_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("contract_type IN ('permanent', 'fixed_term', 'apprenticeship', 'seasonal')", name=op.f('ck_vacancies_contract_type')),
    sa.CheckConstraint("status IN ('open', 'filled', 'closed')", name=op.f('ck_vacancies_status')),
    sa.CheckConstraint('positions >= 1', name=op.f('ck_vacancies_positions')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_vacancies_employer_id_employers')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_vacancies_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vacancies'))
    )
    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vacancies_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vacancies_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('placements',
    sa.Column('trainee_id', sa.Uuid(), nullable=False),
    sa.Column('employer_id', sa.Uuid(), nullable=False),
    sa.Column('vacancy_id', sa.Uuid(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('wage_monthly', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('hours_per_week', sa.Integer(), nullable=False),
    sa.Column('contract_type', sa.String(length=16), nullable=False),
    sa.Column('formal', sa.Boolean(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=32), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("contract_type IN ('permanent', 'fixed_term', 'apprenticeship', 'seasonal')", name=op.f('ck_placements_contract_type')),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= started_on', name=op.f('ck_placements_end_after_start')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_placements_employer_id_employers')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_placements_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_placements_trainee_id_trainees')),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], name=op.f('fk_placements_vacancy_id_vacancies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placements'))
    )
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placements_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placements_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placements_trainee_id'), ['trainee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placements_vacancy_id'), ['vacancy_id'], unique=False)

    op.create_table('follow_ups',
    sa.Column('enrolment_id', sa.Uuid(), nullable=False),
    sa.Column('trainee_id', sa.Uuid(), nullable=False),
    sa.Column('checkpoint', sa.String(length=16), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('employment_status', sa.String(length=16), nullable=True),
    sa.Column('wage_monthly', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=True),
    sa.Column('placement_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("checkpoint IN ('exit', 'month_6', 'month_12')", name=op.f('ck_follow_ups_checkpoint')),
    sa.CheckConstraint("status IN ('due', 'recorded', 'unreachable')", name=op.f('ck_follow_ups_status')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_follow_ups_enrolment_id_enrolments')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_follow_ups_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['placement_id'], ['placements.id'], name=op.f('fk_follow_ups_placement_id_placements')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_follow_ups_trainee_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups')),
    sa.UniqueConstraint('enrolment_id', 'checkpoint', name=op.f('uq_follow_ups_enrolment_id_checkpoint'))
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_trainee_id'), ['trainee_id'], unique=False)

    op.create_table('referrals',
    sa.Column('vacancy_id', sa.Uuid(), nullable=False),
    sa.Column('employer_id', sa.Uuid(), nullable=False),
    sa.Column('trainee_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('placement_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('referred', 'interviewing', 'hired', 'rejected', 'withdrawn')", name=op.f('ck_referrals_status')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_referrals_employer_id_employers')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_referrals_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['placement_id'], ['placements.id'], name=op.f('fk_referrals_placement_id_placements')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_referrals_trainee_id_trainees')),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], name=op.f('fk_referrals_vacancy_id_vacancies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_trainee_id'), ['trainee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_vacancy_id'), ['vacancy_id'], unique=False)
        batch_op.create_index('uq_referrals_open', ['trainee_id', 'vacancy_id'], unique=True, sqlite_where=sa.text("status IN ('referred', 'interviewing')"), postgresql_where=sa.text("status IN ('referred', 'interviewing')"))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_users_employer_id_employers'), 'employers', ['employer_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_employer_id_employers'), type_='foreignkey')

    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index('uq_referrals_open', sqlite_where=sa.text("status IN ('referred', 'interviewing')"), postgresql_where=sa.text("status IN ('referred', 'interviewing')"))
        batch_op.drop_index(batch_op.f('ix_referrals_vacancy_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_trainee_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_employer_id'))

    op.drop_table('referrals')
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_ups_trainee_id'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_enrolment_id'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_due_on'))

    op.drop_table('follow_ups')
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placements_vacancy_id'))
        batch_op.drop_index(batch_op.f('ix_placements_trainee_id'))
        batch_op.drop_index(batch_op.f('ix_placements_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_placements_employer_id'))

    op.drop_table('placements')
    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vacancies_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_vacancies_employer_id'))

    op.drop_table('vacancies')
    with op.batch_alter_table('employers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employers_organisation_id'))

    op.drop_table('employers')
