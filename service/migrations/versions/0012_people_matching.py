"""People matching (issue 15): normalised names and their indexes, merges of duplicates, confirmed distinct pairs.

- `trainees.normalised_name`: the name as `service.domain.names.normalise` makes it (accents and case
  away, Turkish i's alike, words sorted), computed here in Python for the people registered before, in
  chunks; searched with `ILIKE '%word%'` and compared for likely duplicates.
  PostgreSQL: `pg_trgm` and a GIN trigram index on it, so that a search for any part of a name is an
  index scan (https://www.postgresql.org/docs/current/pgtrgm.html#PGTRGM-INDEX). SQLite: a plain index.
- An index on (organisation_id, birth_date): the candidates of a registration are the organisation's
  people born that day.
- `trainees.merged_into_id`: set on a duplicate merged into another person (kept, hidden from lists, so
  that the merge can be undone).
- `trainee_merges`: each merge with the ids of what moved; `trainee_distinctions`: pairs a caseworker
  confirmed to be two people.

SQLite: trainees is rebuilt as in 0008 and 0011 (its children kept), the new columns filled in the held
copy before the rows go back.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 11:45:00
"""

from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa

from service.db.base import UTCDateTime
from service.domain.names import normalise


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

CHUNK = 5000
TRGM_INDEX = 'ix_trainees_normalised_name_trgm'
BIRTH_INDEX = 'ix_trainees_org_birth_date'


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def _columns(table: str) -> list[str]:
    return [column['name'] for column in sa.inspect(op.get_bind()).get_columns(table)]


def _fill_names(table: str) -> None:
    """Every row's normalised name, computed in Python (the same function as the service's), by id chunks."""
    bind = op.get_bind()
    after = None
    while True:
        rows = bind.execute(sa.text(
            f'SELECT id, given_name, family_name FROM {table}'
            + (' WHERE id > :after' if after is not None else '') + ' ORDER BY id LIMIT :limit'),
            {'after': after, 'limit': CHUNK}).all()
        if not rows:
            return
        bind.execute(sa.text(f'UPDATE {table} SET normalised_name = :name WHERE id = :id'),
                     [{'id': row.id, 'name': normalise(row.given_name, row.family_name)} for row in rows])
        after = rows[-1].id


@contextmanager
def _rebuilt_sqlite(table: str, prepare):
    """As in 0008/0011: the rows held aside, the table rebuilt, the rows put back; `prepare(held)` first."""
    held = f'_held_{table}'
    op.execute('PRAGMA defer_foreign_keys = ON')
    op.execute(f'CREATE TEMP TABLE {held} AS SELECT * FROM {table}')
    prepare(held)
    op.execute(f'DELETE FROM {table}')
    with op.batch_alter_table(table, schema=None, recreate='always') as batch_op:
        yield batch_op
    kept = ', '.join(name for name in _columns(table) if name in set(_columns(held)))
    op.execute(f'INSERT INTO {table} ({kept}) SELECT {kept} FROM {held}')
    op.execute(f'DROP TABLE {held}')


def _new_columns(batch_op) -> None:
    batch_op.add_column(sa.Column('normalised_name', sa.String(length=500), nullable=False))
    batch_op.add_column(sa.Column('merged_into_id', sa.Uuid(), nullable=True))
    batch_op.create_foreign_key(batch_op.f('fk_trainees_merged_into_id_trainees'), 'trainees',
                                ['merged_into_id'], ['id'])


def upgrade() -> None:
    if _sqlite():
        def prepare(held: str) -> None:
            op.execute(f'ALTER TABLE {held} ADD COLUMN normalised_name VARCHAR(500)')
            _fill_names(held)

        with _rebuilt_sqlite('trainees', prepare) as batch_op:
            _new_columns(batch_op)
        with op.batch_alter_table('trainees', schema=None) as batch_op:
            batch_op.create_index(BIRTH_INDEX, ['organisation_id', 'birth_date'], unique=False)
            batch_op.create_index(TRGM_INDEX, ['normalised_name'], unique=False)
    else:
        op.add_column('trainees', sa.Column('normalised_name', sa.String(length=500), nullable=True))
        op.add_column('trainees', sa.Column('merged_into_id', sa.Uuid(), nullable=True))
        op.create_foreign_key(op.f('fk_trainees_merged_into_id_trainees'), 'trainees', 'trainees',
                              ['merged_into_id'], ['id'])
        _fill_names('trainees')
        op.alter_column('trainees', 'normalised_name', existing_type=sa.String(length=500), nullable=False)
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.create_index(BIRTH_INDEX, 'trainees', ['organisation_id', 'birth_date'], unique=False)
        op.create_index(TRGM_INDEX, 'trainees', ['normalised_name'], unique=False, postgresql_using='gin',
                        postgresql_ops={'normalised_name': 'gin_trgm_ops'})

    op.create_table('trainee_merges',
    sa.Column('survivor_id', sa.Uuid(), nullable=False),
    sa.Column('duplicate_id', sa.Uuid(), nullable=False),
    sa.Column('moved', sa.JSON(), nullable=False),
    sa.Column('merged_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('merged_by', sa.Uuid(), nullable=True),
    sa.Column('undone_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('undone_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['duplicate_id'], ['trainees.id'], name=op.f('fk_trainee_merges_duplicate_id_trainees')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_trainee_merges_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survivor_id'], ['trainees.id'], name=op.f('fk_trainee_merges_survivor_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainee_merges'))
    )
    with op.batch_alter_table('trainee_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trainee_merges_duplicate_id'), ['duplicate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trainee_merges_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trainee_merges_survivor_id'), ['survivor_id'], unique=False)

    op.create_table('trainee_distinctions',
    sa.Column('first_id', sa.Uuid(), nullable=False),
    sa.Column('second_id', sa.Uuid(), nullable=False),
    sa.Column('confirmed_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('first_id < second_id', name=op.f('ck_trainee_distinctions_ordered')),
    sa.ForeignKeyConstraint(['first_id'], ['trainees.id'], name=op.f('fk_trainee_distinctions_first_id_trainees')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_trainee_distinctions_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['second_id'], ['trainees.id'], name=op.f('fk_trainee_distinctions_second_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainee_distinctions')),
    sa.UniqueConstraint('first_id', 'second_id', name=op.f('uq_trainee_distinctions_first_id_second_id'))
    )
    with op.batch_alter_table('trainee_distinctions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trainee_distinctions_first_id'), ['first_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trainee_distinctions_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trainee_distinctions_second_id'), ['second_id'], unique=False)


def downgrade() -> None:
    merged = op.get_bind().execute(sa.text('SELECT count(*) FROM trainees WHERE merged_into_id IS NOT NULL')).scalar()
    if merged:
        raise RuntimeError(f'{merged} people are merged into others; revision 0011 cannot tell them from anyone '
                           'else (they would appear in lists again): undo the merges first. Not done')
    op.drop_table('trainee_distinctions')
    op.drop_table('trainee_merges')
    with op.batch_alter_table('trainees', schema=None) as batch_op:
        batch_op.drop_index(TRGM_INDEX)
        batch_op.drop_index(BIRTH_INDEX)
    if _sqlite():
        with _rebuilt_sqlite('trainees', lambda _held: None) as batch_op:
            batch_op.drop_constraint(op.f('fk_trainees_merged_into_id_trainees'), type_='foreignkey')
            batch_op.drop_column('merged_into_id')
            batch_op.drop_column('normalised_name')
    else:
        op.drop_constraint(op.f('fk_trainees_merged_into_id_trainees'), 'trainees', type_='foreignkey')
        op.drop_column('trainees', 'merged_into_id')
        op.drop_column('trainees', 'normalised_name')
