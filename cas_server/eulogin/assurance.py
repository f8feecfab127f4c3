"""EU Login assurance levels: how sure we are of who a person is (not how they signed in;
that is the strength). Each validation endpoint asks for a minimum; a person below it gets
INVALID_USER.

On the fixed-level endpoints (laxValidate, sponsorValidate, ...) an `assuranceLevel`
parameter may only make the requirement stricter, never weaker: the endpoint's level is a
floor, as a service's strength policy is.
"""

from accounts.models import email_domain

from . import conf

NO_ASSURANCE, LOW, MEDIUM, HIGH, TOP = 0, 10, 20, 30, 40
ASSURANCE_LEVELS = {"NO_ASSURANCE": NO_ASSURANCE, "LOW": LOW, "MEDIUM": MEDIUM, "HIGH": HIGH, "TOP": TOP}
# assuranceLevel values are names or small numbers; longer input is refused unparsed.
ASSURANCE_PARAMETER_MAX_LENGTH = 16


def assurance_parse(text: str) -> int | None:
    """'LOW', 'top' or '20' → the level; None when it is not a known level."""
    text = (text or "").strip().upper()
    if not text or len(text) > ASSURANCE_PARAMETER_MAX_LENGTH:
        return None
    if text in ASSURANCE_LEVELS:
        return ASSURANCE_LEVELS[text]
    if text.isdigit() and int(text) in ASSURANCE_LEVELS.values():
        return int(text)
    return None


def user_domain(user) -> str:
    """'internal' for people of ACCOUNTS_INTERNAL_DOMAINS, 'external' for everyone else
    (self-registered). Stable codes: services compare them."""
    return email_domain(user.email)


def user_assurance_level(user) -> int:
    """The assurance level of `user`, from CAS_EULOGIN_ASSURANCE_BY_DOMAIN (unknown: none)."""
    return int(conf.get("CAS_EULOGIN_ASSURANCE_BY_DOMAIN").get(user_domain(user), NO_ASSURANCE))
