"""Property-based fuzzing of every route (Hypothesis, in-process with Django's test client):
whatever a request carries (URLs of every shape, any text, any bytes, repeated and unknown
parameters), anonymous or signed in, GET or POST, with DEBUG off and on (`make run` is what
people try first), every answer shows:
- no 5xx, and no stack trace in the body;
- no redirect to a host outside the service registry;
- no ticket without a session (an anonymous request never makes one);
- on a back-channel endpoint, its protocol's XML/JSON/text, never HTML.
Derandomized: the same cases on every run, so CI is stable.
"""

import json
import os
import re
from urllib.parse import quote, quote_from_bytes

import pytest
from defusedxml import ElementTree
from django.test import Client
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from accounts.http import url_parse
from accounts.models import User
from cas_server.models import Service, ServiceTicket
from tests.conftest import force_sign_in
from tests.fuzz.strategies import PARAMETERS, REGISTERED_PREFIXES, count, urls
from tests.test_no_server_errors import ROUTES

pytestmark = pytest.mark.django_db

# Cases per DEBUG setting: with the other fuzz tests, well over 10 000 in all.
ROUTE_CASES = int(os.environ.get("EULOGIN_FUZZ_ROUTE_CASES", 2500))
FUZZ = settings(
    max_examples=ROUTE_CASES, deadline=None, derandomize=True, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
BACKCHANNEL = {"/cas/validate", "/cas/serviceValidate", "/cas/proxyValidate", "/cas/p3/serviceValidate",
               "/cas/p3/proxyValidate", "/cas/proxy", "/cas/samlValidate", "/cas/login/init",
               "/cas/TicketValidationService", "/cas/laxValidate", "/cas/sponsorValidate",
               "/cas/interinstitutionalValidate", "/cas/strictValidate"}
OWN_HOSTS = {"testserver"}
TICKET = re.compile(rb"\b(ST|PT)-[A-Za-z0-9]{20,}")
STACK_TRACE = (b"Traceback (most recent call last)", b'id="traceback"', b"Exception Value")


def encode(pairs) -> bytes:
    """Form-encode (name, value) pairs; bytes values go as they are, UTF-8 or not."""
    def part(value) -> str:
        return quote_from_bytes(value, safe="") if isinstance(value, bytes) else quote(value, safe="")

    return "&".join(f"{part(name)}={part(value)}" for name, value in pairs).encode("ascii")


@pytest.fixture
def registry(db):
    services = [
        Service.objects.create(name=f"fuzz {i}", pattern=prefix, slo_enabled=False, proxy_allowed=False,
                               released_attributes=["email"])
        for i, prefix in enumerate(REGISTERED_PREFIXES)
    ]
    services.append(Service.objects.create(name="fuzz regex", match_kind="regex", slo_enabled=False,
                                           pattern=r"https://(a|b)\.example\.org/.*"))
    return services


def registered(services, url: str) -> bool:
    return any(service.matches(url) for service in services)


def check(response, *, route: str, services, signed_in: bool, tickets_before: int | None) -> None:
    status, body = response.status_code, response.content
    assert status < 500, (status, body[:500])
    assert not any(marker in body for marker in STACK_TRACE), body[:2000]
    location = response.get("Location", "")
    if 300 <= status < 400 and location:
        parsed = url_parse(location, max_length=len(location))
        assert parsed is not None, location
        if parsed.host and parsed.host not in OWN_HOSTS:
            assert registered(services, location), f"redirect outside the registry: {location}"
    if not signed_in:
        assert not TICKET.search(location.encode()) and not TICKET.search(body), (location, body[:500])
        assert tickets_before is None or ServiceTicket.objects.count() == tickets_before, "a ticket without a session"
    if route in BACKCHANNEL:
        content_type = response.get("Content-Type", "")
        assert "html" not in content_type, (status, body[:300])
        if "json" in content_type:
            json.loads(body)
        elif "xml" in content_type:
            ElementTree.fromstring(body)
        else:
            assert body == b"no\n\n" or body.startswith(b"yes\n"), body[:300]


@pytest.mark.parametrize("debug", [False, True], ids=["DEBUG-off", "DEBUG-on"])
def test_no_request_breaks_any_route(registry, make_user, settings, debug):
    settings.DEBUG = debug
    settings.DEVOUTBOX_ENABLED = True
    settings.CAS_PROXY_CALLBACK_ALLOW_HTTP_LOOPBACK = True
    people = [make_user()]
    clients = {False: Client(), True: Client()}
    signed_out = [True]  # the signed-in client's state after its last request

    @FUZZ
    @given(
        route=st.sampled_from(ROUTES), post=st.booleans(), signed_in=st.booleans(), parameters=PARAMETERS,
        in_query=st.booleans(),
    )
    def case(route, post, signed_in, parameters, in_query):
        count(f"routes (DEBUG {'on' if debug else 'off'})")
        note(f"{'POST' if post else 'GET'} {route} signed_in={signed_in} in_query={in_query} {parameters!r}")
        client = clients[signed_in]
        if signed_in and signed_out[0]:
            # Some routes sign out, end sessions or delete the account: come back signed in.
            if not User.objects.filter(pk=people[0].pk).exists():
                people[0] = make_user()
            force_sign_in(client, people[0])
        # Only the CAS server issues tickets: count them around its routes.
        tickets_before = ServiceTicket.objects.count() if route.startswith("/cas/") else None
        encoded = encode(parameters).decode("ascii")
        if post:
            path = route + ("?" + encoded if in_query and encoded else "")
            response = client.post(path, encode(parameters), content_type="application/x-www-form-urlencoded")
        else:
            response = client.get(route + ("?" + encoded if encoded else ""))
        # Who the server saw: a signed-in session, or none (also when the session had ended;
        # a back-channel endpoint reads no session at all).
        user = getattr(response.wsgi_request, "user", None)
        authenticated = user is not None and user.is_authenticated
        if signed_in:
            signed_out[0] = not authenticated or "_auth_user_id" not in response.wsgi_request.session
        check(response, route=route, services=registry, signed_in=authenticated,
              tickets_before=None if authenticated else tickets_before)

    case()


ADMIN_CASES = 120
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def test_no_registry_entry_breaks_the_admin_or_the_server(admin_client, registry):
    """The registry's URL fields in Django admin (a prefix, a regular expression, the single
    logout URL): any value is saved or refused with a message, and whatever is saved never
    breaks the CAS server afterwards."""
    add = "/admin/cas/service/add/"
    base = dict(HIDDEN.findall(admin_client.get(add).content.decode()))  # the inlines' management forms
    base.update({"name": "fuzz", "evaluation_order": "1", "released_attributes": "[]", "dialect": "cas",
                 "enabled": "on", "created_at_0": "2024-06-11", "created_at_1": "00:00:00"})
    probe = Client()

    @settings(FUZZ, max_examples=ADMIN_CASES)
    @given(pattern=st.one_of(urls(), st.text(max_size=30)), slo_url=st.one_of(st.just(""), urls()),
           match_kind=st.sampled_from(["prefix", "regex"]), service=urls())
    def case(pattern, slo_url, match_kind, service):
        count("admin registry fields")
        data = {**base, "pattern": pattern, "slo_url": slo_url, "match_kind": match_kind}
        response = admin_client.post(add, data)
        assert response.status_code < 500 and b"Traceback" not in response.content
        saved = Service.objects.filter(name="fuzz").first()
        if saved is not None:
            assert response.status_code == 302
            response = probe.get("/cas/login", {"service": service})
            assert response.status_code < 500, response.content[:300]
            saved.delete()
        else:
            assert response.status_code == 200 and b"errornote" in response.content

    case()
