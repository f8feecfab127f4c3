"""Settings of the CAS server, with their defaults, read at call time.

Every limit says its number and why. Override any of them in Django settings under the
same name.
"""

from django.conf import settings

DEFAULTS = {
    # Service and proxy tickets live 10 seconds: the browser follows the redirect and the
    # service validates at once; the specification recommends at most five minutes.
    "CAS_SERVICE_TICKET_SECONDS": 10,
    # An SSO session (TGT) ends after 2 hours without a ticket issued from it...
    "CAS_SSO_IDLE_SECONDS": 2 * 3600,
    # ...and in any case 8 hours after the sign-in (a working day), like the session.
    "CAS_SSO_MAX_SECONDS": 8 * 3600,
    # Activity of an SSO session is written again once it is 60 seconds old (or its factors
    # changed), not on every ticket: the idle limit may fall up to 60 s early, never late.
    "CAS_SSO_TOUCH_SECONDS": 60,
    # Remember-me (long-term) SSO sessions: 7 days, idle or not (the specification caps
    # long-term tickets at 3 months; a week keeps a shared computer's exposure short).
    "CAS_REMEMBER_ME_SECONDS": 7 * 24 * 3600,
    # The ticket-granting cookie: its name starts with "TGC-" as the specification asks.
    "CAS_SSO_COOKIE_NAME": "TGC-eulogin",
    "CAS_SSO_COOKIE_SAMESITE": "Lax",
    # Secure everywhere but plain-HTTP development; follows the session cookie setting.
    "CAS_SSO_COOKIE_SECURE": None,
    # Longest service URL accepted: 1024 characters. It travels through the sign-in inside
    # the `next` URL, which the accounts app caps at 2048 characters; a random 1024-character
    # URL still fits there once signed and encoded (tested).
    "CAS_SERVICE_MAX_LENGTH": 1024,
    # Longest ticket looked up: 256 characters, the length the specification asks
    # services to support; anything longer is refused before touching the database.
    "CAS_TICKET_MAX_LENGTH": 256,
    # Largest SAML 1.1 request body read by /samlValidate: 16 KiB (a request is ~500 bytes).
    "CAS_SAML_MAX_BODY_BYTES": 16 * 1024,
    # Proxy callbacks: 5 seconds to connect and answer, HTTPS with a verified certificate.
    "CAS_PROXY_CALLBACK_TIMEOUT_SECONDS": 5,
    # Tests only: plain http:// callbacks to loopback addresses (never in production).
    "CAS_PROXY_CALLBACK_ALLOW_HTTP_LOOPBACK": False,
    # A proxy-granting ticket dies with its SSO session at the latest.
    # Single logout: 5 seconds per callback, 3 retries at most (backoff 10 s, 20 s, 40 s),
    # so one unreachable service cannot hold a worker for long.
    "CAS_SLO_TIMEOUT_SECONDS": 5,
    "CAS_SLO_MAX_RETRIES": 3,
    "CAS_SLO_RETRY_BACKOFF_SECONDS": 10,
    # A single logout nothing tried for 2 minutes (the broker was down) is queued again
    # by the sweep of cas_server.requeue, every minute: longer than the retries' backoff.
    "CAS_SLO_REQUEUE_AFTER_SECONDS": 120,
    # Ended or expired tickets and SSO sessions are kept 1 day for support, then purged.
    "CAS_PURGE_AFTER_SECONDS": 24 * 3600,
    # The XML element names of the released user attributes.
    "CAS_RELEASABLE_ATTRIBUTES": ["email", "firstName", "lastName", "domain", "locale"],
    # The name of the issuer in SAML 1.1 assertions.
    "CAS_SAML_ISSUER": "eulogin",
    # Relying-service policy (see policy.py): dotted paths, like EMAIL_BACKEND.
    "CAS_REQUIREMENT_RESOLVER": "cas_server.policy.requirement_from_parameters",
    "CAS_STEP_UP_HANDLER": "cas_server.policy.step_up_to_factor",
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])


def sso_cookie_secure() -> bool:
    value = get("CAS_SSO_COOKIE_SECURE")
    return settings.SESSION_COOKIE_SECURE if value is None else bool(value)
