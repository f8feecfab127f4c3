"""The back-channel endpoints (cas_server/backchannel.py): a relying service's server calls
them with GET or a form-encoded POST, no cookie and no CSRF token, and always gets its
protocol's answer: for a method it may not use, an unreadable request and an unexpected
failure too, never Django's HTML pages (with DEBUG on as well). Browser forms keep CSRF."""

import json

import pytest
from defusedxml import ElementTree
from django.test import Client
from django.urls import reverse

from tests.cas_server.conftest import SERVICE_URL, cas_sign_in, sso_ticket

# Each endpoint and the form of its answers: CAS 1 text, XML (CAS 2/3, EU Login), SAML.
ENDPOINTS = {
    "cas:validate": "cas1",
    "cas:service_validate": "xml",
    "cas:proxy_validate": "xml",
    "cas:p3_service_validate": "xml",
    "cas:p3_proxy_validate": "xml",
    "cas:proxy": "xml",
    "cas:ticket_validation_service": "xml",
    "cas:lax_validate": "xml",
    "cas:sponsor_validate": "xml",
    "cas:interinstitutional_validate": "xml",
    "cas:strict_validate": "xml",
    "cas:login_init": "xml",
    "cas:saml_validate": "saml",
}
# Those whose success a fresh password sign-in can show (the others need more assurance
# or other tickets).
VALIDATORS = ["cas:validate", "cas:service_validate", "cas:proxy_validate", "cas:p3_service_validate",
              "cas:p3_proxy_validate", "cas:ticket_validation_service", "cas:lax_validate"]


def server() -> Client:
    """A relying service's server: no cookie, and CSRF enforced as for any client."""
    return Client(enforce_csrf_checks=True)


def assert_protocol_answer(response, form: str) -> None:
    """The endpoint's own form, never an HTML page."""
    content_type = response["Content-Type"]
    assert "html" not in content_type, (response.status_code, response.content[:300])
    assert b"<html" not in response.content.lower() and b"Traceback" not in response.content
    if form == "cas1":
        assert content_type.startswith("text/plain")
        assert response.content == b"no\n\n" or response.content.startswith(b"yes\n")
    elif "json" in content_type:
        assert "serviceResponse" in json.loads(response.content)
    else:
        root = ElementTree.fromstring(response.content)
        expected = "Envelope" if form == "saml" else "serviceResponse"
        assert root.tag.endswith(expected), response.content[:300]


@pytest.mark.parametrize("name", VALIDATORS)
def test_a_form_encoded_post_without_cookie_or_csrf_token_validates(client, user, service, name):
    ticket = cas_sign_in(client, user.email)
    response = server().post(reverse(name), {"ticket": ticket, "service": SERVICE_URL})
    assert response.status_code == 200
    assert_protocol_answer(response, ENDPOINTS[name])
    assert user.email.encode() in response.content and b"authenticationFailure" not in response.content


@pytest.mark.parametrize("name", VALIDATORS)
def test_get_and_post_read_the_same_parameters(client, user, service, name):
    """Parameters may sit in the query string of a POST too; the form's fields win."""
    ticket = cas_sign_in(client, user.email)
    url = reverse(name) + "?service=" + SERVICE_URL.replace("?", "%3F").replace("=", "%3D").replace("&", "%26")
    response = server().post(url, {"ticket": ticket, "format": "XML"})
    assert user.email.encode() in response.content, response.content
    ticket = sso_ticket(client)
    response = server().post(reverse(name) + "?service=https://wrong.example.org/",
                             {"ticket": ticket, "service": SERVICE_URL})
    assert user.email.encode() in response.content, response.content


def test_proxy_and_strict_validators_answer_posts_in_their_protocol(client, user, service):
    ticket = cas_sign_in(client, user.email)
    response = server().post(reverse("cas:strict_validate"), {"ticket": ticket, "service": SERVICE_URL})
    assert response.status_code == 200 and b'code="INVALID_USER"' in response.content
    response = server().post(reverse("cas:proxy"), {"pgt": "PGT-unknown", "targetService": SERVICE_URL})
    assert response.status_code == 200 and b'code="INVALID_TICKET"' in response.content


def test_login_init_takes_get_too(db, service):
    response = server().get(reverse("cas:login_init"), {"service": SERVICE_URL, "format": "JSON"})
    assert response.status_code == 200
    assert json.loads(response.content)["serviceResponse"]["loginRequestSuccess"]["loginRequestId"].startswith("LR-")


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_other_methods_get_a_405_in_the_protocol(db, settings, name, debug):
    settings.DEBUG = debug
    for method in ("put", "delete", "patch", "options"):
        response = getattr(server(), method)(reverse(name))
        assert response.status_code == 405, (method, response.status_code)
        assert "POST" in response["Allow"]
        assert_protocol_answer(response, ENDPOINTS[name])


def test_saml_validate_wants_a_post_and_says_so_in_saml(db):
    response = server().get(reverse("cas:saml_validate"), {"TARGET": SERVICE_URL})
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert_protocol_answer(response, "saml")
    response = server().post(reverse("cas:saml_validate") + "?TARGET=x", b"not xml", content_type="text/xml")
    assert response.status_code == 400
    assert_protocol_answer(response, "saml")


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_an_unreadable_request_is_a_400_in_the_protocol(db, settings, name, debug):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    data = {f"field{i}": "x" for i in range(20)}
    response = server().post(reverse(name) + "?TARGET=" + SERVICE_URL, data)
    assert response.status_code == 400, response.content[:300]
    assert_protocol_answer(response, ENDPOINTS[name])


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_an_unexpected_failure_is_a_500_in_the_protocol(db, settings, monkeypatch, name, debug):
    from cas_server import views
    from cas_server.eulogin import views as eulogin_views

    settings.DEBUG = debug

    def broken(**kwargs):
        raise RuntimeError("something nobody expected")

    for module, function in [(views, "ticket_validate"), (views, "proxy_ticket_issue"),
                             (eulogin_views, "eulogin_ticket_validate"), (eulogin_views, "login_request_create")]:
        monkeypatch.setattr(module, function, broken)
    saml = '<Envelope><Body><Request xmlns="urn:oasis:names:tc:SAML:1.0:protocol"><AssertionArtifact>ST-a' \
           "</AssertionArtifact></Request></Body></Envelope>"
    for method in ("get", "post"):
        if name == "cas:saml_validate":
            if method == "get":
                continue
            response = server().post(reverse(name) + "?TARGET=" + SERVICE_URL, saml, content_type="text/xml")
        else:
            params = {"ticket": "ST-abc", "service": SERVICE_URL, "pgt": "PGT-a", "targetService": SERVICE_URL}
            response = getattr(server(), method)(reverse(name), params)
        assert response.status_code == 500, (method, response.status_code)
        assert_protocol_answer(response, ENDPOINTS[name])
        assert b"something nobody expected" not in response.content
        if ENDPOINTS[name] != "cas1":
            assert b"INTERNAL_ERROR" in response.content or b"samlp:Responder" in response.content


def test_json_errors_stay_json(db):
    response = server().put(reverse("cas:p3_service_validate") + "?format=JSON")
    assert response.status_code == 405
    assert json.loads(response.content)["serviceResponse"]["authenticationFailure"]["code"] == "INVALID_REQUEST"


def test_browser_forms_keep_csrf(client, user, service):
    """/cas/login's POST (the confirmation of the warn page) and the sign-in still need the
    CSRF token."""
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(reverse("cas:login"), {"service": SERVICE_URL}).status_code == 403
    assert browser.post(reverse("accounts:login"), {"email": user.email}).status_code == 403


@pytest.mark.parametrize("name", ["cas:service_validate", "cas:p3_service_validate", "cas:validate"])
def test_a_host_not_served_gets_a_400_in_the_protocol_not_a_page(client, name):
    response = client.get(reverse(name), {"service": "https://app.example.org/", "ticket": "ST-x"},
                          HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert b"<html" not in response.content.lower()
    assert b"INVALID_REQUEST" in response.content or response.content.startswith(b"no")
