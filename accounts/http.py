"""What a request says about its client, read once and the same way everywhere."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

USER_AGENT_MAX_LENGTH = 512


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the entry that our own trusted proxies added
    to X-Forwarded-For (never one the client could have written itself)."""
    proxies = getattr(settings, "EULOGIN_TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def client_user_agent(request: HttpRequest) -> str:
    # No NUL: PostgreSQL text cannot hold it.
    return request.META.get("HTTP_USER_AGENT", "").replace("\x00", "")[:USER_AGENT_MAX_LENGTH]


def safe_next_url(request: HttpRequest, url: str | None) -> str | None:
    """`url` if it stays on this site, else None: never an open redirect."""
    if url and len(url) <= 2048 and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None
