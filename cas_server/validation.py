"""Service tickets: issued from an SSO session at /cas/login, validated once by the service."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import audit_event_build, audit_event_record, audit_event_written
from accounts.factors import strengths_for
from accounts.http import url_parse
from accounts.models import AuditEvent
from accounts.rows import insert_done, insert_sending, insert_values, model_from_row, row_insert
from accounts.strengths import Requirement, UnknownRequirement

from . import conf
from .models import Service, ServiceTicket, SsoSession
from .policy import login_requirement
from .proxy import proxy_granting_ticket_issue
from .results import (
    INVALID_REQUEST,
    INVALID_SERVICE,
    INVALID_STRENGTH,
    INVALID_TICKET,
    INVALID_TICKET_SPEC,
    ValidationResult,
)
from .sso import sso_session_refresh
from .tickets import (
    PROXY,
    SERVICE,
    ticket_kind,
    ticket_new,
    ticket_reference,
)


class ServiceGone(Exception):
    """The service was removed from the registry after this process last read it."""


def service_ticket_issue(
    *, request: HttpRequest, sso: SsoSession, service: Service, service_url: str, from_new_login: bool,
    requirement: Requirement | None = None,
) -> ServiceTicket:
    """Issue an ST for `service_url` from the SSO session, recording what was proved and
    which strengths the service accepted for this login (checked again on validation).
    Raises ServiceGone when the service's row is gone (deleted since the registry was read)."""
    now = timezone.now()
    sso_session_refresh(sso=sso, request=request)
    ticket = _service_ticket_new(sso=sso, service=service, service_url=service_url, now=now,
                                 from_new_login=from_new_login, requirement=requirement)
    event = audit_event_build(
        kind=AuditEvent.Kind.TICKET_ISSUED, request=request, user=sso.user, ticket=ticket_reference(ticket.ticket),
        service=service.name, from_new_login=from_new_login, strength=sso.strength,
    )
    try:  # in autocommit (requests), the deferred foreign key is checked by this very statement
        if connection.vendor == "postgresql":
            _ticket_and_event_insert(ticket, event)
        else:
            ticket.save(force_insert=True)
            row_insert(event)
    except IntegrityError as error:
        if not Service.objects.filter(pk=service.pk).exists():
            raise ServiceGone(service.pk) from error
        raise
    return ticket


def _ticket_and_event_insert(ticket: ServiceTicket, event) -> None:
    """PostgreSQL: the ticket and its audit event in one statement (one round trip, one
    commit); either both rows are written or neither."""
    insert_sending(ticket)
    insert_sending(event)
    ticket_target, ticket_values, ticket_params = insert_values(ticket)
    event_target, event_values, event_params = insert_values(event)
    with connection.cursor() as cursor:
        cursor.execute(
            f'WITH t AS (INSERT INTO {ticket_target} VALUES ({ticket_values}) RETURNING "id"),'
            f' a AS (INSERT INTO {event_target} VALUES ({event_values}) RETURNING "id")'
            " SELECT t.id, a.id FROM t, a",
            ticket_params + event_params,
        )
        ticket_id, event_id = cursor.fetchone()
    insert_done(ticket, ticket_id)
    audit_event_written(event, event_id)


def _service_ticket_new(*, sso, service, service_url, now, from_new_login, requirement) -> ServiceTicket:
    return ServiceTicket(
        ticket=ticket_new(SERVICE),
        kind=ServiceTicket.Kind.SERVICE,
        sso_session=sso,
        service=service,
        service_url=service_url,
        from_new_login=from_new_login,
        authenticated_at=sso.authenticated_at,
        factors=sso.factors,
        strength=sso.strength,
        accepted_strengths=str(requirement) if requirement is not None else "",
        remember_me=sso.remember_me,
        created_at=now,
        expires_at=now + timedelta(seconds=conf.get("CAS_SERVICE_TICKET_SECONDS")),
    )


def service_url_with_ticket(service_url: str, ticket: str) -> str:
    """The service URL with `ticket` appended, keeping its own query and fragment. The URL
    was accepted by the registry (selectors.service_url_parse), so it parses."""
    return url_parse(service_url, max_length=len(service_url)).with_query_params([("ticket", ticket)])


def _failure(code: str, description: str, *, request, ticket_value: str, service_url: str, user=None):
    audit_event_record(
        kind=AuditEvent.Kind.TICKET_REFUSED, request=request, user=user, ticket=ticket_reference(ticket_value),
        reason=code, service_url=(service_url or "")[:200],
    )
    return ValidationResult(code=code, description=description)


def ticket_consume(value: str, *, validated: bool = False) -> ServiceTicket | None:
    """Take a ticket for one validation attempt: exactly one caller ever gets it.

    A conditional UPDATE (consumed_at IS NULL) makes the database decide atomically;
    whoever loses the race, or comes later, gets None. `validated` marks it validated in the
    same statement (the caller unmarks it if the validation then fails).
    """
    now = timezone.now()
    if connection.vendor == "postgresql":
        return _ticket_consume_joined(value, now=now, validated=validated)
    taken = ServiceTicket.objects.filter(ticket=value, consumed_at__isnull=True).update(
        consumed_at=now, validated=validated)
    if taken != 1:
        return None
    return ServiceTicket.objects.select_related("sso_session", "sso_session__user", "service").get(ticket=value)


def _consumed_parts() -> list[tuple[type, str]]:
    return [(ServiceTicket, "t"), (SsoSession, "s"), (get_user_model(), "u"), (Service, "v")]


_consume_sql: dict[str, str] = {}


def _ticket_consume_statement() -> str:
    """The statement of _ticket_consume_joined, built once per process."""
    if "sql" not in _consume_sql:
        parts = _consumed_parts()
        columns = ", ".join(f'{alias}."{f.column}"' for model, alias in parts for f in model._meta.concrete_fields)
        table = {alias: model._meta.db_table for model, alias in parts}
        _consume_sql["sql"] = (
            f'WITH t AS (UPDATE "{table["t"]}" SET "consumed_at" = %s, "validated" = %s'
            f' WHERE "ticket" = %s AND "consumed_at" IS NULL RETURNING *)'
            f' SELECT {columns} FROM t JOIN "{table["s"]}" s ON s."id" = t."sso_session_id"'
            f' LEFT JOIN "{table["u"]}" u ON u."id" = s."user_id" LEFT JOIN "{table["v"]}" v ON v."id" = t."service_id"'
        )
    return _consume_sql["sql"]


def _ticket_consume_joined(value: str, *, now: datetime, validated: bool) -> ServiceTicket | None:
    """PostgreSQL: the same conditional UPDATE, in one round trip with the reads it is
    followed by (a data-modifying CTE: the row lock decides between racers as before)."""
    with connection.cursor() as cursor:
        cursor.execute(_ticket_consume_statement(), [now, validated, value])
        row = cursor.fetchone()
    if row is None:
        return None
    instances, start = [], 0
    for model, _alias in _consumed_parts():
        width = len(model._meta.concrete_fields)
        values = row[start:start + width]
        start += width
        # No such row (LEFT JOIN): an account or service since deleted.
        instances.append(None if values[0] is None else model_from_row(model, values))
    ticket, sso, user, service = instances
    sso.user, ticket.sso_session, ticket.service = user, sso, service
    return ticket


def ticket_validate(
    *,
    request: HttpRequest,
    ticket_value: str,
    service_url: str,
    renew: bool = False,
    pgt_url: str = "",
    allow_proxy_tickets: bool = False,
    accept_strengths: str = "",
) -> ValidationResult:
    """Validate an ST (or a PT when `allow_proxy_tickets`) for `service_url`.

    Any attempt consumes the ticket, whatever the outcome (specification 3.1.1). The
    ticket's strength must satisfy, now, the service's policy, what the login asked for,
    and `accept_strengths` (EU Login validation parameter).
    """
    fail = lambda code, text, user=None: _failure(  # noqa: E731
        code, text, request=request, ticket_value=ticket_value, service_url=service_url, user=user
    )
    if not ticket_value or not service_url:
        if ticket_value and ticket_kind(ticket_value):
            ticket_consume(ticket_value)
        return fail(INVALID_REQUEST, "'service' and 'ticket' parameters are both required")
    kind = ticket_kind(ticket_value)
    if kind not in (SERVICE, PROXY):
        return fail(INVALID_TICKET, "Ticket is not a service or proxy ticket of this server")
    ticket = ticket_consume(ticket_value, validated=True)  # the success is the common case
    if ticket is None:
        return fail(INVALID_TICKET, f"Ticket {ticket_reference(ticket_value)} not recognized")

    def refuse(code, text, user=None):  # consumed, marked validated: unmark it
        ServiceTicket.objects.filter(pk=ticket.pk).update(validated=False)
        return _failure(code, text, request=request, ticket_value=ticket_value, service_url=service_url, user=user)

    user = ticket.sso_session.user
    if user is None:
        return refuse(INVALID_TICKET, "The account of this ticket no longer exists")
    if ticket.kind == ServiceTicket.Kind.PROXY and not allow_proxy_tickets:
        return refuse(INVALID_TICKET_SPEC, "A proxy ticket was presented; this endpoint validates service tickets only", user)
    if ticket.expires_at <= ticket.consumed_at:
        return refuse(INVALID_TICKET, "Ticket expired", user)
    if ticket.sso_session.ended_at is not None or not user.is_active or user.locked_at:
        return refuse(INVALID_TICKET, "The single sign-on session of this ticket has ended", user)
    if ticket.service_url != service_url:
        return refuse(INVALID_SERVICE, "Ticket was not issued for this service", user)
    if renew and not ticket.from_new_login:
        return refuse(INVALID_TICKET, "Ticket was not issued from a new login (renew was requested)", user)
    try:
        strong_enough = ticket_strength_accepted(ticket, accept_strengths=accept_strengths)
    except UnknownRequirement:
        return refuse(INVALID_REQUEST, "Unknown strength in 'acceptStrengths'", user)
    if not strong_enough:
        return refuse(INVALID_STRENGTH, "The authentication strength of this ticket is not accepted for this service", user)

    result = ValidationResult(ticket=ticket, proxies=list(ticket.proxies))
    if pgt_url:
        outcome = proxy_granting_ticket_issue(request=request, ticket=ticket, pgt_url=pgt_url)
        if outcome.code:
            return refuse(outcome.code, outcome.description, user)
        result.pgt_iou = outcome.pgt_iou
    audit_event_record(
        kind=AuditEvent.Kind.TICKET_VALIDATED, request=request, user=user, ticket=ticket_reference(ticket_value),
        service=ticket.service.name if ticket.service else "", proxied=bool(ticket.proxies),
        pgt=bool(result.pgt_iou),
    )
    return result


def ticket_strength_accepted(ticket: ServiceTicket, *, accept_strengths: str = "") -> bool:
    """Whether the factors behind `ticket` satisfy its service's policy now, the strengths
    accepted when it was issued, and `accept_strengths`. Raises UnknownRequirement."""
    requirement = login_requirement(service=ticket.service, accept_strengths=accept_strengths)
    if ticket.accepted_strengths:
        requirement = requirement.combine(Requirement.parse(ticket.accepted_strengths))
    return requirement.is_met_by(strengths_for({f.get("kind", "") for f in ticket.factors}))
