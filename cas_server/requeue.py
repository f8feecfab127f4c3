"""Single logouts left waiting: their task never reached the broker (it was down), or
waited there too long. The sweep (beat, and worker start-up: cas_server.tasks) queues
each again; cas_server.services.slo_send locks the ticket while it posts and does
nothing for a ticket already logged out, so each service still gets one logout request.

A ticket is waiting when its SSO session ended, its logout was neither sent nor given
up, and nothing tried it for CAS_SLO_REQUEUE_AFTER_SECONDS (longer than the retries'
backoff, so a logout between two retries is not queued twice).
"""

import logging
from datetime import timedelta

from django.utils import timezone

from eulogin.queue import task_enqueue

from . import conf
from .models import ServiceTicket

logger = logging.getLogger(__name__)

BATCH = 500


def slo_waiting_sweep() -> int:
    """Queue again every single logout waiting too long; returns how many went."""
    from .tasks import slo_send_task

    now = timezone.now()
    cutoff = now - timedelta(seconds=conf.get("CAS_SLO_REQUEUE_AFTER_SECONDS"))
    waiting = ServiceTicket.objects.filter(logout_sent_at__isnull=True, logout_failed_at__isnull=True,
                                           logout_queued_at__lt=cutoff)
    requeued = 0
    for ticket_id in list(waiting.order_by("logout_queued_at").values_list("pk", flat=True)[:BATCH]):
        # Taken by this sweep alone (a conditional update), then not again before the cutoff.
        if waiting.filter(pk=ticket_id).update(logout_queued_at=now) and task_enqueue(slo_send_task, ticket_id):
            requeued += 1
    if requeued:
        logger.info("single logout sweep: %d queued again", requeued)
    return requeued
