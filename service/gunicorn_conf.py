"""gunicorn settings for the API (`gunicorn -c python:service.gunicorn_conf service.wsgi:app`).

Sync workers: the steadiest choice measured for this stack; the app is built per worker
(no preload), so no connection crosses a fork.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", str(min(4, multiprocessing.cpu_count() * 2))))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
accesslog = "-"
#: gunicorn's default writes the request line (`%(r)s`), query string included, and the Referer:
#: a national id tried as a list filter ended up in the log. The path alone (`%(U)s`) names the
#: endpoint; filters are personal data and stay out.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(D)sus "%(a)s"'
errorlog = "-"
preload_app = False


def child_exit(_server, worker):
    """A dead worker's Prometheus files must not count as a live worker's."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
