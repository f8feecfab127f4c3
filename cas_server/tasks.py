"""Celery tasks of the CAS server: ids in, a service call, retries here."""

from celery import shared_task
from celery.signals import worker_ready

from eulogin.queue import task_enqueue

from . import conf
from .slo import SloDeliveryError, slo_send
from .sso import cas_purge


@shared_task(name="cas.slo_send", bind=True, ignore_result=True, acks_late=True)
def slo_send_task(self, ticket_id: int) -> None:
    """Post one single logout request; a bounded number of retries with backoff."""
    max_retries = conf.get("CAS_SLO_MAX_RETRIES")
    if self.request.is_eager:
        # In-process (development, tests): the attempts follow one another at once.
        for attempt in range(max_retries + 1):
            try:
                slo_send(ticket_id=ticket_id, final_attempt=attempt == max_retries)
                return
            except SloDeliveryError:
                continue
        return
    final = self.request.retries >= max_retries
    try:
        slo_send(ticket_id=ticket_id, final_attempt=final)
    except SloDeliveryError as exc:
        countdown = conf.get("CAS_SLO_RETRY_BACKOFF_SECONDS") * (2 ** self.request.retries)
        raise self.retry(exc=exc, countdown=countdown, max_retries=max_retries) from exc


@shared_task(name="cas.purge", ignore_result=True)
def cas_purge_task() -> None:
    """End expired SSO sessions (with single logout) and delete old tickets."""
    cas_purge()


@shared_task(name="cas.slo_requeue", ignore_result=True)
def slo_waiting_sweep_task() -> None:
    """Queue again the single logouts left waiting (cas_server.requeue): every minute,
    and at start-up."""
    from .requeue import slo_waiting_sweep

    slo_waiting_sweep()


@worker_ready.connect
def _sweep_at_start_up(**kwargs) -> None:
    task_enqueue(slo_waiting_sweep_task)
