"""Sending SMS: the log row, the hand-over to the backend exactly once, delivery reports, purge."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from eulogin.queue import task_enqueue

from . import conf
from .backends import sms_backend_get
from .backends.base import SmsSendError
from .models import Challenge, SmsMessage
from .signals import sms_status_changed

logger = logging.getLogger(__name__)
Status = SmsMessage.Status


def sms_message_queue(*, to: str, body: str, redacted_body: str, user=None, challenge=None) -> SmsMessage:
    """Record one SMS as queued and hand it to the sending task once the transaction
    commits. The text with the code travels only in the task's message (the broker), never
    in the database. A broker that is down does not fail the request: the row stays
    queued and mfa_sms.requeue sends it later, with a new code."""
    from .tasks import sms_send

    message = SmsMessage.objects.create(
        to=to, body_hash=_body_hash(body), redacted_body=redacted_body, user=user, challenge=challenge,
        backend=conf.get("SMS_BACKEND"),
    )
    transaction.on_commit(lambda: task_enqueue(sms_send, message.pk, body))
    return message


def _body_hash(body: str) -> str:
    # Keyed like the codes: a plain hash of a text holding a 40-bit code could be reversed.
    return salted_hmac("mfa_sms.services.body", body, algorithm="sha256").hexdigest()


@dataclass
class DeliveryOutcome:
    done: bool  # nothing more to do (sent, already sent, or failed for good)
    retry_error: SmsSendError | None = None


def sms_message_deliver(*, message_id: int, body: str, final_attempt: bool = False) -> DeliveryOutcome:
    """Hand one queued SMS to the backend, exactly once as far as the provider can tell.

    The row moves queued → sending before the provider is called and sending → sent after.
    A task that finds it already sent does nothing; one that finds it still "sending" (the
    worker died during the call) first asks the backend whether the provider holds the
    message, and records it instead of sending it again.
    """
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status not in {Status.QUEUED, Status.SENDING}:
            return DeliveryOutcome(done=True)
        if message.body_hash and message.body_hash != _body_hash(body):
            logger.error("SMS %s: the task's text does not match the record; not sent", message_id)
            return DeliveryOutcome(done=True)
        interrupted = message.status == Status.SENDING
        since = message.sending_started_at
        message.status = Status.SENDING
        message.attempts += 1
        message.sending_started_at = message.sending_started_at or timezone.now()
        message.save(update_fields=["status", "attempts", "sending_started_at", "updated_at"])

    backend = sms_backend_get(message.backend or None)
    try:
        provider_id = None
        if interrupted and since is not None:
            provider_id = backend.find_accepted(to=message.to, body=body, since=since)
        if provider_id:
            logger.info("SMS %s was already accepted by the provider as %s; not sent again", message_id, provider_id)
            accepted_status = Status.SENT
        else:
            accepted = backend.send(to=message.to, body=body)
            provider_id, accepted_status = accepted.provider_id, accepted.status
    except SmsSendError as error:
        if error.permanent or final_attempt:
            _message_failed(message_id, error)
            return DeliveryOutcome(done=True)
        SmsMessage.objects.filter(pk=message_id).update(error_code=error.code[:32], error_message=error.message[:255])
        sms_status_changed.send(SmsMessage, message_id=message_id, status="retrying", error_code=error.code[:32])
        return DeliveryOutcome(done=False, retry_error=error)

    final_status = Status.FAILED if accepted_status == "failed" else Status.SENT
    if SmsMessage.objects.filter(pk=message_id, status=Status.SENDING).update(
        status=final_status,
        provider_id=provider_id[:64],
        sent_at=timezone.now(),
        error_code="",
        error_message="",
        updated_at=timezone.now(),
    ):
        sms_status_changed.send(SmsMessage, message_id=message_id, status=final_status)
    return DeliveryOutcome(done=True)


def _message_failed(message_id: int, error: SmsSendError) -> None:
    now = timezone.now()
    SmsMessage.objects.filter(pk=message_id).update(
        status=Status.FAILED, permanent_failure=error.permanent, error_code=error.code[:32],
        error_message=error.message[:255], failed_at=now, updated_at=now,
    )
    sms_status_changed.send(SmsMessage, message_id=message_id, status=Status.FAILED, error_code=error.code[:32])


_STATUS_RANK = {Status.QUEUED: 0, Status.SENDING: 1, Status.SENT: 2, Status.DELIVERED: 3, Status.UNDELIVERED: 3,
                Status.FAILED: 3}


_PROVIDER_STATUSES = {
    "accepted": Status.SENT, "queued": Status.SENT, "sending": Status.SENT, "sent": Status.SENT,
    "delivered": Status.DELIVERED, "undelivered": Status.UNDELIVERED, "failed": Status.FAILED,
}


def sms_status_update(*, provider_id: str, provider_status: str, error_code: str = "") -> bool:
    """Apply a delivery report. Idempotent: a repeated or out-of-order report never moves a
    message backwards. Returns whether a message with that id exists."""
    status = _PROVIDER_STATUSES.get(provider_status)
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().filter(provider_id=provider_id).first()
        if message is None:
            return False
        if status is None or _STATUS_RANK[status] <= _STATUS_RANK[message.status]:
            return True
        now = timezone.now()
        message.status = status
        if status == Status.DELIVERED:
            message.delivered_at = now
        elif status in {Status.FAILED, Status.UNDELIVERED}:
            message.failed_at = now
            message.error_code = (error_code or "")[:32]
            message.permanent_failure = True
        message.save()
    sms_status_changed.send(SmsMessage, message_id=message.pk, status=status, error_code=message.error_code)
    return True


def sms_records_purge() -> tuple[int, int]:
    """Delete challenges past their retention and SMS log rows past theirs; returns how
    many of each went."""
    now = timezone.now()
    challenges, _ = Challenge.objects.filter(
        expires_at__lt=now - timedelta(seconds=conf.get("MFA_SMS_CHALLENGE_RETENTION_SECONDS"))
    ).delete()
    log, _ = SmsMessage.objects.filter(created_at__lt=now - timedelta(days=conf.get("MFA_SMS_LOG_RETENTION_DAYS"))).delete()
    return challenges, log
