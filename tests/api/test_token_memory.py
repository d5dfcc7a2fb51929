"""Authentication remembers a token's principal for a few seconds, and forgets it when it must."""

from sqlalchemy import update

from service.db.models import User
from service.services import users
from tests.api.helpers import bearer, ok, problem, url


def test_a_token_changed_elsewhere_stops_working_within_the_ttl(client, pathways, tenant, monkeypatch):
    """Another API process replaced the token: this one trusts what it saw for at most the TTL."""
    clock = [1000.0]
    monkeypatch.setattr(users.time, "monotonic", lambda: clock[0])
    caseworker = tenant.headers["caseworker"]
    ok(client.get(url("/organisation"), headers=caseworker))  # seen, and remembered
    with pathways.uow() as uow:
        uow.session.execute(update(User).where(User.role == "caseworker").values(token_hash="replaced"))
        uow.commit()
    ok(client.get(url("/organisation"), headers=caseworker))
    clock[0] += users.PRINCIPAL_TTL_SECONDS + 0.1
    problem(client.get(url("/organisation"), headers=caseworker), 401)


def test_a_deactivated_user_is_refused_at_once_by_the_process_that_deactivated_it(client, tenant):
    admin = tenant.headers["admin"]
    created = ok(client.post(url("/users"), json={"email": "gone@example.org", "role": "manager"}, headers=admin),
                 201)
    ok(client.get(url("/organisation"), headers=bearer(created["token"])))  # remembered
    assert client.delete(url(f"/users/{created['id']}"), headers=admin).status_code == 204
    problem(client.get(url("/organisation"), headers=bearer(created["token"])), 401)
