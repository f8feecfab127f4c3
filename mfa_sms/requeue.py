"""SMS left `queued`: their task never reached the broker (it was down), or waited there
longer than a person should. The sweep (beat, and worker start-up: mfa_sms.tasks) queues
each again, so it is still sent exactly once.

The text of an SMS holds its code, which lives only in the task's message, never in the
database: the lost message cannot be read back. So the sweep gives the challenge a new
code (same challenge, same browser session, a fresh validity) and queues the text kept
in the log with the new code in it. The record's body hash changes with it, so should
the old message still turn up, the sending task refuses it (services.sms_message_deliver
checks the hash under the row's lock): one SMS goes out, with the code that works. An
SMS without a code (its logged text is its whole text) is queued as it was. A challenge
used, replaced or expired meanwhile needs no SMS any more: the record fails, with why.
"""

import logging
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from eulogin.queue import task_enqueue

from . import codes, conf
from .delivery import _body_hash
from .models import Challenge, SmsMessage

logger = logging.getLogger(__name__)

Status = SmsMessage.Status
BATCH = 500


def _text_again(message: SmsMessage) -> str | None:
    """The text to send for `message` now (inside the caller's transaction), or None
    when it is no longer wanted."""
    if message.challenge_id is None:
        return message.redacted_body if message.body_hash == _body_hash(message.redacted_body) else None
    now = timezone.now()
    challenge = Challenge.objects.select_for_update().filter(
        pk=message.challenge_id, used_at__isnull=True, voided_at__isnull=True, expires_at__gt=now,
    ).first()
    if challenge is None or codes.CODE_BLANKED not in message.redacted_body:
        return None
    code, salt = codes.code_generate(), secrets.token_hex(16)
    challenge.salt, challenge.code_hmac = salt, codes.code_hmac(code, salt=salt)
    challenge.expires_at = now + timedelta(seconds=conf.get("MFA_SMS_CODE_VALIDITY_SECONDS"))
    challenge.save(update_fields=["salt", "code_hmac", "expires_at"])
    return message.redacted_body.replace(codes.CODE_BLANKED, codes.code_display(code))


def sms_requeue(message_id: int, *, cutoff) -> bool:
    """Queue one SMS again if it is still queued and untouched since `cutoff`."""
    from .tasks import sms_send

    with transaction.atomic():
        message = SmsMessage.objects.select_for_update(skip_locked=True).filter(
            pk=message_id, status=Status.QUEUED, updated_at__lt=cutoff,
        ).first()
        if message is None:  # sent, being sent, or taken by another sweep meanwhile
            return False
        text = _text_again(message)
        if text is None:
            now = timezone.now()
            message.status, message.failed_at = Status.FAILED, now
            message.error_code, message.error_message = "not_queued", "not sent: no longer needed when the queue came back"
            message.save(update_fields=["status", "failed_at", "error_code", "error_message", "updated_at"])
            return False
        message.body_hash = _body_hash(text)
        message.save(update_fields=["body_hash", "updated_at"])  # updated_at: not again before the next cutoff
        transaction.on_commit(lambda: task_enqueue(sms_send, message.pk, text))
    return True


def sms_queued_sweep() -> int:
    """Queue again every SMS queued longer than MFA_SMS_REQUEUE_AFTER_SECONDS; returns
    how many went to the broker again."""
    cutoff = timezone.now() - timedelta(seconds=conf.get("MFA_SMS_REQUEUE_AFTER_SECONDS"))
    stale = list(SmsMessage.objects.filter(status=Status.QUEUED, updated_at__lt=cutoff)
                 .order_by("created_at").values_list("pk", flat=True)[:BATCH])
    requeued = sum(sms_requeue(pk, cutoff=cutoff) for pk in stale)
    if stale:
        logger.info("SMS sweep: %d queued too long, %d queued again", len(stale), requeued)
    return requeued
