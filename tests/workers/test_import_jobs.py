"""The import page's jobs through the real worker path: PostgreSQL, RabbitMQ, the relay and every consumer on
threads as `pathways run` starts them; the `imports` consumer takes the queued job and imports it, and the
trainees' events go out through the relay."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from service.db.models import ImportJob, OutboxMessage, Trainee
from service.domain.roles import Principal, Role
from service.imports import jobs
from service.services import organisations, users
from tests import factories
from tests.workers.conftest import wait_for

HEADER = "Ad;Soyad;TC Kimlik No;Cinsiyet;Doğum Tarihi;Yerleşim;Eğitim Durumu;Çalışma Durumu;Onay\n"


def test_a_queued_import_is_run_by_the_imports_worker(broker_pathways, pipeline):
    slug = f"imp-{uuid.uuid4().hex[:10]}"
    organisation, _admin, token = organisations.bootstrap(broker_pathways.uow(), slug=slug, name=slug, country="TR",
                                                          admin_email=f"a@{slug}.org")
    signed = users.authenticate(broker_pathways.uow(), token)
    admin = Principal(signed.user_id, signed.organisation_id, Role.ADMIN)
    rows = "".join(f"Kişi{n};Kaya;{factories.tckn()};female;2000-01-0{n + 1};urban;tertiary;unemployed;evet\n"
                   for n in range(7)) + "Bad;Row;123;female;2000-01-01;urban;tertiary;unemployed;evet\n"
    upload = jobs.read_upload("kursiyerler.csv", (HEADER + rows).encode(), country="TR")
    job_id = jobs.create(broker_pathways, admin, "kursiyerler.csv", upload)
    assert jobs.start(broker_pathways.uow(), admin, job_id, {})
    assert not jobs.start(broker_pathways.uow(), admin, job_id, {})  # sent twice: queued once

    def done():
        """the job done"""
        with broker_pathways.uow() as uow:
            job = uow.session.get(ImportJob, job_id)
            return job if job.status == jobs.DONE else None

    job = wait_for(done, timeout=60)
    assert (job.processed, job.imported, job.invalid, job.duplicates) == (8, 7, 1, 0)
    with broker_pathways.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Trainee).where(
            Trainee.organisation_id == signed.organisation_id)) == 7
    # The trainees' events leave through the relay, as the API's would.
    wait_for(lambda: _unpublished(broker_pathways, organisation) == 0)


def _unpublished(pathways, organisation) -> int:
    with pathways.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.organisation_id == organisation.id, OutboxMessage.published_at.is_(None)))
