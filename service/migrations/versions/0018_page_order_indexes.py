"""Indexes of the pages' orders (issue 16, P7): people by name in each reader's alphabet, the latest cohorts, open
follow-ups by enrolment.

`trainees`: `ix_trainees_name_<language>` on (organisation_id, family_name, given_name, id) for en, es,
sv and tr. On PostgreSQL both names are indexed in the language's ICU collation (`tr-x-icu`, ...), the
one the pages sort by (service.services.directory.collated), so a page of people, or of follow-ups,
sorted by name is read in order from the index and stops at its end, instead of sorting every match (the
worklist sorted by name sorted all 645,569 open follow-ups of a million people: about 1 s). SQLite has
no such collations: its indexes are plain.

`cohorts`: `ix_cohorts_latest` on (organisation_id, starts_on DESC NULLS LAST): the people search's cohort
filter and a person's enrolment form offer the latest 500 cohorts, which were found by sorting all of them
(131,191 at a million people: 30 to 80 ms a page).

`follow_ups`: `ix_follow_ups_due_enrolment` on (enrolment_id) where status = 'due': "my" follow-ups are found
from the enrolments a caseworker created (about 8,000 at a million people), and each enrolment's closed
follow-ups were read and thrown away, and each enrolment looked up, before the open ones were found.

Created IF NOT EXISTS, so an operator of a large database may build them beforehand with CREATE INDEX
CONCURRENTLY (same names and definitions) and upgrade without locking the table. The downgrade drops them.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 18:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

COLLATIONS = {'en': 'en-x-icu', 'es': 'es-x-icu', 'sv': 'sv-x-icu', 'tr': 'tr-x-icu'}


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for language, collation in COLLATIONS.items():
        names = (f'family_name COLLATE "{collation}", given_name COLLATE "{collation}"' if postgresql
                 else 'family_name, given_name')
        op.execute(f'CREATE INDEX IF NOT EXISTS ix_trainees_name_{language} ON trainees '
                   f'(organisation_id, {names}, id)')
    op.create_index('ix_follow_ups_due_enrolment', 'follow_ups', ['enrolment_id'], unique=False,
                    postgresql_where=sa.text("status = 'due'"), sqlite_where=sa.text("status = 'due'"),
                    if_not_exists=True)
    latest = 'starts_on DESC NULLS LAST' if postgresql else 'starts_on DESC'  # SQLite's indexes take no NULLS
    op.execute(f'CREATE INDEX IF NOT EXISTS ix_cohorts_latest ON cohorts (organisation_id, {latest})')


def downgrade() -> None:
    op.drop_index('ix_cohorts_latest', table_name='cohorts')
    op.drop_index('ix_follow_ups_due_enrolment', table_name='follow_ups')
    for language in COLLATIONS:
        op.drop_index(f'ix_trainees_name_{language}', table_name='trainees')
