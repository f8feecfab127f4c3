"""Single logout (specification 2.3.3, Appendix C): one logout POST per service ticket, from a worker."""

import logging
import uuid

import requests
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_event_record
from accounts.models import AuditEvent
from eulogin.queue import task_enqueue

from . import conf
from .formats import utc_timestamp
from .models import ServiceTicket
from .tickets import (
    ticket_reference,
)
from .xmlbuild import element, xml_bytes

logger = logging.getLogger(__name__)
SAML2P_NS = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML2_NS = "urn:oasis:names:tc:SAML:2.0:assertion"


def slo_enqueue(ticket_ids: list[int]) -> None:
    """Queue one single logout task per ticket. Fire and forget (specification 2.3.3.1):
    a broker that is down is logged, never shown to the person signing out, and the
    logout is queued again later (cas_server.requeue)."""
    from .tasks import slo_send_task

    for ticket_id in ticket_ids:
        task_enqueue(slo_send_task, ticket_id)


def logout_request_xml(*, session_index: str, name_id: str = "@NOT_USED@") -> str:
    """The SAML 2 LogoutRequest of Appendix C, its SessionIndex the service ticket."""
    root = element(None, f"{{{SAML2P_NS}}}LogoutRequest", nsmap={"samlp": SAML2P_NS},
                   attrib={"ID": f"LR-{uuid.uuid4().hex}", "Version": "2.0", "IssueInstant": utc_timestamp(timezone.now())})
    element(root, f"{{{SAML2_NS}}}NameID", name_id, nsmap={"saml": SAML2_NS})
    element(root, f"{{{SAML2P_NS}}}SessionIndex", session_index)
    return xml_bytes(root, declaration=False, pretty=False).decode()


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
