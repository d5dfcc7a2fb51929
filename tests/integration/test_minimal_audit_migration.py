"""Migration 0021 rewrites the audit entries written before it: a person's values go, the rest stays."""

from __future__ import annotations

import uuid

from sqlalchemy import insert, select

from service.clock import utcnow
from service.db.migrate import upgrade
from service.db.models import AuditEntry
from tests.integration.test_migrations import downgrade

_OLD_STYLE = {
    "trainees": ("create", {"given_name": "Fatma", "family_name": "Demirtaş", "birth_date": "1990-01-02",
                            "phone": None, "vulnerable_groups": [], "consent": True, "sex": "female"}),
    "enrolments": ("correct", {"citizenship_at_entry": ["SY", None], "age_at_entry": [25, 26], "reason": "typo"}),
    "projects": ("update", {"name": ["Old", "New"]}),
}


def test_the_migration_scrubs_old_entries(empty_engine):
    upgrade(empty_engine)
    downgrade(empty_engine, "0020")
    ids = {}
    with empty_engine.begin() as connection:
        for entity_type, (action, changes) in _OLD_STYLE.items():
            ids[entity_type] = uuid.uuid4()
            connection.execute(insert(AuditEntry.__table__).values(
                id=ids[entity_type], organisation_id=uuid.uuid4(), actor_id=None, action=action,
                entity_type=entity_type, entity_id=uuid.uuid4(), changes=changes, occurred_at=utcnow()))
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        found = dict(connection.execute(select(AuditEntry.entity_type, AuditEntry.changes)
                                        .where(AuditEntry.id.in_(ids.values()))).all())
    assert found["trainees"] == {"given_name": "[personal]", "family_name": "[personal]", "birth_date": "[personal]",
                                 "phone": None, "vulnerable_groups": [], "consent": True, "sex": "[personal]"}
    assert found["enrolments"] == {"citizenship_at_entry": "[personal]", "age_at_entry": [25, 26], "reason": "typo"}
    assert found["projects"] == {"name": ["Old", "New"]}
