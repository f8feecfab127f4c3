"""Bad input never gives a 500: malformed, oversized, unregistered, reused, crossed."""

import pytest
from django.urls import reverse

from .conftest import SERVICE_URL, cas_sign_in

BAD_TICKETS = ["", "ST-", "ST-" + "a" * 5000, "ST-<x>&'\"", "TGT-abc", "PGT-abc", "ST-\x00abc", "ST-ünïcødé",
               "%00", "ST-abc\nST-def", " ST-abc "]
BAD_SERVICES = ["", "javascript:alert(1)", "https://app.example.org/" + "a" * 5000, "https://app.example.org/\r\nX: y", "https://app.example.org/é",
                "//evil.example.net/", "https://evil.example.net/", "ftp://app.example.org/", "https://", "\x00",
                "https://app.example.org/\x7f"]
VALIDATORS = ["cas:validate", "cas:service_validate", "cas:proxy_validate", "cas:p3_service_validate",
              "cas:p3_proxy_validate"]


@pytest.mark.parametrize("name", VALIDATORS)
@pytest.mark.parametrize("ticket", BAD_TICKETS)
def test_validation_with_bad_tickets_is_a_protocol_failure(client, service, name, ticket):
    response = client.get(reverse(name), {"ticket": ticket, "service": SERVICE_URL})
    assert response.status_code == 200
    assert b"authenticationFailure" in response.content or response.content == b"no\n\n"


@pytest.mark.parametrize("name", VALIDATORS)
@pytest.mark.parametrize("service_url", BAD_SERVICES)
def test_validation_with_bad_services_is_a_protocol_failure(client, service, name, service_url):
    response = client.get(reverse(name), {"ticket": "ST-abc", "service": service_url})
    assert response.status_code == 200


@pytest.mark.parametrize("service_url", BAD_SERVICES[1:])
def test_login_with_bad_services_is_an_error_page_without_redirect(client, service, service_url):
    response = client.get(reverse("cas:login"), {"service": service_url})
    assert response.status_code in (400, 403) and "Location" not in response


@pytest.mark.parametrize("resume", ["", "garbage", "a" * 8000, "e30:1abc:xyz"])
def test_login_with_a_forged_resume_token_is_an_error_page(client, db, resume):
    response = client.get(reverse("cas:login"), {"resume": resume})
    assert response.status_code == 400


@pytest.mark.parametrize("params", [{"pgt": "x" * 5000, "targetService": SERVICE_URL}, {"pgt": "PGT-a", "targetService": "\x00"},
                                    {"pgt": "ST-abc", "targetService": SERVICE_URL}])
def test_proxy_with_bad_input_is_a_protocol_failure(client, service, params):
    response = client.get(reverse("cas:proxy"), params)
    assert response.status_code == 200 and b"proxyFailure" in response.content


def test_bad_pgt_url_is_a_protocol_failure(client, user, make_service):
    make_service(proxy_allowed=True)
    ticket = cas_sign_in(client, user.email)
    response = client.get(reverse("cas:p3_service_validate"), {"ticket": ticket, "service": SERVICE_URL, "pgtUrl": "\x00::"})
    assert response.status_code == 200 and b"INVALID_PROXY_CALLBACK" in response.content


def test_oversized_saml_request_is_refused(client, db):
    response = client.post(reverse("cas:saml_validate") + "?TARGET=x", b"<a>" + b"x" * 20000 + b"</a>", content_type="text/xml")
    assert response.status_code == 413


def test_saml_request_without_artifact_is_a_saml_failure(client, db):
    body = b'<Envelope><Body><Request xmlns="urn:oasis:names:tc:SAML:1.0:protocol"/></Body></Envelope>'
    response = client.post(reverse("cas:saml_validate") + "?TARGET=https://app.example.org/", body, content_type="text/xml")
    assert response.status_code == 200 and b"samlp:Requester" in response.content


def test_logout_with_bad_parameters_shows_the_page(client, db):
    response = client.get(reverse("cas:logout"), {"service": "\x00" * 10, "url": "a" * 5000})
    assert response.status_code == 200


def test_validation_endpoints_refuse_other_methods(client, db):
    assert client.put(reverse("cas:service_validate")).status_code == 405
