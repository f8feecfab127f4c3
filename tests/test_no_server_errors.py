"""No URL of eulogin answers a 500 to junk: every route, anonymous and signed in, GET and
POST, with odd parameters (overlong, Unicode, NUL, empty, arrays)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

JUNK = {
    "service": "https://evil.example.net/" + "x" * 3000,
    "ticket": "ST-\u0000" + "é" * 300,
    "next": "//evil.example.net/\r\nSet-Cookie: x=y",
    "email": "\u0000@\u202e.example.org",
    "password": "p" * 10000,
    "code": "🔑" * 50,
    "phone": "+99 000",
    "method": "TELEPATHY",
    "format": "YAML",
    "pgtUrl": "file:///etc/passwd",
    "targetService": "",
    "loginRequestId": "LR-" + "0" * 500,
    "acceptStrengths": ",,,",
    "locale": "fr\u0000",
    "authenticationLevel": "\u0000",
    "assuranceLevel": "-1",
    "renew": "\u0000",
    "language": "xx",
    "action": "explode",
    "device": "99999999",
}


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin/"):
                continue  # Django's own admin, covered by tests/test_admin_pages.py
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            for name, converter in entry.pattern.converters.items():
                route = route.replace(f"<{'int' if 'Int' in type(converter).__name__ else 'str'}:{name}>",
                                      "999999" if "Int" in type(converter).__name__ else "junk")
            if "<" not in route and "^" not in route:
                yield "/" + route.lstrip("^").rstrip("$")


ROUTES = sorted(set(_routes()))


def test_the_route_list_is_not_empty():
    assert "/cas/login" in ROUTES and "/account/login/" in ROUTES and len(ROUTES) > 40


@pytest.mark.parametrize("route", ROUTES)
def test_junk_never_gives_a_server_error(client, user, route, settings):
    settings.DEVOUTBOX_ENABLED = True
    for signed_in in (False, True):
        if signed_in:
            sign_in(client, user.email)
        for method in ("get", "post"):
            response = getattr(client, method)(route, JUNK)
            assert response.status_code < 500, (method, route, signed_in, response.status_code)
            response = getattr(client, method)(route, {k: [v, v] for k, v in JUNK.items()})
            assert response.status_code < 500, (method, route, signed_in, "arrays", response.status_code)
