"""Consent with a version and withdrawal (issue 18, item 1): `consent_texts` (an organisation's consent text
per version and language, with the purposes it asks for) and `trainee_consents` (a person's consent per
purpose: which text, when, by whom; withdrawn when, by whom).

People registered before hold no rows: they agreed to the default text (version 0) for every purpose, at
their `consent_at` (service.services.consent). Nothing is backfilled, so the upgrade is instant.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 18:10:00
"""

from alembic import op
import sqlalchemy as sa

from service.db.base import UTCDateTime


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consent_texts',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('purposes', sa.JSON(), nullable=False),
    sa.Column('published_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_consent_texts_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], name=op.f('fk_consent_texts_published_by_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_texts')),
    sa.UniqueConstraint('organisation_id', 'version', 'language',
                        name=op.f('uq_consent_texts_organisation_id_version_language'))
    )
    with op.batch_alter_table('consent_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_texts_organisation_id'), ['organisation_id'], unique=False)
    op.create_table('trainee_consents',
    sa.Column('trainee_id', sa.Uuid(), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('recorded_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.Uuid(), nullable=True),
    sa.Column('withdrawn_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_trainee_consents_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_trainee_consents_trainee_id_trainees'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_trainee_consents_recorded_by_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['withdrawn_by'], ['users.id'], name=op.f('fk_trainee_consents_withdrawn_by_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainee_consents')),
    sa.UniqueConstraint('trainee_id', 'purpose', name=op.f('uq_trainee_consents_trainee_id_purpose'))
    )
    with op.batch_alter_table('trainee_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trainee_consents_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_trainee_consents_withheld', ['organisation_id', 'purpose', 'trainee_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('trainee_consents', schema=None) as batch_op:
        batch_op.drop_index('ix_trainee_consents_withheld')
        batch_op.drop_index(batch_op.f('ix_trainee_consents_organisation_id'))
    op.drop_table('trainee_consents')
    with op.batch_alter_table('consent_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_texts_organisation_id'))
    op.drop_table('consent_texts')
