"""`/metrics` answers in Prometheus' text format, counting requests by URL rule."""

import re


def _count(text: str, method: str, rule: str, status: str) -> float:
    pattern = (rf'^pathways_http_requests_total\{{method="{method}",rule="{re.escape(rule)}",'
               rf'status="{status}"\}} (\S+)$')
    match = re.search(pattern, text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_requests_are_counted_by_rule_not_by_path(client, tenant, programme):
    rule = "/api/v1/trainees/<uuid:trainee_id>"
    before = _count(client.get("/metrics").get_data(as_text=True), "GET", rule, "200")
    caseworker = tenant.headers["caseworker"]
    for _ in range(3):
        assert client.get(f"/api/v1/trainees/{programme['trainee']['id']}", headers=caseworker).status_code == 200
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert _count(text, "GET", rule, "200") == before + 3
    assert programme["trainee"]["id"] not in text  # ids never become labels
    assert "pathways_http_request_duration_seconds_bucket" in text
