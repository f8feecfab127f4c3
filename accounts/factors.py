"""What the person proved in this session, and the strength that follows from it.

The session records each factor proved (its kind, when, and a non-secret detail such as
the masked phone number). The strength is derived from the set of factors with EU Login's
names; nothing else decides it, so the CAS server and the policies read one truth.
"""

from django.http import HttpRequest
from django.utils import timezone

SESSION_KEY = "eulogin_factors"

# Factor kinds.
PASSWORD = "PASSWORD"
SMS = "SMS"

# Strengths, EU Login's names.
STRENGTH_NONE = ""
STRENGTH_PASSWORD = "PASSWORD"
STRENGTH_PASSWORD_SMS = "PASSWORD_SMS"

# The second factor that, with a password, gives each two-factor strength.
_TWO_FACTOR_STRENGTHS = {SMS: STRENGTH_PASSWORD_SMS}


def strengths_for(kinds: set[str]) -> list[str]:
    """Every strength a set of factors satisfies, strongest first."""
    if PASSWORD not in kinds:
        return []
    strong = [strength for factor, strength in _TWO_FACTOR_STRENGTHS.items() if factor in kinds]
    return strong + [STRENGTH_PASSWORD]


def session_factors(request: HttpRequest) -> list[dict]:
    return list(request.session.get(SESSION_KEY, []))


def session_factor_kinds(request: HttpRequest) -> set[str]:
    return {f["kind"] for f in session_factors(request)}


def session_strength(request: HttpRequest) -> str:
    """The strongest strength of this session, or '' when nothing is proved."""
    strengths = strengths_for(session_factor_kinds(request))
    return strengths[0] if strengths else STRENGTH_NONE


def session_factor_add(request: HttpRequest, *, kind: str, **detail) -> None:
    """Record that `kind` was proved now. `detail` must hold nothing secret."""
    factors = [f for f in session_factors(request) if f["kind"] != kind]
    factors.append({"kind": kind, "at": timezone.now().isoformat(), **detail})
    request.session[SESSION_KEY] = factors
