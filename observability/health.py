"""Liveness and readiness probes, answered before any other middleware: no host check,
no HTTPS redirect, no session, no CSRF, no language. A load balancer or Kubernetes calls
them on the node's own address, often over plain HTTP.

- /health/live: the process answers (nothing else is looked at).
- /health/ready: the database, the cache and the broker are reachable and every
  migration is applied. 503 names what is not, so a proxy stops sending people here.
"""

import json
import time

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse

LIVE_PATH = "/health/live"
READY_PATH = "/health/ready"

# Once every migration is applied it stays so for the life of the process (a deployment
# migrates before it starts nodes); loading the migration graph on each probe would cost.
_migrated = {"ok": False}


def _database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def _migrations() -> None:
    if _migrated["ok"]:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise RuntimeError(f"{len(plan)} migration(s) not applied")
    _migrated["ok"] = True


def _cache() -> None:
    # "strict": the same cache, without the ignored exceptions of "default".
    cache = caches["strict" if "strict" in settings.CACHES else "default"]
    cache.set("health:ready", "1", 10)
    if cache.get("health:ready") != "1":
        raise RuntimeError("the cache did not keep a value")


def _broker() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL:
        return  # tasks run in-process: there is no broker to reach
    from eulogin.celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=0, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)


CHECKS = {"database": _database, "migrations": _migrations, "cache": _cache, "broker": _broker}


def readiness() -> dict[str, str]:
    """Each check's outcome: "ok" or the reason it failed (a class name and a short text,
    never a connection string with a password)."""
    results = {}
    for name, check in CHECKS.items():
        if name == "migrations" and results.get("database") != "ok":
            results[name] = "skipped"
            continue
        try:
            check()
            results[name] = "ok"
        except Exception as error:  # noqa: BLE001 — any failure means "not ready"
            results[name] = type(error).__name__
    return results


def _json(body: dict, status: int) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


class HealthMiddleware:
    """First in MIDDLEWARE: answers the two probe paths at once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == LIVE_PATH:
            return _json({"status": "ok"}, 200)
        if request.path == READY_PATH:
            started = time.monotonic()
            checks = readiness()
            ready = all(v == "ok" for v in checks.values())
            body = {"status": "ok" if ready else "unavailable", "checks": checks,
                    "seconds": round(time.monotonic() - started, 4)}
            return _json(body, 200 if ready else 503)
        return self.get_response(request)
