"""Validation in EU Login's dialect: the CAS validation of services.ticket_validate (which
consumes the ticket and checks the strength), then the person's assurance level against
what the endpoint or the service asks for (INVALID_USER below it).

Parameters (all optional but `ticket` and `service`):
- `acceptStrengths`: strengths the service accepts, on top of its policy (never looser).
- `assuranceLevel`: NO_ASSURANCE, LOW, MEDIUM, HIGH, TOP or 0/10/20/30/40. The
  TicketValidationService's level (default LOW); on the fixed-level endpoints it can only
  raise their level.
- `ticketTypes`: SERVICE, PROXY or both, comma-separated (default SERVICE).
- `userDetails`: true (default) or false; false keeps the identifiers and the facts of the
  sign-in (user, uid, domain, assuranceLevel, strengths, moniker, loginDate, sso,
  ticketType, authenticationLevel) and drops names, email, locale, domainUsername and the
  masked mobile number.
- `groups`: `*` for every group of the person, or a comma-separated list of the group
  names the service cares about; absent: no groups.
- `format`: XML (default) or JSON.
Any bad parameter is INVALID_REQUEST, and the ticket is consumed all the same.
"""

from dataclasses import dataclass

from django.http import HttpRequest

from accounts.audit import audit_event_record
from accounts.models import AuditEvent

from ..login import cas_flag
from ..models import Service, ServiceTicket
from ..results import INVALID_REQUEST, INVALID_TICKET_SPEC, ValidationResult
from ..selectors import service_for_url, service_url_acceptable
from ..tickets import ticket_kind, ticket_reference
from ..validation import ticket_consume, ticket_validate
from .assurance import LOW, assurance_parse, user_assurance_level

# EU Login's code: the person's assurance level is below what the validation asks for.
INVALID_USER = "INVALID_USER"
TICKET_TYPES = {"SERVICE": ServiceTicket.Kind.SERVICE, "PROXY": ServiceTicket.Kind.PROXY}
FORMATS = ("XML", "JSON")
# ticketTypes is at most "SERVICE,PROXY"; groups a list of group names: 1000 characters
# hold dozens of them. Longer values are refused unparsed.
TICKET_TYPES_MAX_LENGTH = 32
GROUPS_MAX_LENGTH = 1000
ACCEPT_STRENGTHS_MAX_LENGTH = 200


@dataclass
class ValidationParams:
    fmt: str = "XML"
    assurance_level: int = LOW
    ticket_kinds: frozenset = frozenset({ServiceTicket.Kind.SERVICE})
    user_details: bool = True
    groups: str = ""
    accept_strengths: str = ""
    error: str = ""


def validation_params_parse(query, *, endpoint_level: int | None) -> ValidationParams:
    """Read the EU Login validation parameters; `error` says what is wrong, if anything.
    `endpoint_level` is the fixed level of the endpoint (None: TicketValidationService)."""
    params = ValidationParams()
    fmt = (query.get("format") or "XML").strip().upper()
    if fmt not in FORMATS:
        params.error = "Unsupported format; use XML or JSON"
        return params
    params.fmt = fmt
    requested = query.get("assuranceLevel")
    level = LOW if endpoint_level is None else endpoint_level
    if requested is not None:
        parsed = assurance_parse(requested)
        if parsed is None:
            params.error = "Unknown 'assuranceLevel'"
            return params
        level = parsed if endpoint_level is None else max(endpoint_level, parsed)
    params.assurance_level = level
    types = query.get("ticketTypes")
    if types is not None:
        names = {t.strip().upper() for t in types[: TICKET_TYPES_MAX_LENGTH + 1].split(",") if t.strip()}
        if len(types) > TICKET_TYPES_MAX_LENGTH or not names or names - set(TICKET_TYPES):
            params.error = "Unknown 'ticketTypes'; use SERVICE, PROXY or both"
            return params
        params.ticket_kinds = frozenset(TICKET_TYPES[n] for n in names)
    groups = query.get("groups") or ""
    if len(groups) > GROUPS_MAX_LENGTH:
        params.error = "'groups' is too long"
        return params
    params.groups = groups.strip()
    accept = query.get("acceptStrengths") or ""
    if len(accept) > ACCEPT_STRENGTHS_MAX_LENGTH:
        params.error = "'acceptStrengths' is too long"
        return params
    params.accept_strengths = accept
    params.user_details = cas_flag(query.get("userDetails"), default=True)
    return params


def eulogin_ticket_validate(
    *, request: HttpRequest, ticket_value: str, service_url: str, params: ValidationParams,
) -> ValidationResult:
    """Validate (and consume) a ticket, then check its type and the person's assurance."""
    if params.error:
        if ticket_kind(ticket_value):
            ticket_consume(ticket_value)  # any validation attempt consumes the ticket
        return ValidationResult(code=INVALID_REQUEST, description=params.error)
    result = ticket_validate(
        request=request, ticket_value=ticket_value, service_url=service_url,
        allow_proxy_tickets=ServiceTicket.Kind.PROXY in params.ticket_kinds,
        accept_strengths=params.accept_strengths,
    )
    if not result.success:
        return result
    ticket = result.ticket
    user = ticket.sso_session.user
    if ticket.kind not in params.ticket_kinds:
        return _refuse(request, ticket, INVALID_TICKET_SPEC, "This ticket type is not accepted ('ticketTypes')")
    if user_assurance_level(user) < params.assurance_level:
        return _refuse(request, ticket, INVALID_USER, "The user's assurance level is below the level required")
    return result


def _refuse(request: HttpRequest, ticket: ServiceTicket, code: str, description: str) -> ValidationResult:
    """Undo the success ticket_validate recorded: the ticket stays consumed, not validated."""
    ServiceTicket.objects.filter(pk=ticket.pk).update(validated=False)
    audit_event_record(
        kind=AuditEvent.Kind.TICKET_REFUSED, request=request, user=ticket.sso_session.user,
        ticket=ticket_reference(ticket.ticket), reason=code, service_url=ticket.service_url[:200],
    )
    return ValidationResult(code=code, description=description)


def eulogin_dialect_chosen(result: ValidationResult, service_url: str) -> bool:
    """Whether a standard validation endpoint answers in EU Login's form: the registered
    service of the ticket (or, on failure, of `service`) chose that dialect."""
    if result.ticket is not None and result.ticket.service is not None:
        return result.ticket.service.dialect == Service.Dialect.EULOGIN
    if service_url_acceptable(service_url):
        service = service_for_url(service_url)
        return service is not None and service.dialect == Service.Dialect.EULOGIN
    return False
