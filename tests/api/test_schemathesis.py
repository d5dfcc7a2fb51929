"""schemathesis against the API in-process (WSGI) on SQLite, as an admin and as a caseworker:
every check, bounded examples. The OpenAPI document must say all the server enforces and
answers (issue 12, item 17), so a schema-valid request is never refused by the request schema,
a schema-invalid one never accepted, and every answer has a documented status, media type
and shape.

`positive_data_acceptance` also takes 422 for schema-valid data, because some rules cannot
be written in a schema (a national id's checksum, an age on the enrolment date); the check
`schema_valid_data_passes_the_request_schema` below holds the line the schema can: a 422
from the request schema itself (not from a domain rule) for schema-valid data fails.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from sqlalchemy import update

from service.api.errors import SCHEMA_INVALID_DETAIL
from service.app import create_app
from service.config import Config
from service.db.models import User
from service.domain.errors import Unauthenticated
from service.demo.loader import load_demo
from service.services import users
from tests.conftest import TEST_KEYS, _sqlite_pathways, draining

#: Examples per operation and phase: 48 operations, two roles, in about two minutes on 2 cores.
MAX_EXAMPLES = 12
DEMO_TRAINEES = 40

CONFIG = SchemathesisConfig.from_dict({
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
    "checks": {"positive_data_acceptance": {
        "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]}},
})


@schemathesis.check
def schema_valid_data_passes_the_request_schema(ctx, response, case):
    """Schema-valid data refused by the request schema means the document left a rule out."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code not in (400, 422):
        return None
    try:
        detail = json.loads(response.content).get("detail")
    except (ValueError, AttributeError):
        detail = None
    if response.status_code == 400 or detail == SCHEMA_INVALID_DETAIL:
        raise AssertionError(f"Schema-valid data refused by the request schema: {response.text[:500]}")
    return None


@dataclasses.dataclass
class World:
    pathways: object
    app: object
    user_ids: dict
    tokens: dict

    def headers(self, role: str) -> dict:
        """A working token for `role`: the run may rotate it or remove its user (as an admin may)."""
        try:
            users.authenticate(self.pathways.uow(), self.tokens[role])
        except Unauthenticated:
            with self.pathways.uow() as uow:
                uow.session.execute(update(User).where(User.id == self.user_ids[role]).values(active=True))
                uow.commit()
            self.tokens[role] = users.reissue_token(self.pathways.uow(), self.user_ids[role])
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    """The demo programme (small), its events applied, for the whole run: ids found in answers
    lead to real records and the metrics have figures (hypothesis reuses a fixture across
    examples, so it is built once)."""
    directory = tmp_path_factory.mktemp("schemathesis")
    base = _sqlite_pathways(sqlite_template, directory)
    config = base.config.with_overrides(auth_failure_limit="1000000 per minute")
    pathways = dataclasses.replace(base, config=config)
    demo = load_demo(pathways, trainees=DEMO_TRAINEES)
    draining(pathways)()
    tokens = {role: demo["tokens"][role] for role in ("admin", "caseworker")}
    user_ids = {role: users.authenticate(pathways.uow(), token).user_id for role, token in tokens.items()}
    yield World(pathways, create_app(pathways=pathways), user_ids, tokens)
    pathways.dispose()


#: The document, read once at collection from an app that never connects (pytest 9 broke
#: schemathesis' fixture-backed schemas); each test points it at its own app with a database.
schema = schemathesis.openapi.from_wsgi(
    "/openapi.json", create_app(Config(database_url="sqlite://", **TEST_KEYS)), config=CONFIG)


def _check(case, world, role: str) -> None:
    case.call_and_validate(headers=world.headers(role), app=world.app)


@schema.parametrize()
def test_the_api_keeps_its_openapi_contract_for_an_admin(case, world):
    _check(case, world, "admin")


@schema.parametrize()
def test_the_api_keeps_its_openapi_contract_for_a_caseworker(case, world):
    _check(case, world, "caseworker")


def test_the_document_names_roles_summaries_and_problems_everywhere(world):
    spec = world.app.test_client().get("/openapi.json").get_json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert operation.get("summary"), (method, path)
            assert operation.get("x-roles") and "Roles: " in operation["description"], (method, path)
            for status in ("401", "403", "422", "429", "503", "default"):
                content = operation["responses"][status]["content"]
                assert list(content) == ["application/problem+json"], (method, path, status)
