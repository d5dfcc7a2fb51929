"""HTTP surface: problem+json for unknown routes and methods, health probes, the OpenAPI document and /docs."""

import re

import pytest

from tests.api.helpers import API, PROBLEM, ok, problem, url

#: Every path of the core issue, as the OpenAPI document must name it.
CORE_PATHS = {
    "/organisation": {"get", "patch"},
    "/users": {"get", "post"},
    "/users/{user_id}": {"get", "delete"},
    "/projects": {"get", "post"},
    "/projects/{project_id}": {"get", "patch"},
    "/projects/{project_id}/cohorts": {"get", "post"},
    "/projects/{project_id}/cohorts/{cohort_id}": {"get"},
    "/trainees": {"get", "post"},
    "/trainees/{trainee_id}": {"get", "patch"},
    "/enrolments": {"get", "post"},
    "/enrolments/{enrolment_id}": {"get"},
    "/enrolments/{enrolment_id}/complete": {"post"},
    "/enrolments/{enrolment_id}/drop-out": {"post"},
    "/audit": {"get"},
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/trainees", "/nothing-here",
                                  "/api/v1/trainees/not-a-uuid", "/api/v1/projects/123/cohorts"])
def test_unknown_routes_are_problem_json_404(client, tenant, path):
    body = problem(client.get(path, headers=tenant.headers["admin"]), 404)
    assert body["title"] == "Not Found"


@pytest.mark.parametrize("method, path, allowed", [
    ("DELETE", "/projects", {"GET", "POST"}),
    ("PUT", "/organisation", {"GET", "PATCH"}),
    ("PATCH", "/enrolments/{id}", {"GET"}),
    ("GET", "/enrolments/{id}/complete", {"POST"}),
    ("POST", "/audit", {"GET"}),
])
def test_a_wrong_method_is_problem_json_405_naming_the_allowed_ones(client, tenant, method, path, allowed):
    response = client.open(url(path.format(id="01234567-89ab-7def-8123-456789abcdef")), method=method,
                           json={} if method in ("POST", "PUT", "PATCH") else None, headers=tenant.headers["admin"])
    problem(response, 405)
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_healthz_answers_without_a_token(client):
    response = client.get("/healthz")
    assert ok(response) == {"status": "ok"}


def test_readyz_checks_the_database_without_a_token(client):
    body = ok(client.get("/readyz"))
    assert body["status"] == "ready"
    assert body["checks"]["database"] is True


def test_readyz_is_503_problem_json_when_the_database_is_gone(app, client, monkeypatch):
    """A database that cannot be reached makes the process not ready (and nothing crashes)."""
    pathways = app.extensions["pathways"]

    class Unreachable:
        def connect(self):
            raise ConnectionRefusedError("database down")

    monkeypatch.setattr(pathways, "engine", Unreachable())
    body = problem(client.get("/readyz"), 503)
    assert body["checks"] == {"database": False}
    assert ok(client.get("/healthz")) == {"status": "ok"}


# --- OpenAPI --------------------------------------------------------------------------------------------------


@pytest.fixture
def spec(client) -> dict:
    response = client.get("/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _resolve(spec: dict, ref: str):
    assert ref.startswith("#/"), f"external reference {ref}"
    node = spec
    for part in ref[2:].split("/"):
        assert part in node, f"dangling reference {ref}"
        node = node[part]
    return node


def test_openapi_document_is_well_formed(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "Pathways" and spec["info"]["version"]
    operation_ids = []
    for path, item in spec["paths"].items():
        assert path.startswith(API + "/"), path
        declared_in_path = set(re.findall(r"{(\w+)}", path))
        path_level = [p for p in item.get("parameters", []) if "$ref" not in p]
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            assert operation["responses"], f"{method} {path} has no responses"
            assert all(re.fullmatch(r"[1-5][0-9X]{2}|default", code) for code in operation["responses"])
            parameters = path_level + [p for p in operation.get("parameters", []) if "$ref" not in p]
            path_parameters = {p["name"] for p in parameters if p["in"] == "path"}
            assert path_parameters == declared_in_path, (method, path)
            assert all(p["required"] for p in parameters if p["in"] == "path")
            if "operationId" in operation:
                operation_ids.append(operation["operationId"])
    assert len(operation_ids) == len(set(operation_ids))
    for ref in _refs(spec):
        _resolve(spec, ref)


def test_openapi_names_every_core_endpoint(spec):
    for path, methods in CORE_PATHS.items():
        assert API + path in spec["paths"], path
        assert methods <= set(spec["paths"][API + path]), (path, set(spec["paths"][API + path]))


def test_openapi_declares_bearer_authentication(spec):
    assert spec["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    assert {"bearer": []} in spec["security"]


def test_openapi_documents_the_contract_of_bodies(spec):
    created = spec["paths"][API + "/trainees"]["post"]
    assert "201" in created["responses"]
    request_schema = _resolve(spec, created["requestBody"]["content"]["application/json"]["schema"]["$ref"])
    assert "national_id" in request_schema["properties"] and "consent" in request_schema["required"]
    response_schema = _resolve(spec, created["responses"]["201"]["content"]["application/json"]["schema"]["$ref"])
    assert "national_id" not in response_schema["properties"]
    listing = spec["paths"][API + "/trainees"]["get"]
    query = {p["name"] for p in listing["parameters"] if p["in"] == "query"}
    assert {"limit", "cursor", "sex", "project_id"} <= query


def test_the_openapi_document_needs_no_token(client):
    assert client.get("/openapi.json", headers={"Authorization": "Bearer nonsense"}).status_code == 200


# --- /docs ----------------------------------------------------------------------------------------------------


def test_docs_are_served_with_local_assets(client):
    response = client.get("/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", page, re.IGNORECASE), "no CDN or other host"
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:
        assert asset.startswith("/docs/assets/"), asset
        with client.get(asset) as served:  # a file response: close it
            assert served.status_code == 200, asset
            assert len(served.get_data()) > 1000, asset
    assert "/openapi.json" in page


def test_docs_assets_do_not_leave_their_folder(client):
    for path in ("/docs/assets/../../../etc/passwd", "/docs/assets/no-such-file.js"):
        with client.get(path) as response:
            assert response.status_code == 404


def test_problem_media_type_is_used_for_every_error_status(client, tenant):
    for response in (client.get(url("/organisation")),
                     client.get(url("/users"), headers=tenant.headers["manager"]),
                     client.get(url("/nothing"), headers=tenant.headers["admin"]),
                     client.delete(url("/organisation"), headers=tenant.headers["admin"]),
                     client.patch(url("/organisation"), json={"locale": "xx"}, headers=tenant.headers["admin"])):
        assert response.mimetype == PROBLEM, response.status_code
