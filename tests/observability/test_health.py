"""The probes: live answers whatever else is down; ready checks the database, the cache,
the broker and the migrations, and says 503 with what is missing."""

import json

import pytest
from django.core.cache import caches
from django.test import Client

from observability import health
from tests.processes import free_port


def probe(path: str, **extra):
    # An unknown Host (a Kubernetes probe uses the pod's address) and plain HTTP: no 400, no redirect.
    response = Client().get(path, HTTP_HOST="10.1.2.3:8000", **extra)
    return response.status_code, json.loads(response.content)


@pytest.mark.django_db
def test_live_and_ready_answer_without_host_check_redirect_or_session(settings):
    settings.SECURE_SSL_REDIRECT = True
    assert probe("/health/live") == (200, {"status": "ok"})
    status, body = probe("/health/ready")
    assert status == 200, body
    assert body["checks"] == {"database": "ok", "migrations": "ok", "cache": "ok", "broker": "ok"}
    response = Client().get("/health/ready", HTTP_HOST="10.1.2.3")
    assert not response.cookies  # no session, no CSRF cookie
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_ready_is_503_naming_the_cache_when_redis_is_unreachable(settings):
    if "django_redis" not in settings.CACHES["default"]["BACKEND"]:
        pytest.skip("the production cache (REDIS_URL) is what is tested here")
    settings.CACHES = {alias: {**config, "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}
                       for alias, config in settings.CACHES.items()}
    try:
        status, body = probe("/health/ready")
    finally:
        for alias in settings.CACHES:
            caches[alias].close()
    assert status == 503
    assert body["status"] == "unavailable" and body["checks"]["cache"] != "ok"
    assert body["checks"]["database"] == "ok"
    assert probe("/health/live")[0] == 200


@pytest.mark.django_db
def test_ready_is_503_when_the_broker_is_unreachable(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    status, body = probe("/health/ready")
    assert status == 503 and body["checks"]["broker"] != "ok", body


@pytest.mark.django_db
def test_ready_is_503_while_a_migration_is_not_applied(monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setitem(health._migrated, "ok", False)
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("app", "0001")])
    status, body = probe("/health/ready")
    assert status == 503 and body["checks"]["migrations"] == "RuntimeError"


@pytest.mark.django_db
def test_ready_is_503_when_the_database_is_unreachable(settings, monkeypatch):
    from django.db import connections

    def refuse(*args, **kwargs):
        from django.db.utils import OperationalError

        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    status, body = probe("/health/ready")
    assert status == 503 and body["checks"]["database"] == "OperationalError"
    assert body["checks"]["migrations"] == "skipped"
