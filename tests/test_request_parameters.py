"""No request parameter produces a 500: URLs Python's urllib refuses outright (ValueError),
NUL (which PostgreSQL cannot store), overlong addresses, relative `next` values that
Django would take for view names. The property-based fuzz test over every route is
tests/fuzz/test_routes.py; these are the classes it found, pinned down."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.http import url_parse
from cas_server.models import Service
from tests.cas_server.conftest import asks_for_credentials
from tests.conftest import force_sign_in

pytestmark = pytest.mark.django_db

# Each makes urllib.parse raise ValueError (urlsplit, or .port / .hostname afterwards), or
# is read by it otherwise than a browser would (IPvFuture, text after ']', a zone id).
UNPARSABLE = [
    "http://[::1", "https://[::1/", "https://app.example.org:99999/", "https://app.example.org:x/",
    "https://app.example.org:-1/", "https://[zz]/", "https://[v1.x]/", "https://]/", "http://a:b@[::1/",
    "https://[::1]x/", "https://app.example.org/\x00", "https://app.example.org/\r\n", "http://[fe80::1%eth0]/",
]


@pytest.mark.parametrize("url", UNPARSABLE)
def test_the_url_helper_refuses_without_raising(url):
    assert url_parse(url) is None


@pytest.mark.parametrize("url", ["https://app.example.org/", "https://[2001:db8::1]:8443/a?b=c#d", "/account/"])
def test_the_url_helper_parses(url):
    parsed = url_parse(url)
    assert parsed is not None and parsed.url == url


@pytest.fixture
def services(db):
    Service.objects.create(name="app", pattern="https://app.example.org/")
    Service.objects.create(name="v6", pattern="https://[2001:db8::1]/")


@pytest.mark.parametrize("url", UNPARSABLE)
@pytest.mark.parametrize("signed_in", [False, True])
def test_unparsable_urls_get_a_4xx_or_a_page_never_a_500(client, user, services, url, signed_in, settings):
    settings.CAS_PROXY_CALLBACK_ALLOW_HTTP_LOOPBACK = True
    if signed_in:
        force_sign_in(client, user)
    assert client.get(reverse("cas:login"), {"service": url}).status_code == 400
    response = client.get(reverse("cas:logout"), {"service": url, "url": url})
    assert response.status_code == 200 and "Location" not in response
    for name in ("cas:service_validate", "cas:proxy_validate", "cas:p3_service_validate", "cas:lax_validate"):
        response = client.get(reverse(name), {"ticket": "ST-abc", "service": url, "pgtUrl": url})
        assert response.status_code == 200 and b"authenticationFailure" in response.content
    response = client.get(reverse("cas:proxy"), {"pgt": "PGT-abc", "targetService": url})
    assert response.status_code == 200 and b"proxyFailure" in response.content
    response = client.post(reverse("cas:login_init"), {"service": url})
    assert response.status_code == 400 and b"INVALID_SERVICE" in response.content
    assert client.get(reverse("accounts:login"), {"next": url}).status_code == 200


@pytest.mark.parametrize("pattern", ["https://[::1", "https://app.example.org:99999/", "https://[zz]/"])
def test_the_registry_refuses_a_prefix_that_does_not_parse(admin_client, pattern):
    """Saved, such a prefix used to break every /cas/login (each URL is matched against it)."""
    page = admin_client.get("/admin/cas/service/add/").content.decode()
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    data.update({"name": "broken", "match_kind": "prefix", "pattern": pattern, "evaluation_order": "1",
                 "released_attributes": "[]", "dialect": "cas", "created_at_0": "2024-06-11",
                 "created_at_1": "00:00:00", "slo_url": "https://[::1"})
    response = admin_client.post("/admin/cas/service/add/", data)
    assert response.status_code == 200 and b"errornote" in response.content
    assert not Service.objects.filter(name="broken").exists()


def test_a_prefix_that_does_not_parse_matches_nothing_and_breaks_nothing(client, services):
    Service.objects.create(name="old, broken", pattern="https://[::1", evaluation_order=1)
    response = client.get(reverse("cas:login"), {"service": "https://app.example.org/x"})
    assert asks_for_credentials(response)  # the sign-in form, served by /cas/login


@pytest.mark.parametrize("next_url", ["0", "home", "accounts:home", "x"])
def test_a_relative_next_is_ignored_not_taken_for_a_view_name(client, user, next_url):
    force_sign_in(client, user)
    response = client.get(reverse("mfa_sms:verify"), {"next": next_url})  # no phone yet: off to add one
    assert response.status_code == 302 and response["Location"] == reverse("mfa_sms:phones")


@pytest.mark.parametrize("debug", [False, True])
def test_nul_in_any_parameter_never_reaches_postgresql(client, user, services, settings, debug):
    """A NUL in `service` went into the audit log's JSON (PostgreSQL refused it: 500)."""
    settings.DEBUG = debug
    response = client.get(reverse("cas:service_validate"), {"ticket": "ST-abc", "service": "https://a\x00"})
    assert response.status_code == 200 and b"INVALID_TICKET" in response.content
    response = client.post(reverse("cas:lax_validate"), {"ticket": "ST-abc", "service": "\x00"})
    assert response.status_code == 200 and b"authenticationFailure" in response.content
    response = client.post(reverse("accounts:login"), {"email": "a\x00@example.org", "next": "/\x00"})
    assert response.status_code == 400


@pytest.mark.parametrize("debug", [False, True])
def test_an_overlong_address_gets_a_414_page(client, db, settings, debug):
    settings.DEBUG = debug
    response = client.get("/account/", {"service": "x" * 20_000})  # sign-in redirect would carry it all
    assert response.status_code == 414 and b'id="request-refused"' in response.content
    assert b"Traceback" not in response.content
    # A back-channel endpoint answers in its protocol instead.
    response = Client().get(reverse("cas:service_validate"), {"ticket": "ST-abc", "service": "x" * 20_000})
    assert response.status_code == 200 and b"authenticationFailure" in response.content
