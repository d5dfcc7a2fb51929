"""Composition root: config -> engine -> session factory -> units of work.

The API and the command line (and later the workers) build everything through here;
nothing connects at import time, so gunicorn can fork safely.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from service import config as config_module
from service.config import Config
from service.db import audit
from service.db.session import make_engine, make_session_factory
from service.services.pii import NationalIdVault
from service.services.unit_of_work import UnitOfWork


@dataclass
class Pathways:
    config: Config
    engine: Engine
    session_factory: sessionmaker[Session]
    vault: NationalIdVault

    def __post_init__(self) -> None:
        # Audit entries keep personal values as keyed hashes, by the vault's key (service.db.audit).
        self.session_factory.configure(info={audit.HASHER_KEY: self.vault.fingerprint})

    def uow(self, actor_id: uuid.UUID | None = None) -> UnitOfWork:
        return UnitOfWork(self.session_factory, actor_id=actor_id)

    def dispose(self) -> None:
        self.engine.dispose()


def bootstrap(config: Config | None = None) -> Pathways:
    config = config or config_module.from_env()
    engine = make_engine(config.database_url, echo=config.sql_echo)
    return Pathways(
        config=config,
        engine=engine,
        session_factory=make_session_factory(engine),
        vault=NationalIdVault(config.pii_hash_keys, config.pii_encryption_keys),
    )
