"""Participation at entry: sexes non_binary and undisclosed, citizenship, each enrolment's characteristics
as at entry, and the date a follow-up's status was observed.

- `trainees.sex` takes `female`, `male`, `non_binary`, `undisclosed`. A stored `other` becomes
  `undisclosed`: the old form offered `other` for both a non-binary identity and "prefer not to
  say", and nobody can tell which a stored one meant, so no identity is guessed. The downgrade maps
  both new values back to `other`.
- `trainees.citizenship`: ISO 3166-1 alpha-2, optional.
- `enrolments.*_at_entry`: backfilled from the person's current values and the age on `enrolled_on`
  (the only values known for enrolments made before this release).
- `follow_ups.observed_on`: placement-derived records are observed on their due date; a caseworker's
  record (or an unreachable mark) on the day it was last written, the best date known.

SQLite changes a constraint by rebuilding the table, and a rebuilt table that others reference
(trainees, enrolments) would orphan their rows; `_rebuilt` keeps them (see there).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 10:40:00
"""

from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

OLD_SEXES = ('female', 'male', 'other')
NEW_SEXES = ('female', 'male', 'non_binary', 'undisclosed')
LABOUR_STATUSES = ('unemployed', 'long_term_unemployed', 'inactive', 'employed', 'in_education')
EDUCATION_LEVELS = ('primary_or_less', 'lower_secondary', 'upper_secondary', 'tertiary')
SETTLEMENT_TYPES = ('urban', 'rural')

#: The at-entry columns and the trainee's column each is backfilled from (age: computed).
AT_ENTRY = {
    'labour_status_at_entry': ('labour_status', sa.String(length=32)),
    'education_level_at_entry': ('education_level', sa.String(length=32)),
    'settlement_type_at_entry': ('settlement_type', sa.String(length=8)),
    'vulnerable_groups_at_entry': ('vulnerable_groups', sa.JSON()),
    'citizenship_at_entry': ('citizenship', sa.String(length=2)),
    'age_at_entry': (None, sa.SmallInteger()),
}
AT_ENTRY_CHECKS = {
    'labour_status_at_entry': LABOUR_STATUSES,
    'education_level_at_entry': EDUCATION_LEVELS,
    'settlement_type_at_entry': SETTLEMENT_TYPES,
}
OPEN_ENROLMENT = sa.text("status = 'enrolled'")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def _columns(table: str) -> list[str]:
    return [column['name'] for column in sa.inspect(op.get_bind()).get_columns(table)]


@contextmanager
def _rebuilt(table: str, fix: str | None = None):
    """Batch changes to a table that other tables reference, without orphaning their rows on SQLite.

    SQLite rebuilds the table (copy, drop, rename); with foreign keys on, which they are inside the
    migration's transaction, dropping a referenced table fails. So the rows are held in a temporary
    table, the table is emptied with foreign keys deferred to the commit, rebuilt empty and filled
    again, which settles every deferred violation. `fix` (SQL on `{table}`) runs on the held rows
    first: they are under no constraint there. PostgreSQL alters in place and runs `fix` after.
    """
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


def _age_on_entry() -> str:
    """Completed years on `enrolled_on` (as service.domain.people.age_on), in each dialect's SQL."""
    if _sqlite():
        def year(d): return f"CAST(strftime('%Y', {d}) AS INTEGER)"
        def day(d): return f"strftime('%m-%d', {d})"
    else:
        def year(d): return f"CAST(EXTRACT(YEAR FROM {d}) AS INTEGER)"
        def day(d): return f"to_char({d}, 'MM-DD')"
    entry, birth = 'enrolments.enrolled_on', 't.birth_date'
    return (f"{year(entry)} - {year(birth)} - CASE WHEN {day(entry)} < {day(birth)} THEN 1 ELSE 0 END")


def _day_of(column: str) -> str:
    return f'date({column})' if _sqlite() else f"CAST(({column} AT TIME ZONE 'UTC') AS DATE)"


def _sex_column(batch_op, *, values, length: int, previous_length: int) -> None:
    batch_op.drop_constraint(op.f('ck_trainees_sex'), type_='check')
    batch_op.alter_column('sex', existing_type=sa.String(length=previous_length), type_=sa.String(length=length),
                          existing_nullable=False)
    batch_op.create_check_constraint(op.f('ck_trainees_sex'), _in('sex', values))


def upgrade() -> None:
    if _sqlite():
        with _rebuilt('trainees', fix="UPDATE {table} SET sex = 'undisclosed' WHERE sex = 'other'") as batch_op:
            _sex_column(batch_op, values=NEW_SEXES, length=16, previous_length=8)
            batch_op.add_column(sa.Column('citizenship', sa.String(length=2), nullable=True))
    else:  # the new check cannot stand before the update, nor the update before the old check goes
        op.drop_constraint(op.f('ck_trainees_sex'), 'trainees', type_='check')
        op.alter_column('trainees', 'sex', existing_type=sa.String(length=8), type_=sa.String(length=16),
                        existing_nullable=False)
        op.execute("UPDATE trainees SET sex = 'undisclosed' WHERE sex = 'other'")
        op.create_check_constraint(op.f('ck_trainees_sex'), 'trainees', _in('sex', NEW_SEXES))
        op.add_column('trainees', sa.Column('citizenship', sa.String(length=2), nullable=True))

    for name, (_source, type_) in AT_ENTRY.items():
        op.add_column('enrolments', sa.Column(name, type_, nullable=True))
    copied = ', '.join(f'{name} = t.{source}' for name, (source, _type) in AT_ENTRY.items() if source)
    op.execute(f'UPDATE enrolments SET {copied}, age_at_entry = {_age_on_entry()} '
               'FROM trainees AS t WHERE t.id = enrolments.trainee_id')
    if _sqlite():  # the rebuild would keep the index without its WHERE
        op.drop_index('uq_enrolments_open', table_name='enrolments', sqlite_where=OPEN_ENROLMENT)
    with _rebuilt('enrolments') as batch_op:
        for name, (_source, type_) in AT_ENTRY.items():
            if name != 'citizenship_at_entry':
                batch_op.alter_column(name, existing_type=type_, nullable=False)
        for name, values in AT_ENTRY_CHECKS.items():
            batch_op.create_check_constraint(op.f(f'ck_enrolments_{name}'), _in(name, values))
    if _sqlite():
        op.create_index('uq_enrolments_open', 'enrolments', ['trainee_id', 'project_id'], unique=True,
                        sqlite_where=OPEN_ENROLMENT)

    op.add_column('follow_ups', sa.Column('observed_on', sa.Date(), nullable=True))
    op.execute("UPDATE follow_ups SET observed_on = due_on WHERE status = 'recorded' AND source = 'placement'")
    op.execute(f"UPDATE follow_ups SET observed_on = {_day_of('updated_at')} "
               "WHERE status IN ('recorded', 'unreachable') AND observed_on IS NULL")


def downgrade() -> None:
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_column('observed_on')

    if _sqlite():
        op.drop_index('uq_enrolments_open', table_name='enrolments', sqlite_where=OPEN_ENROLMENT)
    with _rebuilt('enrolments') as batch_op:
        for name in AT_ENTRY_CHECKS:
            batch_op.drop_constraint(op.f(f'ck_enrolments_{name}'), type_='check')
        for name in reversed(AT_ENTRY):
            batch_op.drop_column(name)
    if _sqlite():
        op.create_index('uq_enrolments_open', 'enrolments', ['trainee_id', 'project_id'], unique=True,
                        sqlite_where=OPEN_ENROLMENT)

    to_other = "UPDATE {table} SET sex = 'other' WHERE sex IN ('non_binary', 'undisclosed')"
    if _sqlite():
        with _rebuilt('trainees', fix=to_other) as batch_op:
            batch_op.drop_column('citizenship')
            _sex_column(batch_op, values=OLD_SEXES, length=8, previous_length=16)
    else:
        op.drop_column('trainees', 'citizenship')
        op.drop_constraint(op.f('ck_trainees_sex'), 'trainees', type_='check')
        op.execute(to_other.format(table='trainees'))
        op.alter_column('trainees', 'sex', existing_type=sa.String(length=16), type_=sa.String(length=8),
                        existing_nullable=False)
        op.create_check_constraint(op.f('ck_trainees_sex'), 'trainees', _in('sex', OLD_SEXES))
