"""Reads of the CAS server: which service a URL is, which SSO session a browser holds."""

import re

from django.http import HttpRequest
from django.utils import timezone

from accounts.http import ParsedUrl, url_parse
from accounts.rows import row_by
from eulogin.readcache import read_cache

from . import conf
from .models import Service, SsoSession
from .tickets import TICKET_GRANTING, ticket_digest, ticket_kind

_NOT_PRINTABLE_ASCII = re.compile("[^\x21-\x7e]")


def service_url_parse(url: str | None) -> ParsedUrl | None:
    """The parsed service URL, or None unless it is short enough, absolute http(s) with a
    host, printable ASCII only (a URL, RFC 3986: anything else arrives percent-encoded, so
    no control characters or whitespace), and parses completely."""
    if not url or _NOT_PRINTABLE_ASCII.search(url):
        return None
    parsed = url_parse(url, max_length=conf.get("CAS_SERVICE_MAX_LENGTH"))
    if parsed is None or parsed.scheme not in ("https", "http") or not parsed.host:
        return None
    # A service URL never carries credentials: 'https://app.example.org:x@evil.net/' goes
    # to evil.net, whatever its first characters say.
    return None if parsed.has_userinfo else parsed


def service_url_acceptable(url: str | None) -> bool:
    return service_url_parse(url) is not None


# The registry, read once per process and again when a service changes (eulogin/readcache.py).
# The instances are shared between requests: read them, never change them.
_enabled_services = read_cache(
    "cas.services", lambda: list(Service.objects.filter(enabled=True).order_by("evaluation_order", "id"))
)


def service_for_url(url: str | None) -> Service | None:
    """The first enabled registered service (by evaluation order) matching `url`, else None.

    The registry is closed: an unregistered URL gets no service, ever.
    """
    if not service_url_acceptable(url):
        return None
    for service in _enabled_services.get():
        if service.matches(url):
            return service
    return None


def sso_session_from_cookie(request: HttpRequest) -> SsoSession | None:
    """The SSO session named by the ticket-granting cookie, whatever its state."""
    value = request.COOKIES.get(conf.get("CAS_SSO_COOKIE_NAME"), "")
    if ticket_kind(value) != TICKET_GRANTING:
        return None
    return SsoSession.objects.select_related("user").filter(ticket_digest=ticket_digest(value)).first()


def sso_session_for_request(request: HttpRequest) -> SsoSession | None:
    """The browser's live SSO session: its cookie names an active TGT bound to this very
    Django session and signed-in user. Anything else is no SSO session."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    value = request.COOKIES.get(conf.get("CAS_SSO_COOKIE_NAME"), "")
    if ticket_kind(value) != TICKET_GRANTING:
        return None
    sso = row_by(SsoSession, "ticket_digest", ticket_digest(value))  # on every ticket issue: no ORM compilation
    if sso is None or not sso.is_active(timezone.now()):
        return None
    if sso.user_id != user.pk or sso.session_key != request.session.session_key:
        return None
    sso.user = getattr(user, "_wrapped", user)  # the very person, already read by the authentication
    return sso
