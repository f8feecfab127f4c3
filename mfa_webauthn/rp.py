"""The Relying Party ID and origins, and what makes them usable (WebAuthn §5.1.4, §13.4.9)."""

import ipaddress
import re
from functools import lru_cache
from urllib.parse import urlsplit

from . import conf

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def rp_id_problem(rp_id: str) -> str | None:
    """Why `rp_id` cannot be an RP ID, or None. It must be a domain name in lower case:
    browsers refuse an IP address, a port, a scheme or a path."""
    if not rp_id:
        return "is empty"
    try:
        ipaddress.ip_address(rp_id.strip("[]"))
        return "is an IP address; browsers accept only a domain name (e.g. localhost)"
    except ValueError:
        pass
    if len(rp_id) > 253 or not all(_LABEL.match(label) for label in rp_id.split(".")):
        return "is not a domain name in lower case (no scheme, port or path)"
    return None


def origin_problem(origin: str, rp_id: str) -> str | None:
    """Why a page served from `origin` cannot use credentials of `rp_id`, or None."""
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return "is not an origin"
    host = parts.hostname or ""
    if parts.path or parts.query or parts.fragment or parts.username or parts.password or not host:
        return "is not an origin (scheme://host[:port], nothing after)"
    default_port = {"https": 443, "http": 80}.get(parts.scheme)
    if port == default_port or origin != f"{parts.scheme}://{host}" + (f":{port}" if port is not None else ""):
        return "is not written as browsers send it (lower case, no default port spelt out)"
    local = host == "localhost" or host.endswith(".localhost")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        return "must use https (only http://localhost is allowed over plain http)"
    if host != rp_id and not host.endswith("." + rp_id):
        return f"is not on the RP ID {rp_id!r} or one of its subdomains"
    return None


def rp_usable() -> bool:
    """Whether keys can be used at all with the configured RP ID and origins."""
    return _rp_usable(conf.get("MFA_WEBAUTHN_RP_ID"), tuple(conf.get("MFA_WEBAUTHN_ORIGINS")))


@lru_cache(maxsize=16)
def _rp_usable(rp_id: str, origins: tuple[str, ...]) -> bool:
    # Asked on every page that lists the methods (the sign-in form, each ticket's policy
    # check); the answer depends on the settings alone.
    return rp_id_problem(rp_id) is None and bool(origins) and all(origin_problem(o, rp_id) is None for o in origins)
