"""`/metrics`: Prometheus metrics of the API, grouped by URL rule (not path: ids would explode labels).

Under gunicorn every worker is its own process: with PROMETHEUS_MULTIPROC_DIR set (as
`pathways serve` does) the figures of all workers are summed.
"""

from __future__ import annotations

import os
import time

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import REGISTRY, multiprocess

REQUESTS = Counter("pathways_http_requests_total", "HTTP requests answered", ["method", "rule", "status"])
LATENCY = Histogram("pathways_http_request_duration_seconds", "Time to answer an HTTP request",
                    ["method", "rule"])

blp = Blueprint("prometheus", __name__)


@blp.get("/metrics")
def metrics() -> Response:
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def _start() -> None:
    g.started = time.perf_counter()


def _observe(response: Response) -> Response:
    rule = request.url_rule.rule if request.url_rule is not None else "unmatched"
    REQUESTS.labels(request.method, rule, str(response.status_code)).inc()
    if "started" in g:
        LATENCY.labels(request.method, rule).observe(time.perf_counter() - g.started)
    return response


def register(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_observe)
    app.register_blueprint(blp)
