"""What a request says about its client, read once and the same way everywhere."""

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

USER_AGENT_MAX_LENGTH = 512
# No URL we accept from a request is longer (browsers and proxies cut near 2 KiB to 8 KiB).
URL_MAX_LENGTH = 2048
BRACKETED_HOST = re.compile(r"\[[^\[\]]*\](:[0-9]*)?")


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


@dataclass(frozen=True)
class ParsedUrl:
    """A URL that parsed completely: scheme and host lowercased, the port a number."""

    url: str
    scheme: str
    netloc: str
    host: str
    port: int | None
    has_userinfo: bool
    path: str
    query: str
    fragment: str

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.netloc}"

    @property
    def without_query(self) -> str:
        return f"{self.scheme}://{self.netloc}{self.path}" if self.scheme else self.path

    def query_pairs(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query, keep_blank_values=True)

    def with_query_params(self, params: list[tuple[str, str]]) -> str:
        """The URL with `params` appended to its own query, its fragment kept."""
        return _query_appended((self.scheme, self.netloc, self.path, self.query, self.fragment), params)


def _query_appended(parts: tuple[str, str, str, str, str], params) -> str:
    scheme, netloc, path, query, fragment = parts
    return urlunsplit((scheme, netloc, path, urlencode(parse_qsl(query, keep_blank_values=True) + list(params)),
                       fragment))


def url_with_query(url: str, **params: str) -> str:
    """`url` (a path such as reverse() gives, or an absolute URL we made) with `params`
    appended to its query: the one way to add `next`, `cancel`, `ticket`... to a URL."""
    return _query_appended(tuple(urlsplit(url)), params.items())


# Control characters, DEL and unpaired surrogates (one regular expression: every URL of
# every request goes through url_parse, several times on a ticket issue).
_REFUSED_CHARACTER = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def url_parse(value, *, max_length: int = URL_MAX_LENGTH) -> ParsedUrl | None:
    """Parse a URL that came from a request; None (a refusal) for anything that is not one.

    Every URL a request carries goes through here (service, url, pgtUrl, targetService,
    next, TARGET, the registry's fields) and this never raises: urllib.parse raises
    ValueError for an unclosed or bad IPv6 literal ('http://[::1'), a port that is not a
    number or out of range, and more. Refused as well: empty or overlong values, control
    characters (urllib silently drops tabs and newlines, so what we checked would differ
    from what a browser follows) and unpaired surrogates (not encodable).
    """
    if not isinstance(value, str) or not value or len(value) > max_length:
        return None
    if _REFUSED_CHARACTER.search(value):
        return None
    try:
        parts = urlsplit(value)
        port = parts.port  # ValueError when not a number in 0-65535
        host = parts.hostname or ""
        has_userinfo = parts.username is not None or parts.password is not None or "@" in parts.netloc
        if "[" in parts.netloc or "]" in parts.netloc:
            # Brackets hold an IPv6 address, nothing else: 'https://[v1.x]/' (IPvFuture, which
            # browsers refuse) would otherwise have the same host as 'https://v1.x/'.
            # Nothing but a port may follow them: urllib ignores the 'x' of 'https://[::1]x/'.
            # No zone id ('%eth0'): it names an interface of the machine it is read on.
            if not BRACKETED_HOST.fullmatch(parts.netloc.rpartition("@")[2]) or "%" in host:
                return None
            ipaddress.IPv6Address(host)
    except (ValueError, TypeError, UnicodeError):
        return None
    return ParsedUrl(
        url=value, scheme=parts.scheme.lower(), netloc=parts.netloc, host=host, port=port,
        has_userinfo=has_userinfo, path=parts.path, query=parts.query, fragment=parts.fragment,
    )


def safe_next_url(request: HttpRequest, url: str | None) -> str | None:
    """`url` if it stays on this site, else None: never an open redirect. A path must be
    absolute ('/account/'): redirect() would take 'home' or '0' for the name of a view."""
    parsed = url_parse(url)
    if parsed is None or not (parsed.scheme or parsed.path.startswith("/")):
        return None
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None
