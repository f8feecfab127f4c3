"""Single logout (Appendix C): back-channel SAML 2 LogoutRequest to every service used."""

from urllib.parse import parse_qs
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.services import user_session_end, user_sessions_end_all
from cas_server import tasks
from cas_server.models import ServiceTicket, SsoSession
from cas_server.slo import logout_request_xml, slo_send

from .conftest import cas_sign_in, sso_ticket

SAMLP = "{urn:oasis:names:tc:SAML:2.0:protocol}"


def logout_requests(recorder) -> list[str]:
    """The SessionIndex of every LogoutRequest the recorder received."""
    indexes = []
    for request in recorder.requests:
        assert request["method"] == "POST"
        document = parse_qs(request["body"].decode())["logoutRequest"][0]
        root = ElementTree.fromstring(document)
        assert root.tag == f"{SAMLP}LogoutRequest" and root.get("Version") == "2.0" and root.get("ID")
        indexes.append(root.find(f"{SAMLP}SessionIndex").text)
    return indexes


def test_logout_request_document_follows_appendix_c():
    root = ElementTree.fromstring(logout_request_xml(session_index="ST-abc"))
    assert root.find("{urn:oasis:names:tc:SAML:2.0:assertion}NameID").text == "@NOT_USED@"
    assert root.find(f"{SAMLP}SessionIndex").text == "ST-abc"
    assert root.get("IssueInstant").endswith("Z")


def test_cas_logout_posts_a_logout_request_for_every_ticket_of_the_session(
    client, user, make_service, http_recorder, django_capture_on_commit_callbacks
):
    make_service(http_recorder.url)
    first = cas_sign_in(client, user.email, http_recorder.url + "app1")
    second = sso_ticket(client, http_recorder.url + "app2")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("cas:logout"))
    assert response.status_code == 200
    assert sorted(logout_requests(http_recorder)) == sorted([first, second])
    assert sorted(r["path"] for r in http_recorder.requests) == ["/app1", "/app2"]
    assert AuditEvent.objects.filter(kind="slo_sent").count() == 2
    assert ServiceTicket.objects.filter(logout_sent_at__isnull=False).count() == 2


def test_slo_goes_to_the_registered_slo_url(client, user, make_service, http_recorder, django_capture_on_commit_callbacks):
    make_service("https://app.example.org/", slo_url=http_recorder.url + "cas-logout")
    ticket = cas_sign_in(client, user.email)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("cas:logout"))
    assert logout_requests(http_recorder) == [ticket]
    assert http_recorder.requests[0]["path"] == "/cas-logout"


def test_no_slo_for_services_that_opted_out(client, user, make_service, http_recorder, django_capture_on_commit_callbacks):
    make_service(http_recorder.url, slo_enabled=False)
    cas_sign_in(client, user.email, http_recorder.url)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("cas:logout"))
    assert http_recorder.requests == []


def test_unreachable_service_does_not_break_logout(client, user, make_service, django_capture_on_commit_callbacks, settings):
    settings.CAS_SLO_MAX_RETRIES = 1
    make_service("http://127.0.0.1:1/")
    cas_sign_in(client, user.email, "http://127.0.0.1:1/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("cas:logout"))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(kind="slo_failed").count() == 1


def test_slo_retries_a_bounded_number_of_times(user, client, make_service, http_recorder, settings):
    settings.CAS_SLO_MAX_RETRIES = 2
    http_recorder.status = 503
    make_service(http_recorder.url)
    ticket = cas_sign_in(client, user.email, http_recorder.url)
    st = ServiceTicket.objects.get(ticket=ticket)
    tasks.slo_send_task.apply(args=[st.pk])
    assert len(http_recorder.requests) == 3  # the first attempt and 2 retries
    event = AuditEvent.objects.get(kind="slo_failed")
    assert event.detail["reason"] == "HTTP 503" and ticket not in str(event.detail)


def test_slo_is_sent_once(user, client, make_service, http_recorder):
    make_service(http_recorder.url)
    ticket = cas_sign_in(client, user.email, http_recorder.url)
    st = ServiceTicket.objects.get(ticket=ticket)
    assert slo_send(ticket_id=st.pk) is True
    assert slo_send(ticket_id=st.pk) is False
    assert len(http_recorder.requests) == 1


def test_slo_uses_a_short_timeout(user, client, make_service, settings, monkeypatch):
    import requests

    seen = {}

    def fake_post(url, **kwargs):
        seen.update(kwargs)
        raise requests.ConnectTimeout()

    settings.CAS_SLO_TIMEOUT_SECONDS = 3
    monkeypatch.setattr(requests, "post", fake_post)
    make_service()
    ticket = cas_sign_in(client, user.email)
    slo_send(ticket_id=ServiceTicket.objects.get(ticket=ticket).pk)
    assert seen["timeout"] == 3


@pytest.mark.parametrize("how", ["account_logout", "session_list", "all_sessions", "django_logout"])
def test_every_way_a_session_ends_ends_the_sso_session_and_sends_slo(
    client, user, make_service, http_recorder, django_capture_on_commit_callbacks, how
):
    make_service(http_recorder.url)
    ticket = cas_sign_in(client, user.email, http_recorder.url)
    key = client.session.session_key
    with django_capture_on_commit_callbacks(execute=True):
        if how == "account_logout":
            client.post(reverse("accounts:logout"))
        elif how == "session_list":
            user_session_end(user=user, session_key=key)
        elif how == "all_sessions":
            user_sessions_end_all(user=user)
        else:
            from django.contrib.auth import logout
            from django.test import RequestFactory

            request = RequestFactory().get("/")
            request.session = client.session
            request.user = user
            logout(request)
    sso = SsoSession.objects.get()
    assert sso.ended_at is not None
    assert logout_requests(http_recorder) == [ticket]


def test_expired_sso_session_sends_slo_when_purged(client, user, make_service, http_recorder, django_capture_on_commit_callbacks):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from cas_server.sso import cas_purge

    make_service(http_recorder.url)
    ticket = cas_sign_in(client, user.email, http_recorder.url)
    with time_machine.travel(timezone.now() + timedelta(hours=2, minutes=1)):
        with django_capture_on_commit_callbacks(execute=True):
            counts = cas_purge()
    assert counts["sso_sessions_ended"] == 1
    assert SsoSession.objects.get().end_reason == "expired"
    assert logout_requests(http_recorder) == [ticket]


def test_account_deletion_still_sends_single_logout(client, user, make_service, http_recorder, django_capture_on_commit_callbacks):
    from django.test import RequestFactory

    from accounts.services import user_delete

    make_service(http_recorder.url)
    ticket = cas_sign_in(client, user.email, http_recorder.url)
    request = RequestFactory().post("/")
    request.session = client.session
    request.user = user
    with django_capture_on_commit_callbacks(execute=True):
        user_delete(request=request, user=user)
    assert logout_requests(http_recorder) == [ticket]
    sso = SsoSession.objects.get()
    assert sso.user is None and sso.ended_at is not None
