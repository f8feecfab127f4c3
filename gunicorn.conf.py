"""gunicorn's settings for eulogin (read from the working directory by every node).

The access log leaves the query string out: it carries CAS tickets (ticket=ST-…), and a
log must never hold one. The request id links each line to the application's logs."""

import os

access_log_format = (
    '{"logger": "gunicorn.access", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", "status": "%(s)s", '
    '"bytes": "%(B)s", "ms": "%(M)s", "request_id": "%({x-request-id}o)s"}'
)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def child_exit(server, worker):
    # Prometheus in multi-process mode: a dead worker's live gauges go with it.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
