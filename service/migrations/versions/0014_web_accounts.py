"""Web accounts (issue 16): passwords, lockout and language on users; web sessions; invitations.

- `users`: `password_hash` (argon2id), `password_changed_at`, `failed_sign_ins`, `locked_until`, `locale`.
  Plain ADD COLUMNs, nullable or with a server default: SQLite adds them in place, no table is rebuilt.
  Existing users get no password: they keep their API tokens and sign in on the web once an admin
  invites them or an operator runs `pathways users set-password`.
- `web_sessions`: one row per signed-in browser, found by the SHA-256 of its cookie.
- `user_invitations`: one-time links to set a password, found by the SHA-256 of their token.

The downgrade drops both tables and the columns (every web session and password is lost; tokens stay).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 14:30:00
"""

from alembic import op
import sqlalchemy as sa

from service.db.base import UTCDateTime


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

USER_COLUMNS = ('password_hash', 'password_changed_at', 'failed_sign_ins', 'locked_until', 'locale')


def upgrade() -> None:
    op.add_column('users', sa.Column('password_hash', sa.String(length=255), nullable=True))
    op.add_column('users', sa.Column('password_changed_at', UTCDateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('failed_sign_ins', sa.Integer(), server_default=sa.text('0'), nullable=False))
    op.add_column('users', sa.Column('locked_until', UTCDateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('locale', sa.String(length=16), nullable=True))

    op.create_table('web_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_web_sessions_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_web_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_web_sessions_token_hash'))
    )
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_sessions_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_web_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('user_invitations',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('expires_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_user_invitations_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_user_invitations_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_invitations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_invitations_token_hash'))
    )
    with op.batch_alter_table('user_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_invitations_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_invitations_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('user_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_invitations_user_id'))
        batch_op.drop_index(batch_op.f('ix_user_invitations_organisation_id'))
    op.drop_table('user_invitations')
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_sessions_user_id'))
        batch_op.drop_index(batch_op.f('ix_web_sessions_organisation_id'))
    op.drop_table('web_sessions')
    for column in reversed(USER_COLUMNS):
        # SQLite (3.35+) drops a column in place: a batch rebuild of users would need every child table held aside.
        if op.get_bind().dialect.name == 'sqlite':
            op.execute(f'ALTER TABLE users DROP COLUMN {column}')
        else:
            op.drop_column('users', column)
