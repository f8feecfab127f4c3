"""Proxying (specification 2.5-2.7): proxy-granting tickets to a verified callback, proxy tickets from them."""

import ipaddress
import logging
from datetime import timedelta

import requests
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import audit_event_record
from accounts.models import AuditEvent

from . import conf
from .models import ProxyGrantingTicket, ServiceTicket
from .results import (
    INVALID_PROXY_CALLBACK,
    INVALID_REQUEST,
    INVALID_TICKET,
    UNAUTHORIZED_SERVICE,
    UNAUTHORIZED_SERVICE_PROXY,
    ProxyResult,
    ValidationResult,
)
from .selectors import service_for_url, service_url_parse
from .tickets import (
    PROXY,
    PROXY_GRANTING,
    PROXY_GRANTING_IOU,
    ticket_digest,
    ticket_kind,
    ticket_new,
    ticket_reference,
)

logger = logging.getLogger(__name__)


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
