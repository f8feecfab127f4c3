"""Writes of the SMS second factor: numbers, challenge codes, sending, locks.

Views call these; none of them trusts the browser for anything but the typed values.
"""

import enum
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_event_record
from accounts.factors import factor_proved
from accounts.http import client_ip
from accounts.models import AuditEvent
from eulogin.ratelimit import window_hit

from . import codes, conf, limits
from .backends import sms_backend_get
from .backends.base import SmsSendError
from .factor import SMS
from .models import Challenge, PhoneDevice, PhoneHistory, SmsMessage, SmsMethodLock

logger = logging.getLogger(__name__)

SESSION_KEY = "mfa_sms_challenge"
Status = SmsMessage.Status


class SmsRefused(Exception):
    """A code cannot be sent now; `message` is safe to show (it reveals nothing about
    other accounts or numbers)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


REFUSED_LIMIT = gettext_lazy(
    "No SMS can be sent right now. Please try again later, or choose another authentication method."
)
REFUSED_LOCKED = gettext_lazy(
    "Signing in by SMS is locked for this account after too many wrong codes. Please contact the helpdesk."
)


class VerifyResult(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"  # too old, used, voided or too many wrong entries
    THROTTLED = "throttled"  # growing delay after wrong entries: wait a little
    LOCKED = "locked"


# --- numbers -----------------------------------------------------------------------------


def phone_device_enrolment_start(*, user, number: str, label: str = "") -> PhoneDevice:
    """An unconfirmed device for `number` (E.164), reusing one left over by an earlier,
    unfinished attempt."""
    device = PhoneDevice.objects.filter(user=user, number=number, confirmed=False).first()
    if device is None:
        device = PhoneDevice.objects.create(user=user, number=number, name=label[:64], confirmed=False)
    elif label and device.name != label:
        device.name = label[:64]
        device.save(update_fields=["name"])
    return device


def phone_device_confirm(*, request: HttpRequest, device: PhoneDevice) -> bool:
    """Mark a verified number confirmed; False if the account already had it confirmed
    (a double submission), in which case the spare row is dropped."""
    try:
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
    except IntegrityError:
        device.delete()
        return False
    PhoneHistory.objects.get_or_create(user=device.user)
    audit_event_record(kind=AuditEvent.Kind.MFA_DEVICE_ADDED, request=request, user=device.user, phone=device.masked_number)
    account_notice_send(user=device.user, subject=_("A mobile phone number was added to your EU Login account"),
                        template="mfa_sms/email/phone_added.txt", context={"phone": device.masked_number})
    return True


def phone_device_remove(*, request: HttpRequest, device: PhoneDevice) -> None:
    masked, user, confirmed = device.masked_number, device.user, device.confirmed
    device.delete()
    if confirmed:
        audit_event_record(kind=AuditEvent.Kind.MFA_DEVICE_REMOVED, request=request, user=user, phone=masked)
        account_notice_send(user=user, subject=_("A mobile phone number was removed from your EU Login account"),
                            template="mfa_sms/email/phone_removed.txt", context={"phone": masked})


def phone_device_rename(*, device: PhoneDevice, label: str) -> None:
    device.name = label[:64]
    device.save(update_fields=["name"])


def account_notice_send(*, user, subject: str, template: str, context: dict) -> None:
    """A notice by email (a channel independent of the phone), in the person's language."""
    with translation.override(user.preferred_language or translation.get_language()):
        body = render_to_string(template, {"user": user, **context})
        send_mail(str(subject), body, None, [user.email])


# --- a new number after the last one went: confirmed from the email ---------------------

EMAIL_PROOF_SESSION_KEY = "mfa_sms_email_proved_at"
EMAIL_LINK_SALT = "mfa_sms.enrolment-email"


def enrolment_email_send(*, request: HttpRequest, user, next_url: str) -> bool:
    """Email the account a link that lets this person add a number; False when too many
    were asked for this hour."""
    window = 3600
    if window_hit(scope="mfa_sms:enrolment-email", key=str(user.pk), window=window) > conf.get("MFA_SMS_EMAILS_PER_HOUR"):
        return False
    token = signing.dumps({"u": user.pk, "n": next_url}, salt=EMAIL_LINK_SALT, compress=True)
    link = request.build_absolute_uri(reverse("mfa_sms:email_confirmed", args=[token]))
    account_notice_send(user=user, subject=_("Confirm the new mobile phone number of your EU Login account"),
                        template="mfa_sms/email/enrolment_confirm.txt",
                        context={"link": link, "minutes": conf.get("MFA_SMS_EMAIL_LINK_SECONDS") // 60})
    return True


def enrolment_email_accept(*, request: HttpRequest, token: str) -> str | None:
    """Check a link from enrolment_email_send for the signed-in person; returns where to go
    next ('' for the add page), or None for a link that is not theirs, altered or old."""
    try:
        data = signing.loads(token[:2048], salt=EMAIL_LINK_SALT, max_age=conf.get("MFA_SMS_EMAIL_LINK_SECONDS"))
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != request.user.pk:
        return None
    request.session[EMAIL_PROOF_SESSION_KEY] = timezone.now().isoformat()
    return str(data.get("n") or "")


def session_email_proved_recently(request: HttpRequest) -> bool:
    proved = request.session.get(EMAIL_PROOF_SESSION_KEY)
    if not proved:
        return False
    age = (timezone.now() - datetime.fromisoformat(proved)).total_seconds()
    return 0 <= age <= conf.get("MFA_SMS_EMAIL_PROOF_SECONDS")


# --- the SMS method lock -----------------------------------------------------------------


def sms_method_is_locked(*, user) -> bool:
    return SmsMethodLock.objects.filter(user=user, locked_at__isnull=False).exists()


def sms_method_unlock(*, user, request: HttpRequest | None = None) -> None:
    """For administrators: let the account use SMS again."""
    SmsMethodLock.objects.filter(user=user).update(consecutive_failures=0, locked_at=None, last_failure_at=None)
    PhoneDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    audit_event_record(kind=AuditEvent.Kind.ACCOUNT_UNLOCKED, request=request, user=user, method="SMS")


def _failure_record(*, request: HttpRequest, user) -> bool:
    """One more wrong code for the account; True if this one locked the SMS method."""
    with transaction.atomic():
        SmsMethodLock.objects.get_or_create(user=user)
        lock = SmsMethodLock.objects.select_for_update().get(user=user)
        lock.consecutive_failures += 1
        lock.last_failure_at = timezone.now()
        newly_locked = lock.locked_at is None and lock.consecutive_failures >= conf.get("MFA_SMS_LOCK_AFTER_FAILURES")
        if newly_locked:
            lock.locked_at = timezone.now()
        lock.save()
    if newly_locked:
        audit_event_record(kind=AuditEvent.Kind.MFA_LOCKED, request=request, user=user, failures=lock.consecutive_failures)
        account_notice_send(user=user, subject=_("Signing in by SMS is locked on your EU Login account"),
                            template="mfa_sms/email/locked.txt", context={"failures": lock.consecutive_failures})
    return newly_locked


# --- challenges --------------------------------------------------------------------------


def _binding(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def _webotp_host(request: HttpRequest | None) -> str:
    host = conf.get("MFA_SMS_WEBOTP_HOST")
    if not host and request is not None:
        host = request.get_host().split(":")[0]
    return host or "localhost"


def sms_body(*, code: str, host: str) -> str:
    """The SMS text. Its last line is the WebOTP line ("@host #code") so that phones offer
    to fill the code in."""
    shown = codes.code_display(code)
    text = _("Your EU Login challenge code: %(code)s. Never give it to anyone.") % {"code": shown}
    return f"{text}\n\n@{host} #{shown}"


def challenge_issue(*, request: HttpRequest, device: PhoneDevice, purpose: str, state: dict | None = None) -> Challenge:
    """Send a new code to `device` for `purpose`, bound to this browser session.

    Voids the device's earlier open codes (a resend invalidates the previous one). Raises
    SmsRefused when the account's SMS method is locked, when the resend cooldown has not
    passed, or when an abuse limit refuses the send. `state` is kept with the challenge in
    the session (e.g. where to go next).
    """
    user = device.user
    if sms_method_is_locked(user=user):
        raise SmsRefused(REFUSED_LOCKED)
    refused_by = None
    with transaction.atomic():
        device = PhoneDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _detail = device.generate_is_allowed()
        if not allowed:
            raise SmsRefused(_("A code was sent a moment ago. Please wait a minute before asking for a new one."))
        refused_by = limits.sms_send_take(number=device.number, user_id=user.pk, ip=client_ip(request))
        if not refused_by:
            challenge, nonce = _challenge_create(request=request, device=device, purpose=purpose)
    if refused_by:
        audit_event_record(kind=AuditEvent.Kind.SMS_REFUSED, request=request, user=user, limit=refused_by)
        raise SmsRefused(REFUSED_LIMIT)
    request.session[SESSION_KEY] = {
        "challenge": challenge.pk,
        "nonce": nonce,
        "purpose": purpose,
        "device": device.pk,
        "user": user.pk,
        **(state or {}),
    }
    return challenge


def _challenge_create(*, request: HttpRequest, device: PhoneDevice, purpose: str) -> tuple[Challenge, str]:
    """Inside the caller's transaction, with the device row locked."""
    now = timezone.now()
    Challenge.objects.filter(device__user=device.user, used_at__isnull=True, voided_at__isnull=True).update(voided_at=now)
    code, salt, nonce = codes.code_generate(), secrets.token_hex(16), secrets.token_urlsafe(32)
    challenge = Challenge.objects.create(
        device=device,
        purpose=purpose,
        session_binding=_binding(nonce),
        salt=salt,
        code_hmac=codes.code_hmac(code, salt=salt),
        created_at=now,
        expires_at=now + timedelta(seconds=conf.get("MFA_SMS_CODE_VALIDITY_SECONDS")),
    )
    device.cooldown_set(commit=False)
    device.save(update_fields=["last_generated_timestamp"])
    body = sms_body(code=code, host=_webotp_host(request))
    redacted = body.replace(codes.code_display(code), codes.CODE_BLANKED)
    sms_message_queue(to=device.number, body=body, redacted_body=redacted, user=device.user, challenge=challenge)
    return challenge, nonce


def challenge_state(request: HttpRequest, *, purpose: str) -> dict | None:
    """The challenge this session is waiting for, if it is for `purpose`."""
    state = request.session.get(SESSION_KEY)
    if not state or state.get("purpose") != purpose:
        return None
    return state


def challenge_state_clear(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def challenge_verify(*, request: HttpRequest, purpose: str, code: str) -> VerifyResult:
    """Check `code` against the challenge this session holds for `purpose`.

    Single use under concurrency: the challenge is claimed by a conditional UPDATE, so of
    two parallel correct submissions exactly one succeeds. Each wrong entry counts on the
    code (5 void it), on the device (django-otp's growing delays) and on the account (the
    lock after MFA_SMS_LOCK_AFTER_FAILURES).
    """
    state = challenge_state(request, purpose=purpose)
    if state is None:
        return VerifyResult.EXPIRED
    challenge = (
        Challenge.objects.select_related("device", "device__user")
        .filter(pk=state["challenge"], purpose=purpose, device_id=state["device"])
        .first()
    )
    if challenge is None or challenge.session_binding != _binding(state["nonce"]):
        return VerifyResult.EXPIRED
    device, user = challenge.device, challenge.device.user
    if sms_method_is_locked(user=user):
        return VerifyResult.LOCKED
    now = timezone.now()
    max_attempts = conf.get("MFA_SMS_CODE_MAX_ATTEMPTS")
    if challenge.used_at or challenge.voided_at or challenge.expires_at <= now or challenge.wrong_attempts >= max_attempts:
        return VerifyResult.EXPIRED
    allowed, _detail = device.verify_is_allowed()
    if not allowed:
        return VerifyResult.THROTTLED

    if codes.code_matches(code, salt=challenge.salt, expected_hmac=challenge.code_hmac):
        claimed = Challenge.objects.filter(
            pk=challenge.pk, used_at__isnull=True, voided_at__isnull=True, expires_at__gt=now,
            wrong_attempts__lt=max_attempts,
        ).update(used_at=now)
        if claimed != 1:
            return VerifyResult.EXPIRED
        with transaction.atomic():
            device = PhoneDevice.objects.select_for_update().get(pk=device.pk)
            device.throttle_reset(commit=False)
            # The resend cooldown guards against a flood of codes, not against the next
            # sign-in: once a code is used, a new one may be sent at once.
            device.cooldown_reset(commit=False)
            device.set_last_used_timestamp(commit=False)
            device.save(update_fields=["throttling_failure_count", "throttling_failure_timestamp", "last_used_at",
                                       "last_generated_timestamp"])
        SmsMethodLock.objects.filter(user=user).update(consecutive_failures=0, last_failure_at=None)
        audit_event_record(kind=AuditEvent.Kind.MFA_SUCCEEDED, request=request, user=user, method="SMS",
                           purpose=purpose, phone=device.masked_number)
        return VerifyResult.OK

    Challenge.objects.filter(pk=challenge.pk).update(wrong_attempts=F("wrong_attempts") + 1)
    with transaction.atomic():
        device = PhoneDevice.objects.select_for_update().get(pk=device.pk)
        device.throttle_increment(commit=False)
        device.save(update_fields=["throttling_failure_count", "throttling_failure_timestamp"])
    audit_event_record(kind=AuditEvent.Kind.MFA_FAILED, request=request, user=user, method="SMS", purpose=purpose)
    if _failure_record(request=request, user=user):
        return VerifyResult.LOCKED
    return VerifyResult.WRONG


def session_sms_proved(*, request: HttpRequest, device: PhoneDevice) -> None:
    """Record on a signed-in session that it proved SMS now (step-up, enrolment)."""
    factor_proved(request, kind=SMS, device=device, phone=device.masked_number)


# --- sending -----------------------------------------------------------------------------


def sms_message_queue(*, to: str, body: str, redacted_body: str, user=None, challenge=None) -> SmsMessage:
    """Record one SMS as queued and hand it to the sending task once the transaction
    commits. The text with the code travels only in the task's message (the broker), never
    in the database. A broker that is down does not fail the request: the row stays
    queued and mfa_sms.requeue sends it later, with a new code."""
    from eulogin.queue import task_enqueue

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
        return DeliveryOutcome(done=False, retry_error=error)

    SmsMessage.objects.filter(pk=message_id, status=Status.SENDING).update(
        status=Status.FAILED if accepted_status == "failed" else Status.SENT,
        provider_id=provider_id[:64],
        sent_at=timezone.now(),
        error_code="",
        error_message="",
        updated_at=timezone.now(),
    )
    return DeliveryOutcome(done=True)


def _message_failed(message_id: int, error: SmsSendError) -> None:
    now = timezone.now()
    SmsMessage.objects.filter(pk=message_id).update(
        status=Status.FAILED, permanent_failure=error.permanent, error_code=error.code[:32],
        error_message=error.message[:255], failed_at=now, updated_at=now,
    )


# Delivery statuses a provider reports, in the order they happen; later never goes back.
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
