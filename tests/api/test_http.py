"""HTTP surface: problem+json for unknown routes and methods, health probes, the OpenAPI document and /docs."""

import base64
import hashlib
import http.client
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests import factories
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


# --- Security headers (issue 12, item 16) -----------------------------------------------------------------------

def _every_kind_of_response(client, tenant):
    admin = tenant.headers["admin"]
    return {
        "api 200": client.get(url("/trainees"), headers=admin),
        "api 201": client.post(url("/projects"), json=factories.project_body(), headers=admin),
        "api 401": client.get(url("/trainees")),
        "api 404": client.get(url("/nothing-here"), headers=admin),
        "api 422": client.get(url("/trainees"), query_string={"limit": 0}, headers=admin),
        "api 415": client.post(url("/trainees"), data="x", content_type="text/plain", headers=admin),
        "metrics csv": client.get(url("/metrics/reach"), query_string={"format": "csv"}, headers=admin),
        "unknown path 404": client.get("/nothing-here"),
        "healthz": client.get("/healthz"),
        "openapi": client.get("/openapi.json"),
        "docs": client.get("/docs"),
        "docs asset": client.get("/docs/assets/swagger-ui.css"),
    }


def test_every_response_says_nosniff_and_no_referrer(client, tenant):
    for name, response in _every_kind_of_response(client, tenant).items():
        with response:
            assert response.headers.get("X-Content-Type-Options") == "nosniff", name
            assert response.headers.get("Referrer-Policy") == "no-referrer", name


def test_api_answers_and_problems_are_never_stored_in_a_cache(client, tenant):
    responses = _every_kind_of_response(client, tenant)
    for name, response in responses.items():
        with response:
            if name.startswith(("api", "metrics")) or response.mimetype == PROBLEM:
                assert response.headers.get("Cache-Control") == "no-store", name
    assert responses["unknown path 404"].headers["Cache-Control"] == "no-store"
    trainee = client.post(url("/trainees"), json=factories.trainee_body(), headers=tenant.headers["caseworker"])
    assert trainee.status_code == 201 and trainee.headers["Cache-Control"] == "no-store"


def test_docs_have_a_content_security_policy_their_own_page_satisfies(client):
    response = client.get("/docs")
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'none'"
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    page = response.get_data()
    # every inline script of the page is allowed by its hash, and only those
    inline = re.findall(rb"<script>(.*?)</script>", page, re.DOTALL)
    assert inline, "the page initialises Swagger UI inline"
    allowed = set(re.findall(r"'sha256-([^']+)'", policy["script-src"]))
    assert allowed == {base64.b64encode(hashlib.sha256(script).digest()).decode() for script in inline}
    # external scripts and styles are same-origin, which 'self' allows
    assert policy["script-src"].startswith("'self'") and policy["style-src"] == "'self'"
    for asset in re.findall(rb'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page):
        assert asset.startswith(b"/docs/assets/"), asset
    assert "'self'" in policy["connect-src"]  # the page fetches /openapi.json


# --- The access log (issue 12, item 16) -------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(sqlite_pathways, tmp_path):
    """The API under gunicorn with service/gunicorn_conf.py, on a migrated SQLite copy; yields
    (port, path of the access log)."""
    port, log = _free_port(), tmp_path / "access.log"
    env = {**os.environ, "DATABASE_URL": sqlite_pathways.config.database_url, "PATHWAYS_DATA_DIR": str(tmp_path),
           "WEB_CONCURRENCY": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "python:service.gunicorn_conf", "--bind", f"127.0.0.1:{port}",
         "--access-logfile", str(log), "service.wsgi:app"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield port, log
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_access_log_never_writes_query_strings(gunicorn):
    port, log = gunicorn
    national_id = "10000000146"
    for target in (f"/api/v1/trainees?national_id={national_id}", f"/api/v1/trainees?district={national_id}&limit=5",
                   f"/nothing-here?q={national_id}"):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", target, headers={"Referer": f"http://127.0.0.1/docs?id={national_id}"})
        assert connection.getresponse().status in (401, 404)
        connection.close()
    deadline = time.monotonic() + 10
    while "/nothing-here" not in log.read_text() and time.monotonic() < deadline:  # the last one
        time.sleep(0.1)
    written = log.read_text()
    assert "GET /api/v1/trainees HTTP/1.1\" 401" in written and "GET /nothing-here HTTP/1.1\" 404" in written
    assert national_id not in written and "?" not in written, written


def test_a_chunked_body_over_the_limit_is_413_under_gunicorn(gunicorn):
    """gunicorn de-chunks the body and says so (wsgi.input_terminated): Werkzeug then reads up to
    the limit and stops, and the first MiB used to be parsed as if it were the whole body."""
    port, _ = gunicorn
    limit = 1024 * 1024
    document = b'{"given_name": "Ayse"}'

    def chunks(size):
        yield document
        padding = size - len(document)
        while padding > 0:
            yield b" " * min(65536, padding)
            padding -= 65536

    for size, status in ((limit + 10, 413), (limit, 401)):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/api/v1/trainees", body=chunks(size), encode_chunked=True,
                           headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
        response = connection.getresponse()
        assert (response.status, response.getheader("Content-Type")) == (status, PROBLEM), size
        connection.close()
