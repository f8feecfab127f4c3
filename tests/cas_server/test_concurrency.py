"""Ticket consumption is atomic: of many simultaneous validations of one ticket, one wins."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import RequestFactory
from django.utils import timezone

from cas_server.models import ServiceTicket, SsoSession
from cas_server.tickets import ticket_digest, ticket_new
from cas_server.validation import ticket_validate

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-level concurrency is proven against PostgreSQL (CI)"
)

THREADS = 8
ROUNDS = 15
SERVICE_URL = "https://app.example.org/"


def _ticket(sso: SsoSession, service) -> str:
    now = timezone.now()
    return ServiceTicket.objects.create(
        ticket=ticket_new("ST"), kind="ST", sso_session=sso, service=service, service_url=SERVICE_URL,
        authenticated_at=now, created_at=now, expires_at=now + timedelta(seconds=60),
        factors=[{"kind": "PASSWORD", "at": now.isoformat()}], strength="PASSWORD",
    ).ticket


@pytest.mark.django_db(transaction=True)
def test_concurrent_validations_of_one_ticket_never_both_succeed(make_user, make_service):
    user, service = make_user(), make_service()
    now = timezone.now()
    sso = SsoSession.objects.create(
        ticket_digest=ticket_digest(ticket_new("TGT")), user=user, session_key="k" * 32, authenticated_at=now,
        expires_at=now + timedelta(hours=8),
    )
    for _ in range(ROUNDS):
        ticket = _ticket(sso, service)
        barrier = threading.Barrier(THREADS)
        outcomes: list[bool] = []
        errors: list[BaseException] = []

        def validate():
            try:
                request = RequestFactory().get("/cas/serviceValidate", REMOTE_ADDR="127.0.0.1")
                barrier.wait()
                outcomes.append(ticket_validate(request=request, ticket_value=ticket, service_url=SERVICE_URL).success)
            except BaseException as exc:  # noqa: BLE001 — reported below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=validate) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert outcomes.count(True) == 1, outcomes
        assert ServiceTicket.objects.get(ticket=ticket).consumed_at is not None
