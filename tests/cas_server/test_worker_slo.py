"""Single logout through a real Celery worker on the Redis broker: the logout returns at
once, the worker posts the logout request and retries a failing service with backoff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from cas_server.models import ServiceTicket, SsoSession
from cas_server.sso import sso_session_end
from cas_server.tickets import ticket_digest, ticket_new
from tests.workers import (
    NEEDS_A_WORKER,
    tasks_through_the_broker,
    wait_for,
    worker_kill,
    worker_start,
)

pytestmark = NEEDS_A_WORKER


@pytest.fixture
def worker(tmp_path):
    log = tmp_path / "worker.log"
    with tasks_through_the_broker():
        process = worker_start(log, CAS_SLO_RETRY_BACKOFF_SECONDS="1", CAS_SLO_MAX_RETRIES="2",
                               CAS_SLO_TIMEOUT_SECONDS="5")
        yield log
        worker_kill(process)


def test_worker_sends_single_logout_and_retries_a_failing_service(worker, make_user, make_service, http_recorder):
    http_recorder.statuses = [503]
    http_recorder.delay = 0.5
    user, service = make_user(), make_service(http_recorder.url)
    now = timezone.now()
    sso = SsoSession.objects.create(ticket_digest=ticket_digest(ticket_new("TGT")), user=user, session_key="s" * 32,
                                    authenticated_at=now, expires_at=now + timedelta(hours=8))
    ticket = ServiceTicket.objects.create(ticket=ticket_new("ST"), kind="ST", sso_session=sso, service=service,
                                          service_url=http_recorder.url, authenticated_at=now, expires_at=now)
    assert sso_session_end(sso=sso, reason="logout")
    # The logout never waits for the service: it returns before any delivery was recorded
    # (the service first answers 503, and the retry comes a second later).
    assert ServiceTicket.objects.get(pk=ticket.pk).logout_sent_at is None
    assert wait_for(lambda: ServiceTicket.objects.get(pk=ticket.pk).logout_sent_at is not None, 60), worker.read_text()
    assert len(http_recorder.requests) == 2  # a 503, then a retry that got through
    assert b"SessionIndex%3E" + ticket.ticket.encode() in http_recorder.requests[-1]["body"]
    assert AuditEvent.objects.filter(kind="slo_sent").count() == 1
