"""The sending task: one per SMS, acknowledged only once it has finished (acks_late), so a
worker that dies mid-send loses nothing; the service makes the redelivery harmless."""

from celery import shared_task
from celery.signals import worker_ready

from eulogin.queue import task_enqueue

from . import conf
from .delivery import sms_message_deliver, sms_records_purge


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, ignore_result=True)
def sms_send(self, message_id: int, body: str) -> None:
    """`body` carries the code: it lives only in the broker until the SMS is sent."""
    max_retries = conf.get("MFA_SMS_SEND_MAX_RETRIES")
    outcome = sms_message_deliver(message_id=message_id, body=body, final_attempt=self.request.retries >= max_retries)
    if outcome.done:
        return
    # Transient failure (timeout, 5xx, 429): exponential backoff, bounded.
    countdown = min(conf.get("MFA_SMS_SEND_RETRY_BASE_SECONDS") * 2 ** self.request.retries,
                    conf.get("MFA_SMS_SEND_RETRY_MAX_SECONDS"))
    if self.request.is_eager:
        # In-process (development, tests): the next attempt runs at once, inline.
        sms_send.apply(args=(message_id, body), retries=self.request.retries + 1)
        return
    raise self.retry(countdown=countdown, exc=outcome.retry_error)


@shared_task(ignore_result=True)
def sms_records_purge_task() -> None:
    sms_records_purge()


@shared_task(ignore_result=True)
def sms_queued_sweep_task() -> None:
    """Queue again the SMS left queued (mfa_sms.requeue): every minute, and at start-up."""
    from .requeue import sms_queued_sweep

    sms_queued_sweep()


@worker_ready.connect
def _sweep_at_start_up(**kwargs) -> None:
    task_enqueue(sms_queued_sweep_task)
