"""The metrics consumer on PostgreSQL: competing instances, redelivery, and the real broker."""

from __future__ import annotations

import json
import random
import threading
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select, text, update

from service.app import create_app
from service.db.models import MetricEnrolment, MetricParticipant, MetricState, OutboxMessage, Trainee
from service.db.models.metrics import MetricEnrolmentGroup
from service.metrics import projection
from service.metrics_cli import rebuild
from service.metrics.verification import verify
from service.services import metrics_rebuild
from tests.days import today
from tests import factories
from tests.api.conftest import employer_body, work_terms
from tests.workers.conftest import wait_for
from tests.workers.test_pipeline import _caseworker, _count
from workers.metrics import MetricsConsumer

TODAY = today()  # the organisations' (İzmir's), not the host's


def _history(client, headers, people: int, seed: int) -> uuid.UUID:
    """Trainees enrolled in one or two projects, exits, jobs and corrections; returns the organisation id."""
    rng = random.Random(seed)
    cw, admin = headers["caseworker"], headers["admin"]
    projects = [client.post("/api/v1/projects", headers=admin, json=factories.project_body()).get_json()
                for _ in range(2)]
    employer = client.post("/api/v1/employers", headers=cw, json=employer_body()).get_json()
    for n in range(people):
        trainee = client.post("/api/v1/trainees", headers=cw, json=factories.trainee_body(
            sex=rng.choice(("female", "male", "non_binary", "undisclosed")),
            district=rng.choice(("Buca", "Konak", None)),
            vulnerable_groups=rng.sample(("roma", "neet", "disability"), rng.randint(0, 2)))).get_json()
        for project in projects[:rng.randint(1, 2)]:
            enrolled_on = TODAY - timedelta(days=rng.randint(100, 400))
            enrolment = client.post("/api/v1/enrolments", headers=cw, json=factories.enrolment_body(
                trainee["id"], project["id"], enrolled_on=enrolled_on.isoformat())).get_json()
            exited_on = enrolled_on + timedelta(days=rng.randint(30, 90))
            if rng.random() < 0.5:
                client.post(f"/api/v1/enrolments/{enrolment['id']}/complete", headers=cw, json={
                    "exited_on": exited_on.isoformat(), "qualification_gained": rng.random() < 0.7})
            elif rng.random() < 0.5:
                client.post(f"/api/v1/enrolments/{enrolment['id']}/drop-out", headers=cw, json={
                    "exited_on": exited_on.isoformat(), "reason": "found_job"})
        if rng.random() < 0.4:
            started = client.post("/api/v1/placements", headers=cw, json={
                "trainee_id": trainee["id"], "employer_id": employer["id"],
                **work_terms(started_on=(TODAY - timedelta(days=rng.randint(0, 300))).isoformat())})
            assert started.status_code == 201, started.get_json()
        if n % 5 == 0:
            assert client.patch(f"/api/v1/trainees/{trainee['id']}", headers=cw,
                                json={"sex": "female", "district": "Bornova"}).status_code == 200
    return uuid.UUID(client.get("/api/v1/organisation", headers=cw).get_json()["id"])


def _events(pathways, organisation_id) -> list[dict]:
    with pathways.uow() as uow:
        return [json.loads(json.dumps(row.envelope)) for row in uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.organisation_id == organisation_id,
                                        OutboxMessage.type.in_(MetricsConsumer.routing_keys)))]


def _differences(pathways, organisation_id) -> int:
    with pathways.uow() as uow:
        return len(verify(uow.session, organisation_id)[1])


def test_competing_consumers_given_shuffled_and_repeated_events_leave_the_read_model_equal_to_the_records(
        committing_pg_pathways):
    client = create_app(pathways=committing_pg_pathways).test_client()
    organisation_id = _history(client, _caseworker(committing_pg_pathways), people=25, seed=7)
    events = _events(committing_pg_pathways, organisation_id)
    assert _differences(committing_pg_pathways, organisation_id) > 0  # nothing applied yet
    stream = events + random.Random(1).sample(events, len(events) // 3)  # a third delivered twice
    random.Random(2).shuffle(stream)
    failures: list[BaseException] = []

    def consume(share: list[dict]) -> None:
        consumer = MetricsConsumer(committing_pg_pathways)
        try:
            for body in share:
                consumer.apply(body)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=consume, args=(stream[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert _differences(committing_pg_pathways, organisation_id) == 0
    with committing_pg_pathways.uow() as uow:
        assert uow.session.get(MetricState, organisation_id).as_of == max(
            datetime.fromisoformat(e["occurred_at"]) for e in events)


def test_verify_names_a_tampered_row_and_rebuild_repairs_it(committing_pg_pathways):
    client = create_app(pathways=committing_pg_pathways).test_client()
    organisation_id = _history(client, _caseworker(committing_pg_pathways), people=8, seed=3)
    assert rebuild(committing_pg_pathways, organisation_id) == 8
    assert _differences(committing_pg_pathways, organisation_id) == 0
    with committing_pg_pathways.uow() as uow:
        victim = uow.session.scalars(select(MetricEnrolment.enrolment_id).where(
            MetricEnrolment.organisation_id == organisation_id).limit(1)).one()
        uow.session.execute(update(MetricEnrolment).where(MetricEnrolment.enrolment_id == victim)
                            .values(age_band="55+", enrolled_on=date(1999, 1, 1)))
        uow.commit()
    with committing_pg_pathways.uow() as uow:
        _checked, [difference] = verify(uow.session, organisation_id)
    assert f"enrolment {victim} differs in age_band, enrolled_on" == difference.detail
    rebuild(committing_pg_pathways, organisation_id)
    assert _differences(committing_pg_pathways, organisation_id) == 0


def test_through_rabbitmq_the_read_model_converges_on_the_records(broker_pathways, pipeline):
    client = create_app(pathways=broker_pathways).test_client()
    organisation_id = _history(client, _caseworker(broker_pathways), people=12, seed=11)

    def converged():
        """every event published and the read model equal to the records"""
        return (_count(broker_pathways, OutboxMessage, OutboxMessage.organisation_id == organisation_id,
                       OutboxMessage.published_at.is_(None)) == 0
                and _differences(broker_pathways, organisation_id) == 0)

    wait_for(converged, timeout=60)
    with broker_pathways.uow() as uow:
        rows = uow.session.scalar(select(func.count()).select_from(MetricEnrolment).where(
            MetricEnrolment.organisation_id == organisation_id))
    assert rows >= 12


def _row_versions(pathways, organisation_id) -> dict[tuple, str]:
    """Each read-model row of the organisation and its PostgreSQL row version (xmin): a rewritten row gets a new one."""
    found = {}
    with pathways.uow() as uow:
        for table, key in (("metric_participants", "trainee_id"), ("metric_enrolments", "enrolment_id"),
                           ("metric_enrolment_groups", "enrolment_id, vulnerable_group")):
            for row in uow.session.execute(text(
                    f"SELECT {key}, xmin::text FROM {table} WHERE trainee_id IN "
                    "(SELECT trainee_id FROM metric_participants WHERE organisation_id = :organisation)"),
                    {"organisation": organisation_id}):
                found[(table, *map(str, row[:-1]))] = row[-1]
    return found


def test_a_refresh_rewrites_the_rows_that_changed_and_leaves_the_others_alone(committing_pg_pathways):
    client = create_app(pathways=committing_pg_pathways).test_client()
    headers = _caseworker(committing_pg_pathways)
    cw = headers["caseworker"]
    projects = [client.post("/api/v1/projects", headers=headers["admin"], json=factories.project_body()).get_json()
                for _ in range(2)]
    people, enrolments = [], {}
    for n in range(3):
        person = client.post("/api/v1/trainees", headers=cw, json=factories.trainee_body(
            district="Buca", vulnerable_groups=["neet"])).get_json()["id"]
        people.append(person)
        for project in projects[:2 - n // 2]:  # the third person is in one project only
            enrolments[person, project["id"]] = client.post("/api/v1/enrolments", headers=cw, json=(
                factories.enrolment_body(person, project["id"], enrolled_on=(TODAY - timedelta(days=60)).isoformat())
            )).get_json()["id"]
    moved, completed, regrouped = people
    organisation_id = uuid.UUID(client.get("/api/v1/organisation", headers=cw).get_json()["id"])
    rebuild(committing_pg_pathways, organisation_id)
    before = _row_versions(committing_pg_pathways, organisation_id)

    assert client.patch(f"/api/v1/trainees/{moved}", headers=cw, json={"district": "Bornova"}).status_code == 200
    done = enrolments[completed, projects[0]["id"]]
    assert client.post(f"/api/v1/enrolments/{done}/complete", headers=cw, json={
        "exited_on": TODAY.isoformat(), "qualification_gained": True}).status_code == 200
    assert client.patch(f"/api/v1/trainees/{regrouped}", headers=cw,
                        json={"vulnerable_groups": ["roma"]}).status_code == 200
    with committing_pg_pathways.uow() as uow:
        projection.refresh(uow.session, organisation_id, [uuid.UUID(p) for p in people])
        uow.commit()
    after = _row_versions(committing_pg_pathways, organisation_id)

    rewritten = {key for key in before.keys() & after.keys() if before[key] != after[key]}
    # The groups are the participation's at entry: an open enrolment takes the person's new ones (a changed
    # participation is written again with its groups); the district is the person's.
    reentered = enrolments[regrouped, projects[0]["id"]]
    assert rewritten == {("metric_participants", moved), ("metric_enrolments", done),
                         ("metric_enrolment_groups", done, "neet"), ("metric_enrolments", reentered)}
    assert before.keys() - after.keys() == {("metric_enrolment_groups", reentered, "neet")}
    assert after.keys() - before.keys() == {("metric_enrolment_groups", reentered, "roma")}
    assert _differences(committing_pg_pathways, organisation_id) == 0

    with committing_pg_pathways.uow() as uow:  # nothing changed since: nothing is written
        projection.refresh(uow.session, organisation_id, [uuid.UUID(p) for p in people])
        uow.commit()
    assert _row_versions(committing_pg_pathways, organisation_id) == after


def test_a_read_model_marked_for_rebuild_is_rebuilt_by_the_consumer(committing_pg_pathways, monkeypatch):
    """Migration 0009 empties the read model and marks every organisation `rebuild_needed`: the metrics consumer
    rebuilds a marked organisation when it ticks, then clears the mark (and leaves the others alone)."""
    pathways = committing_pg_pathways
    client = create_app(pathways=pathways).test_client()
    organisation_id = _history(client, _caseworker(pathways), people=6, seed=5)
    assert rebuild(pathways, organisation_id) == 6
    with pathways.uow() as uow:  # what 0009 leaves: no rows, the organisation marked
        for model in (MetricEnrolmentGroup, MetricEnrolment, MetricParticipant):
            uow.session.execute(delete(model).where(model.trainee_id.in_(
                select(Trainee.id).where(Trainee.organisation_id == organisation_id))))
        uow.session.execute(update(MetricState).where(MetricState.organisation_id == organisation_id)
                            .values(rebuild_needed=True))
        uow.commit()
    assert _differences(pathways, organisation_id) == 6  # each person missing from the read model

    consumer = MetricsConsumer(pathways)
    consumer.on_tick()
    assert _differences(pathways, organisation_id) == 0
    with pathways.uow() as uow:
        assert uow.session.get(MetricState, organisation_id).rebuild_needed is False
    rebuilt = []
    monkeypatch.setattr(metrics_rebuild, "rebuild", lambda *args: rebuilt.append(args))
    consumer._last_rebuild_check = float("-inf")
    consumer.on_tick()  # nothing marked any more: nothing rebuilt
    assert rebuilt == []
