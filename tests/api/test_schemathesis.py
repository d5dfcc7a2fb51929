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

import hypothesis
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from sqlalchemy import update

from service.api.errors import SCHEMA_INVALID_DETAIL
from service.app import create_app
from service.config import Config
from service.db.models import User
from service.demo.loader import load_demo
from service.domain.errors import Unauthenticated
from service.services import users
from tests.conftest import TEST_KEYS, _sqlite_pathways, draining

#: Examples per operation and phase: 48 operations, two roles, in about two minutes on 2 cores.
MAX_EXAMPLES = 20
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

    def token(self, role: str) -> str:
        """A working token for `role`: the run may rotate it or remove its user (as an admin may)."""
        try:
            users.authenticate(self.pathways.uow(), self.tokens[role])
        except Unauthenticated:
            with self.pathways.uow() as uow:
                uow.session.execute(update(User).where(User.id == self.user_ids[role]).values(active=True))
                uow.commit()
            self.tokens[role] = users.reissue_token(self.pathways.uow(), self.user_ids[role])
        return self.tokens[role]


def _world(template, directory) -> World:
    """The demo programme (small) with its events applied: ids found in answers lead to real
    records, and the metrics have figures."""
    base = _sqlite_pathways(template, directory)
    config = base.config.with_overrides(auth_failure_limit="1000000 per minute")
    pathways = dataclasses.replace(base, config=config)
    demo = load_demo(pathways, trainees=DEMO_TRAINEES)
    draining(pathways)()
    tokens = {role: demo["tokens"][role] for role in ("admin", "caseworker")}
    user_ids = {role: users.authenticate(pathways.uow(), token).user_id for role, token in tokens.items()}
    return World(pathways, create_app(pathways=pathways), user_ids, tokens)


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    """One world for every operation's examples (hypothesis reuses a fixture across them)."""
    built = _world(sqlite_template, tmp_path_factory.mktemp("schemathesis"))
    yield built
    built.pathways.dispose()


#: The world of the test that runs, for the schemas' token providers.
_RUNNING: dict[str, World] = {}
#: Reads the document without connecting anywhere (pytest 9 broke schemathesis' fixture-backed
#: schemas, so the document is read at collection); each test calls its own world's app.
_SPEC_APP = create_app(Config(database_url="sqlite://", **TEST_KEYS))


def _schema_as(role: str):
    """The document, with `role`'s bearer token given the way schemathesis can also take away
    (its ignored_auth check sends each request again without it and with a wrong one)."""
    loaded = schemathesis.openapi.from_wsgi("/openapi.json", _SPEC_APP, config=CONFIG)

    @loaded.auth(refresh_interval=None, retry_on=[])
    class BearerToken:
        def get(self, case, ctx):
            world = _RUNNING.get("world")
            return world.token(role) if world else "none-yet"  # schemathesis asks while collecting too

        def set(self, case, data, ctx):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return loaded


admin_schema, caseworker_schema = _schema_as("admin"), _schema_as("caseworker")


@pytest.fixture(scope="module")
def running(world) -> World:
    _RUNNING["world"] = world
    yield world
    _RUNNING.clear()


@admin_schema.parametrize()
def test_the_api_keeps_its_openapi_contract_for_an_admin(case, running):
    case.call_and_validate(app=running.app)


@caseworker_schema.parametrize()
def test_the_api_keeps_its_openapi_contract_for_a_caseworker(case, running):
    case.call_and_validate(app=running.app)


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


#: Stateful scenarios: schemathesis chains operations through the ids answers carry (create a
#: trainee, then read, change and enrol it), running the stateful checks as well.
STATEFUL_SCENARIOS = 20


def test_workflows_keep_the_contract_across_operations(sqlite_template, tmp_path):
    """In a world of its own, as the operations' runs before it leave theirs in no set state:
    scenarios replay the same way only from the same start."""
    fresh = _world(sqlite_template, tmp_path)
    _RUNNING["world"] = fresh

    class Workflows(admin_schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"app": fresh.app}

    try:
        Workflows.run(settings=hypothesis.settings(
            max_examples=STATEFUL_SCENARIOS, stateful_step_count=6, deadline=None, derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck), database=None))
    finally:
        _RUNNING.clear()
        fresh.pathways.dispose()
