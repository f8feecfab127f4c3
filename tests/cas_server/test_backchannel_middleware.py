"""eulogin.backchannel_middleware: server-to-server endpoints take the short way through
the middleware, keeping the security headers and the protocol's answers; browser pages
take the whole chain."""

import pytest
from django.test import Client
from django.urls import reverse

from eulogin.backchannel_middleware import BACKCHANNEL_CSP, backchannel_paths

from .conftest import SERVICE_URL, cas_sign_in, sso_ticket

pytestmark = pytest.mark.django_db


def test_it_finds_every_back_channel_endpoint_and_no_page():
    paths = backchannel_paths()
    for name in ("cas:validate", "cas:service_validate", "cas:p3_service_validate", "cas:proxy",
                 "cas:saml_validate", "cas:ticket_validation_service", "cas:login_init"):
        assert reverse(name) in paths, name
    for name in ("cas:login", "cas:logout", "accounts:login"):
        assert reverse(name) not in paths, name


def test_a_validation_skips_the_browser_middleware_and_keeps_the_security_headers(client, user, service):
    cas_sign_in(client, user.email)
    ticket = sso_ticket(client)
    relying_service = Client()
    response = relying_service.get(reverse("cas:service_validate"), {"service": SERVICE_URL, "ticket": ticket})
    assert b"authenticationSuccess" in response.content
    request = response.wsgi_request
    assert not hasattr(request, "session") and not hasattr(request, "user")  # no session, no auth loaded
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Security-Policy"] == BACKCHANNEL_CSP
    assert response["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware still ran
    assert response["Content-Length"] == str(len(response.content))
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies  # no session or CSRF cookie
    assert response["X-Request-ID"]


def test_a_nul_in_a_back_channel_parameter_is_read_as_a_replacement_character(service):
    response = Client().get(reverse("cas:service_validate") + "?service=https%3A%2F%2Fapp.example.org%2F%00&ticket=ST-x%00")
    assert response.status_code == 200 and b"authenticationFailure" in response.content


def test_a_browser_page_still_takes_the_whole_chain(client, service):
    response = client.get(reverse("cas:login"), {"service": SERVICE_URL})
    assert hasattr(response.wsgi_request, "session") and hasattr(response.wsgi_request, "user")
    assert "'nonce-" in response["Content-Security-Policy"] or "script-src" in response["Content-Security-Policy"]


def test_a_back_channel_answer_is_in_english_whatever_the_last_page_spoke(client, service):
    client.get(reverse("cas:login"), {"service": SERVICE_URL}, HTTP_ACCEPT_LANGUAGE="fr")
    response = Client().get(reverse("cas:service_validate"), {"service": SERVICE_URL, "ticket": "ST-unknown"},
                            HTTP_ACCEPT_LANGUAGE="fr")
    assert response.wsgi_request.LANGUAGE_CODE == "en"
    assert b"not recognized" in response.content
