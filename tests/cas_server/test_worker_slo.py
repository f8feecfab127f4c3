"""Single logout through a real Celery worker on the Redis broker: the logout returns at
once, the worker posts the logout request and retries a failing service with backoff."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from accounts.models import AuditEvent
from cas_server.models import ServiceTicket, SsoSession
from cas_server.services import sso_session_end
from cas_server.tickets import ticket_digest, ticket_new
from eulogin.celery import app

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor == "sqlite", reason="a worker process needs a shared database"),
    pytest.mark.skipif(not django_settings.CELERY_BROKER_URL, reason="needs a broker (CELERY_BROKER_URL)"),
]


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    log = tmp_path / "worker.log"
    env = {**os.environ, "DATABASE_URL": _database_url(), "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
           "CELERY_TASK_ALWAYS_EAGER": "false", "SECRET_KEY": django_settings.SECRET_KEY,
           "CAS_SLO_RETRY_BACKOFF_SECONDS": "1", "CAS_SLO_MAX_RETRIES": "2", "CAS_SLO_TIMEOUT_SECONDS": "5",
           "DATABASE_CONN_MAX_AGE": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "eulogin", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    yield log
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    app.conf.task_always_eager = eager


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_worker_sends_single_logout_and_retries_a_failing_service(worker, make_user, make_service, http_recorder):
    http_recorder.statuses = [503]
    http_recorder.delay = 0.5
    user, service = make_user(), make_service(http_recorder.url)
    now = timezone.now()
    sso = SsoSession.objects.create(ticket_digest=ticket_digest(ticket_new("TGT")), user=user, session_key="s" * 32,
                                    authenticated_at=now, expires_at=now + timedelta(hours=8))
    ticket = ServiceTicket.objects.create(ticket=ticket_new("ST"), kind="ST", sso_session=sso, service=service,
                                          service_url=http_recorder.url, authenticated_at=now, expires_at=now)
    started = time.monotonic()
    assert sso_session_end(sso=sso, reason="logout")
    assert time.monotonic() - started < 0.5  # the logout never waits for the service
    assert wait_for(lambda: ServiceTicket.objects.get(pk=ticket.pk).logout_sent_at is not None, 60), worker.read_text()
    assert len(http_recorder.requests) == 2  # a 503, then a retry that got through
    assert b"SessionIndex%3E" + ticket.ticket.encode() in http_recorder.requests[-1]["body"]
    assert AuditEvent.objects.filter(kind="slo_sent").count() == 1
