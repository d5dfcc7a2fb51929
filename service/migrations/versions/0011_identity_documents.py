"""Identity documents: a person's documents in their own table, people without one, organisations' time zones.

- `trainee_documents`: every document of a person (type, issuing country, keyed hash and ciphertext of
  the number). Backfill: each person's national id becomes a document of the organisation's primary
  type (its `national_id_scheme`) issued by the organisation's country; hash and ciphertext are copied
  as they are (same keys), and the document takes its person's id (one each; any unique id would do).
- `trainees.national_id_hash` / `national_id_ciphertext` become nullable (a person without a document
  of the primary type has neither; the unique constraint stays, NULLs are distinct) and
  `trainees.no_document_reason` holds why someone was registered without any document.
- `organisations.national_id_scheme` takes the document types of the catalogue. CO and GT organisations
  used the NIT (a tax number) for people; they move to the cédula de ciudadanía and the CUI. Their
  people's stored numbers passed the NIT check and are kept as they are, now as documents of the new
  primary type (they cannot be re-checked here: the migration holds no key to read them).
- `organisations.time_zone`: the country profile's zone (UTC for countries without a profile).

SQLite: trainees is rebuilt as in 0008 (its children kept); organisations cannot be, as every table
cascades from it and SQLite's implicit DELETE of a dropped table runs those cascades. Its CHECK is
rewritten in the schema instead, by SQLite's own procedure for changing a CHECK
(https://www.sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes"), and its
new column is added in place with a server default.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 11:30:00
"""

from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa

from service.db.base import UTCDateTime


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

OLD_SCHEMES = ('tr_tckn', 'se_personnummer', 'co_nit', 'gt_nit', 'generic')
#: The national documents of the catalogue (passports and UNHCR numbers name no country: never primary).
NEW_SCHEMES = ('tr_tckn', 'tr_ykn', 'tr_temporary_protection', 'se_personnummer', 'se_samordningsnummer',
               'co_cc', 'co_ti', 'co_ce', 'co_ppt', 'gt_cui', 'es_dni', 'es_nie', 'generic')
#: People's schemes that were tax numbers, and the document each organisation moves to.
RENAMED = {'co_nit': 'co_cc', 'gt_nit': 'gt_cui'}
#: Downgrade: each country's scheme before this release.
OLD_PRIMARY = {'TR': 'tr_tckn', 'SE': 'se_personnummer', 'CO': 'co_nit', 'GT': 'gt_nit'}
#: The profiles' zones (service.domain.countries) as of this release; any other country: UTC.
TIME_ZONES = {'TR': 'Europe/Istanbul', 'SE': 'Europe/Stockholm', 'CO': 'America/Bogota',
              'GT': 'America/Guatemala', 'ES': 'Europe/Madrid'}
NO_DOCUMENT_REASONS = ('none_held', 'asylum_pending', 'lost_or_stolen', 'withheld', 'other')


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _case(column: str, mapping: dict[str, str], otherwise: str) -> str:
    whens = ' '.join(f"WHEN {column} = '{key}' THEN '{value}'" for key, value in mapping.items())
    return f"CASE {whens} ELSE {otherwise} END"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def _columns(table: str) -> list[str]:
    return [column['name'] for column in sa.inspect(op.get_bind()).get_columns(table)]


@contextmanager
def _rebuilt(table: str, fix: str | None = None):
    """As in 0008: batch changes to a table others reference, keeping their rows on SQLite."""
    if not _sqlite():
        with op.batch_alter_table(table, schema=None) as batch_op:
            yield batch_op
        if fix:
            op.execute(fix.format(table=table))
        return
    held = f'_held_{table}'
    op.execute('PRAGMA defer_foreign_keys = ON')
    op.execute(f'CREATE TEMP TABLE {held} AS SELECT * FROM {table}')
    if fix:
        op.execute(fix.format(table=held))
    op.execute(f'DELETE FROM {table}')
    with op.batch_alter_table(table, schema=None, recreate='always') as batch_op:
        yield batch_op
    kept = ', '.join(name for name in _columns(table) if name in set(_columns(held)))
    op.execute(f'INSERT INTO {table} ({kept}) SELECT {kept} FROM {held}')
    op.execute(f'DROP TABLE {held}')


def _change_schemes(old: tuple[str, ...], new: tuple[str, ...], update: str) -> None:
    """Replace the organisations' scheme CHECK and move the rows to the new names with `update`.

    PostgreSQL checks the rows when a constraint is added: the old one goes, the rows move, the new one
    comes. SQLite's rewritten CHECK holds for later writes only: it is rewritten first, so that the rows
    may move to names the old one refused.
    """
    if not _sqlite():
        op.drop_constraint(op.f('ck_organisations_scheme'), 'organisations', type_='check')
        op.execute(update)
        op.create_check_constraint(op.f('ck_organisations_scheme'), 'organisations', _in('national_id_scheme', new))
        return
    bind = op.get_bind()
    sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'organisations'")).scalar()
    before, after = _in('national_id_scheme', old), _in('national_id_scheme', new)
    if before not in sql:
        raise RuntimeError('organisations: the scheme CHECK is not the one this migration knows; not changed')
    version = bind.execute(sa.text('PRAGMA schema_version')).scalar()
    op.execute('PRAGMA writable_schema = ON')
    bind.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'organisations'"),
                 {'sql': sql.replace(before, after)})
    op.execute(f'PRAGMA schema_version = {version + 1}')
    op.execute('PRAGMA writable_schema = OFF')
    op.execute(update)


def upgrade() -> None:
    op.add_column('organisations', sa.Column('time_zone', sa.String(length=64), server_default='UTC', nullable=False))
    op.execute(f"UPDATE organisations SET time_zone = {_case('country', TIME_ZONES, repr('UTC'))}")
    _change_schemes(OLD_SCHEMES, NEW_SCHEMES, f"UPDATE organisations SET national_id_scheme = "
                                              f"{_case('national_id_scheme', RENAMED, 'national_id_scheme')}")

    with _rebuilt('trainees') as batch_op:
        batch_op.alter_column('national_id_hash', existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column('national_id_ciphertext', existing_type=sa.LargeBinary(), nullable=True)
        batch_op.add_column(sa.Column('no_document_reason', sa.String(length=32), nullable=True))
        batch_op.create_check_constraint(op.f('ck_trainees_no_document_reason'),
                                         _in('no_document_reason', NO_DOCUMENT_REASONS))

    op.create_table('trainee_documents',
    sa.Column('trainee_id', sa.Uuid(), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('issuing_country', sa.String(length=2), nullable=False),
    sa.Column('number_hash', sa.String(length=64), nullable=False),
    sa.Column('number_ciphertext', sa.LargeBinary(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_trainee_documents_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['trainee_id'], ['trainees.id'], name=op.f('fk_trainee_documents_trainee_id_trainees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainee_documents')),
    sa.UniqueConstraint('organisation_id', 'type', 'issuing_country', 'number_hash', name=op.f('uq_trainee_documents_organisation_id_type_issuing_country_number_hash'))
    )
    with op.batch_alter_table('trainee_documents', schema=None) as batch_op:
        batch_op.create_index('ix_trainee_documents_number_hash', ['organisation_id', 'number_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_trainee_documents_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trainee_documents_trainee_id'), ['trainee_id'], unique=False)

    op.execute('INSERT INTO trainee_documents (id, organisation_id, trainee_id, type, issuing_country, number_hash, '
               'number_ciphertext, created_at, updated_at) '
               'SELECT t.id, t.organisation_id, t.id, o.national_id_scheme, upper(o.country), t.national_id_hash, '
               't.national_id_ciphertext, t.created_at, t.created_at '
               'FROM trainees AS t JOIN organisations AS o ON o.id = t.organisation_id '
               'WHERE t.national_id_hash IS NOT NULL')


def downgrade() -> None:
    bind = op.get_bind()
    undocumented = bind.execute(sa.text(
        'SELECT count(*) FROM trainees AS t WHERE t.national_id_hash IS NULL AND NOT EXISTS '
        '(SELECT 1 FROM trainee_documents AS d WHERE d.trainee_id = t.id)')).scalar()
    if undocumented:
        raise RuntimeError(f'{undocumented} people are registered without any document; revision 0010 requires a '
                           'national id of everyone, so this downgrade would have to drop them: not done')
    # A person whose documents are all of other types keeps the earliest one as their national id.
    first = ('SELECT {column} FROM trainee_documents AS d WHERE d.trainee_id = trainees.id '
             'ORDER BY d.created_at, d.id LIMIT 1')
    op.execute(f"UPDATE trainees SET national_id_hash = ({first.format(column='d.number_hash')}), "
               f"national_id_ciphertext = ({first.format(column='d.number_ciphertext')}) "
               'WHERE national_id_hash IS NULL')

    with op.batch_alter_table('trainee_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trainee_documents_trainee_id'))
        batch_op.drop_index(batch_op.f('ix_trainee_documents_organisation_id'))
        batch_op.drop_index('ix_trainee_documents_number_hash')
    op.drop_table('trainee_documents')

    with _rebuilt('trainees') as batch_op:
        batch_op.drop_constraint(op.f('ck_trainees_no_document_reason'), type_='check')
        batch_op.drop_column('no_document_reason')
        batch_op.alter_column('national_id_ciphertext', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.alter_column('national_id_hash', existing_type=sa.String(length=64), nullable=False)

    # Every scheme 0010 does not know falls back to its country's scheme there (the CUI, cédula: the NIT).
    _change_schemes(NEW_SCHEMES, OLD_SCHEMES, (
        f"UPDATE organisations SET national_id_scheme = {_case('upper(country)', OLD_PRIMARY, repr('generic'))} "
        f"WHERE {_in('national_id_scheme', [s for s in NEW_SCHEMES if s not in OLD_SCHEMES])}"))
    op.drop_column('organisations', 'time_zone')
