"""Group vocabularies per organisation (issue 15, item 2), and the indicator categories at entry.

- `organisation_groups`: each organisation's groups (key, labels per language, the ESF+ category fed, active),
  seeded here from its country's profile (service.domain.countries.vocabularies) as bootstrap seeds a new one.
- `enrolments.indicator_groups_at_entry`: the categories the groups at entry fed, backfilled from
  `vulnerable_groups_at_entry` by the seeded mapping (for İzmir's seven exactly what the figures counted
  before: roma → minorities, disability, migrant/refugee → foreign_background, housing_exclusion).
- `metric_enrolments.fed_*`: the four categories as facts of the read model, filled here from the backfilled
  column (no rebuild needed; the rollups' queries change, so they are dropped and made again by the consumer).

The downgrade drops all three (the old release counts by the TR keys again).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 12:00:00
"""

import json
import uuid
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

from service.db.base import UTCDateTime
from service.domain import countries
from service.domain.groups import INDICATOR_GROUPS, fed


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

CHUNK = 5000
FEEDS_CHECK = "feeds IS NULL OR feeds IN ({})".format(', '.join(f"'{name}'" for name in INDICATOR_GROUPS))
FACTS = tuple(f'fed_{name}' for name in INDICATOR_GROUPS)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def _seed(bind) -> dict:
    """Every organisation's default vocabulary, as rows; returns {organisation_id: {key: feeds}}."""
    now = datetime.now(timezone.utc)
    table = sa.table('organisation_groups', sa.column('id', sa.Uuid()), sa.column('organisation_id', sa.Uuid()),
                     sa.column('key', sa.String()), sa.column('labels', sa.JSON()), sa.column('feeds', sa.String()),
                     sa.column('active', sa.Boolean()), sa.column('created_at', UTCDateTime(timezone=True)),
                     sa.column('updated_at', UTCDateTime(timezone=True)))
    mappings, rows = {}, []
    for organisation_id, country in bind.execute(sa.text('SELECT id, country FROM organisations')).all():
        organisation_id = organisation_id if isinstance(organisation_id, uuid.UUID) else uuid.UUID(str(organisation_id))
        vocabulary = countries.profile(country).groups
        mappings[organisation_id] = {group.key: group.feeds for group in vocabulary}
        rows.extend({'id': uuid.uuid4(), 'organisation_id': organisation_id, 'key': group.key,
                     'labels': group.labels(), 'feeds': group.feeds, 'active': True, 'created_at': now,
                     'updated_at': now} for group in vocabulary)
    if rows:
        bind.execute(table.insert(), rows)
    return mappings


def _backfill(bind, mappings: dict) -> None:
    """Each enrolment's categories at entry from its groups at entry; the read model's facts beside them."""
    enrolments = sa.table('enrolments', sa.column('id', sa.Uuid()), sa.column('organisation_id', sa.Uuid()),
                          sa.column('vulnerable_groups_at_entry', sa.JSON()),
                          sa.column('indicator_groups_at_entry', sa.JSON()))
    facts = sa.table('metric_enrolments', sa.column('enrolment_id', sa.Uuid()),
                     *(sa.column(name, sa.Boolean()) for name in FACTS))
    set_groups = (enrolments.update().where(enrolments.c.id == sa.bindparam('b_id'))
                  .values(indicator_groups_at_entry=sa.bindparam('b_fed')))
    set_facts = (facts.update().where(facts.c.enrolment_id == sa.bindparam('b_id'))
                 .values({name: sa.bindparam('b_' + name) for name in FACTS}))
    after = None
    while True:
        stmt = sa.select(enrolments.c.id, enrolments.c.organisation_id, enrolments.c.vulnerable_groups_at_entry)
        if after is not None:
            stmt = stmt.where(enrolments.c.id > after)
        rows = bind.execute(stmt.order_by(enrolments.c.id).limit(CHUNK)).all()
        if not rows:
            return
        changed = []
        for row in rows:
            groups = row.vulnerable_groups_at_entry
            groups = json.loads(groups) if isinstance(groups, str) else (groups or [])
            categories = fed(groups, mappings.get(row.organisation_id, {}))
            if categories:
                changed.append({'b_id': row.id, 'b_fed': categories,
                                **{'b_' + name: name[len('fed_'):] in categories for name in FACTS}})
        if changed:
            bind.execute(set_groups, [{'b_id': c['b_id'], 'b_fed': c['b_fed']} for c in changed])
            bind.execute(set_facts, [{key: value for key, value in c.items() if key != 'b_fed'} for c in changed])
        after = rows[-1].id


def upgrade() -> None:
    op.create_table('organisation_groups',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('feeds', sa.String(length=32), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint(FEEDS_CHECK, name=op.f('ck_organisation_groups_feeds')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_groups_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_groups')),
    sa.UniqueConstraint('organisation_id', 'key', name=op.f('uq_organisation_groups_organisation_id_key'))
    )
    with op.batch_alter_table('organisation_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_groups_organisation_id'), ['organisation_id'], unique=False)
    # Plain ADD COLUMNs (nullable or with a server default, SQLite adds them in place: no table is rebuilt).
    op.add_column('enrolments', sa.Column('indicator_groups_at_entry', sa.JSON(), nullable=True))
    op.execute("UPDATE enrolments SET indicator_groups_at_entry = '[]'")
    for name in FACTS:
        op.add_column('metric_enrolments', sa.Column(name, sa.Boolean(), server_default=sa.false(), nullable=False))
    bind = op.get_bind()
    _backfill(bind, _seed(bind))
    # The reports' queries read the new facts: rollups of the old queries are never asked again.
    op.execute('DELETE FROM metric_rollup_values')
    op.execute('DELETE FROM metric_rollups')


def downgrade() -> None:
    for name in FACTS:
        _drop_column('metric_enrolments', name)
    _drop_column('enrolments', 'indicator_groups_at_entry')
    op.execute('DELETE FROM metric_rollup_values')
    op.execute('DELETE FROM metric_rollups')
    with op.batch_alter_table('organisation_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_groups_organisation_id'))
    op.drop_table('organisation_groups')


def _drop_column(table: str, column: str) -> None:
    # SQLite (3.35+) drops a column in place: a batch rebuild would need every child table held aside.
    if _sqlite():
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
    else:
        op.drop_column(table, column)
