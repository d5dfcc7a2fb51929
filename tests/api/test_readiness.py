"""Readiness follows the database alone: writes go to the outbox, so a broker outage must not take the API
out of a load balancer's rotation."""

from service.app import create_app
from tests.api.helpers import ok


def test_readyz_is_ready_while_the_broker_is_unreachable(pathways):
    pathways.config = pathways.config.with_overrides(broker_url="amqp://guest:guest@127.0.0.1:1//")
    body = ok(create_app(pathways=pathways).test_client().get("/readyz"))
    assert body["status"] == "ready"
    assert body["checks"] == {"database": True}
