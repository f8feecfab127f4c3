"""Writes of the CAS server: SSO sessions, tickets, validation, proxying, single logout."""

import ipaddress
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import requests
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import audit_event_record
from accounts.factors import PASSWORD, session_factors, session_strength, strengths_for
from accounts.http import url_parse
from accounts.models import AuditEvent
from accounts.strengths import Requirement, UnknownRequirement
from traces_gateway.selectors import login_requirement

from . import conf
from .models import ProxyGrantingTicket, Service, ServiceTicket, SsoSession
from .selectors import service_for_url, service_url_parse
from .tickets import (
    PROXY,
    PROXY_GRANTING,
    PROXY_GRANTING_IOU,
    SERVICE,
    TICKET_GRANTING,
    ticket_digest,
    ticket_kind,
    ticket_new,
    ticket_reference,
)

logger = logging.getLogger(__name__)


# --- SSO sessions (TGT) ------------------------------------------------------------------

def session_authenticated_at(request: HttpRequest) -> datetime:
    """When the password of this session was proved (the start of the SSO session)."""
    for factor in session_factors(request):
        if factor.get("kind") == PASSWORD and factor.get("at"):
            try:
                return datetime.fromisoformat(factor["at"])
            except ValueError:
                break
    return timezone.now()


def sso_session_start(*, request: HttpRequest, remember_me: bool = False) -> tuple[SsoSession, str]:
    """Open the SSO session of the signed-in `request.user`, bound to this Django session.

    Returns the session and the raw TGT, which only ever goes into the cookie.
    """
    if not request.session.session_key:
        request.session.save()
    now = timezone.now()
    authenticated_at = min(session_authenticated_at(request), now)
    if remember_me:
        expires_at = now + timedelta(seconds=conf.get("CAS_REMEMBER_ME_SECONDS"))
    else:
        expires_at = authenticated_at + timedelta(seconds=conf.get("CAS_SSO_MAX_SECONDS"))
    raw = ticket_new(TICKET_GRANTING)
    sso = SsoSession.objects.create(
        ticket_digest=ticket_digest(raw),
        user=request.user,
        session_key=request.session.session_key,
        authenticated_at=authenticated_at,
        factors=session_factors(request),
        strength=session_strength(request),
        remember_me=remember_me,
        created_at=now,
        last_used_at=now,
        expires_at=expires_at,
    )
    if remember_me:
        # The Django session must live as long as the long-term SSO session it carries.
        request.session.set_expiry(conf.get("CAS_REMEMBER_ME_SECONDS"))
    return sso, raw


def sso_session_establish(*, request: HttpRequest, fresh: bool, remember_me: bool) -> tuple[SsoSession, str | None]:
    """The SSO session to issue tickets from, for a signed-in request.

    The cookie's live TGT of the same person follows the session to its new key (the
    accounts sign-in always issues a new key); after fresh credentials it gets a new TGT
    value and new limits, keeping the services it signed in to for single logout. Another
    person's TGT ends. Otherwise a new TGT starts. `remember_me` counts only with fresh
    credentials. Returns (session, raw TGT to set in the cookie, or None to keep it).
    """
    from .selectors import sso_session_from_cookie

    remember_me = remember_me and fresh
    sso = sso_session_from_cookie(request)
    if sso is not None and sso.is_active():
        if sso.user_id == request.user.pk:
            if not fresh:
                if sso.session_key != request.session.session_key:
                    sso.session_key = request.session.session_key
                    sso.save(update_fields=["session_key"])
                return sso, None
            now = timezone.now()
            raw = ticket_new(TICKET_GRANTING)
            sso.ticket_digest = ticket_digest(raw)
            sso.session_key = request.session.session_key
            sso.authenticated_at = min(session_authenticated_at(request), now)
            sso.remember_me = remember_me
            sso.expires_at = (now + timedelta(seconds=conf.get("CAS_REMEMBER_ME_SECONDS")) if remember_me
                              else sso.authenticated_at + timedelta(seconds=conf.get("CAS_SSO_MAX_SECONDS")))
            sso.save(update_fields=["ticket_digest", "session_key", "authenticated_at", "remember_me", "expires_at"])
            if remember_me:
                request.session.set_expiry(conf.get("CAS_REMEMBER_ME_SECONDS"))
            return sso, raw
        sso_session_end(sso=sso, reason="other_user")
    return sso_session_start(request=request, remember_me=remember_me)


def sso_session_refresh(*, sso: SsoSession, request: HttpRequest) -> SsoSession:
    """Record activity and what the session has proved since (e.g. a second factor)."""
    sso.last_used_at = timezone.now()
    sso.factors = session_factors(request)
    sso.strength = session_strength(request)
    sso.save(update_fields=["last_used_at", "factors", "strength"])
    return sso


def sso_session_end(*, sso: SsoSession, reason: str) -> bool:
    """End one SSO session: its PGTs die with it and every service it signed in to gets a
    single logout request (queued, never sent while the caller waits). Idempotent."""
    with transaction.atomic():
        ended = SsoSession.objects.filter(pk=sso.pk, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=reason[:32]
        )
        if not ended:
            return False
        ProxyGrantingTicket.objects.filter(sso_session=sso).delete()
        tickets = ServiceTicket.objects.filter(
            sso_session=sso, kind=ServiceTicket.Kind.SERVICE, logout_sent_at__isnull=True, service__slo_enabled=True,
        )
        ticket_ids = list(tickets.values_list("id", flat=True))
        if ticket_ids:
            ServiceTicket.objects.filter(id__in=ticket_ids).update(logout_queued_at=timezone.now())
            transaction.on_commit(lambda: _slo_enqueue(ticket_ids))
    return True


def sso_sessions_rekey(*, user_id, old_session_key: str, new_session_key: str) -> int:
    """The Django session kept going under a new key: its SSO sessions follow it."""
    return SsoSession.objects.filter(user_id=user_id, session_key=old_session_key, ended_at__isnull=True).update(
        session_key=new_session_key
    )


def _slo_enqueue(ticket_ids: list[int]) -> None:
    """Queue one single logout task per ticket. Fire and forget (specification 2.3.3.1):
    a broker that is down is logged, never shown to the person signing out, and the
    logout is queued again later (cas_server.requeue)."""
    from eulogin.queue import task_enqueue

    from .tasks import slo_send_task

    for ticket_id in ticket_ids:
        task_enqueue(slo_send_task, ticket_id)


def sso_sessions_end_for_session(*, user_id, session_key: str, reason: str) -> int:
    """End every SSO session bound to one Django session of one user."""
    count = 0
    for sso in SsoSession.objects.filter(user_id=user_id, session_key=session_key, ended_at__isnull=True):
        count += sso_session_end(sso=sso, reason=reason)
    return count


# --- Service tickets ---------------------------------------------------------------------

def service_ticket_issue(
    *, request: HttpRequest, sso: SsoSession, service: Service, service_url: str, from_new_login: bool,
    requirement: Requirement | None = None,
) -> ServiceTicket:
    """Issue an ST for `service_url` from the SSO session, recording what was proved and
    which strengths the service accepted for this login (checked again on validation)."""
    now = timezone.now()
    sso_session_refresh(sso=sso, request=request)
    ticket = ServiceTicket.objects.create(
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
    audit_event_record(
        kind=AuditEvent.Kind.TICKET_ISSUED, request=request, user=sso.user, ticket=ticket_reference(ticket.ticket),
        service=service.name, from_new_login=from_new_login, strength=sso.strength,
    )
    return ticket


def service_url_with_ticket(service_url: str, ticket: str) -> str:
    """The service URL with `ticket` appended, keeping its own query and fragment. The URL
    was accepted by the registry (selectors.service_url_parse), so it parses."""
    return url_parse(service_url, max_length=len(service_url)).with_query_params([("ticket", ticket)])


# --- Validation --------------------------------------------------------------------------

INVALID_REQUEST = "INVALID_REQUEST"
INVALID_TICKET_SPEC = "INVALID_TICKET_SPEC"
UNAUTHORIZED_SERVICE_PROXY = "UNAUTHORIZED_SERVICE_PROXY"
INVALID_PROXY_CALLBACK = "INVALID_PROXY_CALLBACK"
INVALID_TICKET = "INVALID_TICKET"
INVALID_SERVICE = "INVALID_SERVICE"
INTERNAL_ERROR = "INTERNAL_ERROR"
UNAUTHORIZED_SERVICE = "UNAUTHORIZED_SERVICE"
# EU Login's code: the sign-in behind the ticket is weaker than the service accepts.
INVALID_STRENGTH = "INVALID_STRENGTH"


@dataclass
class ValidationResult:
    """The outcome of one validation; `ticket` is set on success."""

    code: str = ""
    description: str = ""
    ticket: ServiceTicket | None = None
    pgt_iou: str = ""
    proxies: list[str] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return not self.code and self.ticket is not None


def _failure(code: str, description: str, *, request, ticket_value: str, service_url: str, user=None):
    audit_event_record(
        kind=AuditEvent.Kind.TICKET_REFUSED, request=request, user=user, ticket=ticket_reference(ticket_value),
        reason=code, service_url=(service_url or "")[:200],
    )
    return ValidationResult(code=code, description=description)


def ticket_consume(value: str) -> ServiceTicket | None:
    """Take a ticket for one validation attempt: exactly one caller ever gets it.

    A conditional UPDATE (consumed_at IS NULL) makes the database decide atomically;
    whoever loses the race, or comes later, gets None.
    """
    now = timezone.now()
    taken = ServiceTicket.objects.filter(ticket=value, consumed_at__isnull=True).update(consumed_at=now)
    if taken != 1:
        return None
    return ServiceTicket.objects.select_related("sso_session", "sso_session__user", "service").get(ticket=value)


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
    ticket = ticket_consume(ticket_value)
    if ticket is None:
        return fail(INVALID_TICKET, f"Ticket {ticket_reference(ticket_value)} not recognized")
    user = ticket.sso_session.user
    if user is None:
        return fail(INVALID_TICKET, "The account of this ticket no longer exists")
    if ticket.kind == ServiceTicket.Kind.PROXY and not allow_proxy_tickets:
        return fail(INVALID_TICKET_SPEC, "A proxy ticket was presented; this endpoint validates service tickets only", user)
    if ticket.expires_at <= ticket.consumed_at:
        return fail(INVALID_TICKET, "Ticket expired", user)
    if ticket.sso_session.ended_at is not None or not user.is_active or user.locked_at:
        return fail(INVALID_TICKET, "The single sign-on session of this ticket has ended", user)
    if ticket.service_url != service_url:
        return fail(INVALID_SERVICE, "Ticket was not issued for this service", user)
    if renew and not ticket.from_new_login:
        return fail(INVALID_TICKET, "Ticket was not issued from a new login (renew was requested)", user)
    try:
        strong_enough = ticket_strength_accepted(ticket, accept_strengths=accept_strengths)
    except UnknownRequirement:
        return fail(INVALID_REQUEST, "Unknown strength in 'acceptStrengths'", user)
    if not strong_enough:
        return fail(INVALID_STRENGTH, "The authentication strength of this ticket is not accepted for this service", user)

    result = ValidationResult(ticket=ticket, proxies=list(ticket.proxies))
    if pgt_url:
        outcome = proxy_granting_ticket_issue(request=request, ticket=ticket, pgt_url=pgt_url)
        if outcome.code:
            return fail(outcome.code, outcome.description, user)
        result.pgt_iou = outcome.pgt_iou
    ServiceTicket.objects.filter(pk=ticket.pk).update(validated=True)
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


# --- Proxying ----------------------------------------------------------------------------

def proxy_callback_acceptable(url: str) -> bool:
    """HTTPS, or (tests only, by setting) plain HTTP to a loopback address; a URL the
    registry accepts (absolute, printable ASCII, no credentials, parses completely)."""
    parts = service_url_parse(url)
    if parts is None:
        return False
    if parts.scheme == "https":
        return True
    if parts.scheme == "http" and conf.get("CAS_PROXY_CALLBACK_ALLOW_HTTP_LOOPBACK"):
        try:
            return ipaddress.ip_address(parts.host).is_loopback
        except ValueError:
            return parts.host == "localhost"
    return False


def proxy_granting_ticket_issue(*, request: HttpRequest, ticket: ServiceTicket, pgt_url: str) -> ValidationResult:
    """Issue a PGT to the proxy callback `pgt_url` (specification 2.5.4).

    The service must be allowed to proxy; the callback must be HTTPS with a verified
    certificate, registered, and answer 200 to the GET carrying pgtId and pgtIou.
    Otherwise no PGT exists and the validation fails.
    """
    if ticket.service is None or not ticket.service.proxy_allowed:
        return ValidationResult(code=UNAUTHORIZED_SERVICE_PROXY, description="The service is not allowed to proxy")
    if not proxy_callback_acceptable(pgt_url) or service_for_url(pgt_url) is None:
        return ValidationResult(code=INVALID_PROXY_CALLBACK, description="The proxy callback must be a registered HTTPS URL")
    pgt_raw, iou = ticket_new(PROXY_GRANTING), ticket_new(PROXY_GRANTING_IOU)
    try:
        response = requests.get(
            service_url_parse(pgt_url).with_query_params([("pgtId", pgt_raw), ("pgtIou", iou)]),
            timeout=conf.get("CAS_PROXY_CALLBACK_TIMEOUT_SECONDS"),
            verify=True,
            allow_redirects=False,
        )
        reachable = response.status_code == 200
    except requests.RequestException as exc:
        logger.info("proxy callback failed: %s", type(exc).__name__)
        reachable = False
    if not reachable:
        return ValidationResult(code=INVALID_PROXY_CALLBACK, description="The proxy callback did not answer 200 OK")
    ProxyGrantingTicket.objects.create(
        ticket_digest=ticket_digest(pgt_raw),
        sso_session=ticket.sso_session,
        service=ticket.service,
        proxies=[pgt_url, *ticket.proxies],
    )
    return ValidationResult(pgt_iou=iou)


@dataclass
class ProxyResult:
    code: str = ""
    description: str = ""
    ticket: str = ""


def proxy_ticket_issue(*, request: HttpRequest, pgt_value: str, target_service: str) -> ProxyResult:
    """Issue a PT for `target_service` from a live PGT (specification 2.7)."""
    if not pgt_value or not target_service:
        return ProxyResult(INVALID_REQUEST, "'pgt' and 'targetService' parameters are both required")
    pgt = None
    if ticket_kind(pgt_value) == PROXY_GRANTING:
        pgt = (
            ProxyGrantingTicket.objects.select_related("sso_session", "sso_session__user", "service")
            .filter(ticket_digest=ticket_digest(pgt_value)).first()
        )
    if pgt is None or not pgt.sso_session.is_active():
        audit_event_record(kind=AuditEvent.Kind.TICKET_REFUSED, request=request, ticket=ticket_reference(pgt_value),
                           reason=INVALID_TICKET)
        return ProxyResult(INVALID_TICKET, f"Proxy-granting ticket {ticket_reference(pgt_value)} not recognized")
    target = service_for_url(target_service)
    if target is None or pgt.service is None or not pgt.service.proxy_allowed:
        audit_event_record(kind=AuditEvent.Kind.TICKET_REFUSED, request=request, user=pgt.sso_session.user,
                           ticket=ticket_reference(pgt_value), reason=UNAUTHORIZED_SERVICE)
        return ProxyResult(UNAUTHORIZED_SERVICE, "The service is not authorized to obtain a proxy ticket for this target")
    now = timezone.now()
    sso = pgt.sso_session
    ticket = ServiceTicket.objects.create(
        ticket=ticket_new(PROXY), kind=ServiceTicket.Kind.PROXY, sso_session=sso, service=target,
        service_url=target_service, proxy_granting_ticket=pgt, proxies=list(pgt.proxies), from_new_login=False,
        authenticated_at=sso.authenticated_at, factors=sso.factors, strength=sso.strength,
        remember_me=sso.remember_me, created_at=now,
        expires_at=now + timedelta(seconds=conf.get("CAS_SERVICE_TICKET_SECONDS")),
    )
    audit_event_record(kind=AuditEvent.Kind.TICKET_ISSUED, request=request, user=sso.user,
                       ticket=ticket_reference(ticket.ticket), service=target.name, proxied_by=pgt.proxies[0])
    return ProxyResult(ticket=ticket.ticket)


# --- Single logout -----------------------------------------------------------------------

def logout_request_xml(*, session_index: str, name_id: str = "@NOT_USED@") -> str:
    """The SAML 2 LogoutRequest of Appendix C, its SessionIndex the service ticket."""
    from xml.sax.saxutils import escape

    issued = timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        f'ID="LR-{uuid.uuid4().hex}" Version="2.0" IssueInstant="{issued}">'
        f'<saml:NameID xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">{escape(name_id)}</saml:NameID>'
        f"<samlp:SessionIndex>{escape(session_index)}</samlp:SessionIndex>"
        "</samlp:LogoutRequest>"
    )


class SloDeliveryError(Exception):
    """A single logout POST did not reach the service (worth retrying)."""


def slo_send(*, ticket_id: int, final_attempt: bool = True) -> bool:
    """POST the logout request for one service ticket. True when the service took it.

    Raises SloDeliveryError when it failed and another attempt will follow; on the final
    attempt records SLO_FAILED and returns False (single logout is fire-and-forget).
    """
    with transaction.atomic():
        # The row stays locked while the service is called: a second task for the same
        # ticket (the sweep queued it again) skips it, then finds it sent. One POST.
        ticket = (ServiceTicket.objects.select_for_update(skip_locked=True, of=("self",))
                  .select_related("service", "sso_session__user").filter(pk=ticket_id).first())
        if ticket is None or ticket.logout_sent_at is not None or ticket.logout_failed_at is not None:
            return False
        ServiceTicket.objects.filter(pk=ticket.pk).update(logout_queued_at=timezone.now())  # tried now
        try:
            return _slo_post(ticket, final_attempt=final_attempt)
        except SloDeliveryError as error:
            retry = error  # kept: the attempt is recorded, the retry follows
    raise retry


def _slo_post(ticket: ServiceTicket, *, final_attempt: bool) -> bool:
    url = (ticket.service.slo_url if ticket.service and ticket.service.slo_url else "") or ticket.service_url
    user = ticket.sso_session.user
    detail = {"ticket": ticket_reference(ticket.ticket), "service": ticket.service.name if ticket.service else ""}
    try:
        response = requests.post(
            url, data={"logoutRequest": logout_request_xml(session_index=ticket.ticket)},
            timeout=conf.get("CAS_SLO_TIMEOUT_SECONDS"), allow_redirects=False,
        )
        ok = 200 <= response.status_code < 400
        reason = f"HTTP {response.status_code}"
    except requests.RequestException as exc:
        ok, reason = False, type(exc).__name__
    if ok:
        ServiceTicket.objects.filter(pk=ticket.pk).update(logout_sent_at=timezone.now())
        audit_event_record(kind=AuditEvent.Kind.SLO_SENT, user=user, **detail)
        return True
    if not final_attempt:
        raise SloDeliveryError(reason)
    ServiceTicket.objects.filter(pk=ticket.pk).update(logout_failed_at=timezone.now())
    audit_event_record(kind=AuditEvent.Kind.SLO_FAILED, user=user, reason=reason, **detail)
    return False


# --- Purge -------------------------------------------------------------------------------

def cas_purge(*, now: datetime | None = None) -> dict[str, int]:
    """End SSO sessions past their idle or hard limit (sending single logout), then delete
    tickets and sessions that ended more than CAS_PURGE_AFTER_SECONDS ago."""
    now = now or timezone.now()
    ended = 0
    idle_cutoff = now - timedelta(seconds=conf.get("CAS_SSO_IDLE_SECONDS"))
    from django.db.models import Q

    expired = SsoSession.objects.filter(ended_at__isnull=True).filter(
        Q(expires_at__lte=now) | Q(remember_me=False, last_used_at__lte=idle_cutoff)
    )
    for sso in expired:
        ended += sso_session_end(sso=sso, reason="expired")
    keep_until = now - timedelta(seconds=conf.get("CAS_PURGE_AFTER_SECONDS"))
    tickets, _ = ServiceTicket.objects.filter(expires_at__lte=keep_until).exclude(
        kind=ServiceTicket.Kind.SERVICE, sso_session__ended_at__isnull=True
    ).delete()
    sessions, _ = SsoSession.objects.filter(ended_at__lte=keep_until).delete()
    from .eulogin.login_requests import login_requests_purge

    return {"sso_sessions_ended": ended, "tickets_deleted": tickets, "sso_sessions_deleted": sessions,
            "login_requests_deleted": login_requests_purge(now=now)}
