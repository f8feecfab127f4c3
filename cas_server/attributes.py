"""What a validation response says about the person: CAS 3 attributes and released
user attributes. One function decides it, so per-service policies can extend it."""


from accounts.factors import factor_get, strengths_for
from accounts.models import email_domain
from accounts.strengths import strongest_level

from .formats import utc_timestamp
from .models import ServiceTicket


def user_identifier(user) -> str:
    """The <cas:user> value: the person's email address (their sign-in identifier)."""
    return user.email


def _user_attribute(user, name: str) -> str:
    if name == "email":
        return user.email
    if name == "firstName":
        return user.first_name
    if name == "lastName":
        return user.last_name
    if name == "domain":
        return email_domain(user.email)  # stable codes, not the translated label
    if name == "locale":
        return user.preferred_language or ""
    return ""


def _iso(value) -> str:
    return utc_timestamp(value)


def ticket_strengths(ticket: ServiceTicket) -> list[str]:
    """Every strength the factors behind `ticket` satisfy, strongest first."""
    return strengths_for({f.get("kind", "") for f in ticket.factors})


def ticket_level(ticket: ServiceTicket) -> str:
    """The authentication level (BASIC, MEDIUM, HIGH) of the sign-in behind `ticket`."""
    return strongest_level(ticket_strengths(ticket)) or ""


def ticket_attributes(ticket: ServiceTicket, *, release_user_attributes: bool = True) -> dict[str, list[str]]:
    """The attributes of a successful validation, each a list of string values.

    Always: authenticationDate, isFromNewLogin, longTermAuthenticationRequestTokenUsed,
    the session's strength and the factors proved. Then the user attributes the service
    is registered to receive.
    """
    attributes: dict[str, list[str]] = {
        "authenticationDate": [_iso(ticket.authenticated_at)],
        "isFromNewLogin": ["true" if ticket.from_new_login else "false"],
        "longTermAuthenticationRequestTokenUsed": ["true" if ticket.remember_me else "false"],
        "strength": [ticket.strength] if ticket.strength else [],
        "authenticationLevel": [ticket_level(ticket)] if ticket_level(ticket) else [],
        "authenticationFactors": [f.get("kind", "") for f in ticket.factors if f.get("kind")],
    }
    for proved in ticket.factors:
        factor = factor_get(proved.get("kind", ""))
        for name, values in (factor.cas_attributes(proved) if factor is not None else {}).items():
            attributes.setdefault(name, []).extend(values)
    if release_user_attributes and ticket.service is not None:
        user = ticket.sso_session.user
        for name in ticket.service.released_attributes:
            value = _user_attribute(user, name)
            if value:
                attributes[name] = [value]
    return {name: values for name, values in attributes.items() if values}
