"""Core records: organisations, users, projects, cohorts, trainees, enrolments, audit, outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 11:55:21.047401
"""

from alembic import op
import sqlalchemy as sa

from service.db.base import UTCDateTime


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_entries',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('action', sa.String(length=8), nullable=False),
    sa.Column('entity_type', sa.String(length=64), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('occurred_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_org_entity', ['organisation_id', 'entity_type', 'entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('idempotency_keys',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('response_body', sa.Text(), nullable=True),
    sa.Column('location', sa.String(length=500), nullable=True),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_idempotency_keys_user_id_key'))
    )
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_keys_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_idempotency_keys_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('organisations',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('slug', sa.String(length=63), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('national_id_scheme', sa.String(length=32), nullable=False),
    sa.Column('reach_target', sa.Integer(), nullable=True),
    sa.Column('share_targets', sa.JSON(), nullable=False),
    sa.Column('min_cell_size', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("national_id_scheme IN ('tr_tckn', 'se_personnummer', 'co_nit', 'gt_nit', 'generic')", name=op.f('ck_organisations_scheme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('slug', name=op.f('uq_organisations_slug'))
    )
    op.create_table('outbox',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('envelope', sa.JSON(), nullable=False),
    sa.Column('occurred_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_unpublished', ['published_at', 'id'], unique=False)

    op.create_table('projects',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('reach_target', sa.Integer(), nullable=True),
    sa.Column('share_targets', sa.JSON(), nullable=False),
    sa.Column('priority_groups', sa.JSON(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_projects_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    sa.UniqueConstraint('organisation_id', 'code', name=op.f('uq_projects_organisation_id_code'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('trainees',
    sa.Column('given_name', sa.String(length=100), nullable=False),
    sa.Column('family_name', sa.String(length=100), nullable=False),
    sa.Column('national_id_hash', sa.String(length=64), nullable=False),
    sa.Column('national_id_ciphertext', sa.LargeBinary(), nullable=False),
    sa.Column('sex', sa.String(length=8), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('district', sa.String(length=100), nullable=True),
    sa.Column('settlement_type', sa.String(length=8), nullable=False),
    sa.Column('education_level', sa.String(length=32), nullable=False),
    sa.Column('labour_status', sa.String(length=32), nullable=False),
    sa.Column('vulnerable_groups', sa.JSON(), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('consent_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("education_level IN ('primary_or_less', 'lower_secondary', 'upper_secondary', 'tertiary')", name=op.f('ck_trainees_education_level')),
    sa.CheckConstraint("labour_status IN ('unemployed', 'long_term_unemployed', 'inactive', 'employed', 'in_education')", name=op.f('ck_trainees_labour_status')),
    sa.CheckConstraint("settlement_type IN ('urban', 'rural')", name=op.f('ck_trainees_settlement_type')),
    sa.CheckConstraint("sex IN ('female', 'male', 'other')", name=op.f('ck_trainees_sex')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_trainees_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainees')),
    sa.UniqueConstraint('organisation_id', 'national_id_hash', name=op.f('uq_trainees_organisation_id_national_id_hash'))
    )
    with op.batch_alter_table('trainees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trainees_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('users',
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('employer_id', sa.Uuid(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'caseworker', 'employer', 'manager')", name=op.f('ck_users_role')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_users_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_users_token_hash'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('uq_users_active_email', ['organisation_id', 'email'], unique=True, sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))

    op.create_table('cohorts',
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('occupation', sa.String(length=4), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('district', sa.String(length=100), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_cohorts_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_cohorts_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohorts'))
    )
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohorts_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohorts_project_id'), ['project_id'], unique=False)

    op.create_table('enrolments',
    sa.Column('trainee_id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('cohort_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('enrolled_on', sa.Date(), nullable=False),
    sa.Column('exited_on', sa.Date(), nullable=True),
    sa.Column('exit_reason', sa.String(length=32), nullable=True),
    sa.Column('qualification_gained', sa.Boolean(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('enrolled', 'completed', 'dropped_out')", name=op.f('ck_enrolments_status')),
    sa.CheckConstraint('exited_on IS NULL OR exited_on >= enrolled_on', name=op.f('ck_enrolments_exit_after_entry')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_enrolments_cohort_id_cohorts')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_enrolments_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_enrolments_project_id_projects')),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_enrolments_trainee_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolments'))
    )
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolments_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolments_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolments_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolments_trainee_id'), ['trainee_id'], unique=False)
        batch_op.create_index('uq_enrolments_open', ['trainee_id', 'project_id'], unique=True, sqlite_where=sa.text("status = 'enrolled'"), postgresql_where=sa.text("status = 'enrolled'"))



def downgrade() -> None:
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_index('uq_enrolments_open', sqlite_where=sa.text("status = 'enrolled'"), postgresql_where=sa.text("status = 'enrolled'"))
        batch_op.drop_index(batch_op.f('ix_enrolments_trainee_id'))
        batch_op.drop_index(batch_op.f('ix_enrolments_project_id'))
        batch_op.drop_index(batch_op.f('ix_enrolments_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_enrolments_cohort_id'))

    op.drop_table('enrolments')
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohorts_project_id'))
        batch_op.drop_index(batch_op.f('ix_cohorts_organisation_id'))

    op.drop_table('cohorts')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('uq_users_active_email', sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))
        batch_op.drop_index(batch_op.f('ix_users_organisation_id'))

    op.drop_table('users')
    with op.batch_alter_table('trainees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trainees_organisation_id'))

    op.drop_table('trainees')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_organisation_id'))

    op.drop_table('projects')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_unpublished')

    op.drop_table('outbox')
    op.drop_table('organisations')
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_keys_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_idempotency_keys_created_at'))

    op.drop_table('idempotency_keys')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_organisation_id'))
        batch_op.drop_index('ix_audit_entries_org_entity')

    op.drop_table('audit_entries')
