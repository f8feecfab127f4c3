"""The session state of an SMS challenge: a code sent to one device for one purpose,
bound to this browser session, then verified once; and the email proof that lets an
account which had numbers and has none left bind a new one.

Views call these; none of them trusts the browser for anything but the typed values."""

import enum
import math
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.audit import audit_event_record
from accounts.crypto import digest
from accounts.factors import factor_proved
from accounts.http import client_ip
from accounts.locks import factor_failure_record, factor_failures_reset, factor_is_locked
from accounts.models import AuditEvent

from . import codes, conf, limits
from .delivery import sms_message_queue
from .factor import SMS
from .models import Challenge, PhoneDevice
from .notices import account_notice_send

SESSION_KEY = "mfa_sms_challenge"


class SmsRefused(Exception):
    """A code cannot be sent now; `message` is safe to show (it reveals nothing about
    other accounts or numbers) and says when a new code can be asked for; `wait` is that
    delay in seconds (None: not by waiting, e.g. a locked method)."""

    def __init__(self, message, wait: int | None = None):
        super().__init__(str(message))
        self.message = message
        self.wait = wait


def _when(wait: int) -> dict:
    """"in 3 minutes, at 14:05": the minutes rounded up, and the local time."""
    at = timezone.localtime(timezone.now() + timedelta(seconds=wait))
    return {"minutes": max(1, math.ceil(wait / 60)), "time": time_format(at, "H:i")}


def refused_limit_message(wait: int) -> str:
    when = _when(wait)
    return ngettext(
        "No SMS can be sent right now. You can ask for a new code in %(minutes)d minute, at %(time)s, "
        "or choose another authentication method.",
        "No SMS can be sent right now. You can ask for a new code in %(minutes)d minutes, at %(time)s, "
        "or choose another authentication method.",
        when["minutes"],
    ) % when


def refused_cooldown_message(wait: int) -> str:
    when = _when(wait)
    return ngettext(
        "A code was sent a moment ago. You can ask for a new one in %(minutes)d minute, at %(time)s.",
        "A code was sent a moment ago. You can ask for a new one in %(minutes)d minutes, at %(time)s.",
        when["minutes"],
    ) % when


REFUSED_LOCKED = gettext_lazy(
    "Signing in by SMS is locked for this account after too many wrong codes. Please contact the helpdesk."
)


class VerifyResult(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"  # too old, used, voided or too many wrong entries
    THROTTLED = "throttled"  # growing delay after wrong entries: wait a little
    LOCKED = "locked"


# What the person reads after a code that did not verify, on the pages and in the API.
VERIFY_ERRORS = {
    VerifyResult.WRONG: gettext_lazy("The challenge code is incorrect. Please check it and try again."),
    VerifyResult.EXPIRED: gettext_lazy("This challenge code is no longer valid. Please ask for a new code."),
    VerifyResult.LOCKED: REFUSED_LOCKED,
}


def verify_error_message(*, result: VerifyResult, device: PhoneDevice) -> str:
    """The message for a `challenge_verify` result other than OK; after THROTTLED it says
    how many seconds to wait (verify_wait) before the same code is looked at again."""
    if result is VerifyResult.THROTTLED:
        seconds = verify_wait(device=device)
        return ngettext(
            "Too many wrong codes in a row. Please wait %(seconds)d second, then enter the code again: "
            "it is still valid.",
            "Too many wrong codes in a row. Please wait %(seconds)d seconds, then enter the code again: "
            "it is still valid.", seconds) % {"seconds": seconds}
    return str(VERIFY_ERRORS[result])


def _binding(nonce: str) -> str:
    return digest(nonce)


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
    if factor_is_locked(user=user, kind=SMS):
        raise SmsRefused(REFUSED_LOCKED)
    refused_by = None
    with transaction.atomic():
        device = PhoneDevice.objects.select_for_update().get(pk=device.pk)
        cooldown = _cooldown_wait(device)
        if cooldown:
            raise SmsRefused(refused_cooldown_message(cooldown), wait=cooldown)
        refused_by = limits.sms_send_take(number=device.number, user_id=user.pk, ip=client_ip(request))
        if not refused_by:
            challenge, nonce = _challenge_create(request=request, device=device, purpose=purpose)
    if refused_by:
        audit_event_record(kind=AuditEvent.Kind.SMS_REFUSED, request=request, user=user, limit=refused_by)
        wait = limits.sms_send_wait(number=device.number, user_id=user.pk, ip=client_ip(request))
        raise SmsRefused(refused_limit_message(wait), wait=wait)
    request.session[SESSION_KEY] = {
        "challenge": challenge.pk,
        "nonce": nonce,
        "purpose": purpose,
        "device": device.pk,
        "user": user.pk,
        **(state or {}),
    }
    return challenge


def _cooldown_wait(device: PhoneDevice) -> int:
    """Seconds left of the device's resend cooldown (django-otp's CooldownMixin), 0: none."""
    allowed, detail = device.generate_is_allowed()
    if allowed:
        return 0
    left = (detail["next_generation_at"] - timezone.now()).total_seconds()
    return max(1, math.ceil(left))


def sms_resend_wait(*, request: HttpRequest, device: PhoneDevice) -> tuple[int, str]:
    """For the challenge page: (seconds until a new code can be sent to `device`, why not
    before: "" for now, "cooldown" or "limit")."""
    limit = limits.sms_send_wait(number=device.number, user_id=device.user_id, ip=client_ip(request))
    cooldown = _cooldown_wait(device)
    if limit:
        return max(limit, cooldown), "limit"
    return cooldown, "cooldown" if cooldown else ""


def sms_refusal_now(*, request: HttpRequest, device: PhoneDevice) -> str:
    """Why no code can be sent to `device` at this moment, with when one can ("" if one can)."""
    if factor_is_locked(user=device.user, kind=SMS):
        return str(REFUSED_LOCKED)
    wait, reason = sms_resend_wait(request=request, device=device)
    if reason == "limit":
        return refused_limit_message(wait)
    return refused_cooldown_message(wait) if reason else ""


def verify_wait(*, device: PhoneDevice) -> int:
    """Seconds before the next code entry on `device` is looked at (growing delays)."""
    allowed, detail = PhoneDevice.objects.get(pk=device.pk).verify_is_allowed()
    if allowed:
        return 0
    return max(1, math.ceil((detail["locked_until"] - timezone.now()).total_seconds()))


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
    if factor_is_locked(user=user, kind=SMS):
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
        factor_failures_reset(user=user, kind=SMS)
        limits.sms_send_used(number=device.number, sent_at=challenge.created_at)
        audit_event_record(kind=AuditEvent.Kind.MFA_SUCCEEDED, request=request, user=user, method="SMS",
                           purpose=purpose, phone=device.masked_number)
        return VerifyResult.OK

    Challenge.objects.filter(pk=challenge.pk).update(wrong_attempts=F("wrong_attempts") + 1)
    with transaction.atomic():
        device = PhoneDevice.objects.select_for_update().get(pk=device.pk)
        device.throttle_increment(commit=False)
        device.save(update_fields=["throttling_failure_count", "throttling_failure_timestamp"])
    audit_event_record(kind=AuditEvent.Kind.MFA_FAILED, request=request, user=user, method="SMS", purpose=purpose)
    locked, failures = factor_failure_record(request=request, user=user, kind=SMS,
                                             lock_after=conf.get("MFA_SMS_LOCK_AFTER_FAILURES"))
    if locked:
        account_notice_send(user=user, template="mfa_sms/locked", context={"failures": failures})
        return VerifyResult.LOCKED
    return VerifyResult.WRONG


def session_sms_proved(*, request: HttpRequest, device: PhoneDevice) -> None:
    """Record on a signed-in session that it proved SMS now (step-up, enrolment)."""
    factor_proved(request, kind=SMS, device=device, phone=device.masked_number)


def device_token_verify(*, device: PhoneDevice, token) -> bool:
    """PhoneDevice.verify_token (django-otp): `token` against the device's latest open
    challenge, single use under concurrency, with django-otp's throttling."""
    if factor_is_locked(user=device.user, kind=SMS):
        return False
    allowed, _detail = device.verify_is_allowed()
    if not allowed:
        return False
    now, max_attempts = timezone.now(), conf.get("MFA_SMS_CODE_MAX_ATTEMPTS")
    open_challenges = Challenge.objects.filter(device=device, used_at__isnull=True, voided_at__isnull=True,
                                               expires_at__gt=now, wrong_attempts__lt=max_attempts)
    challenge = open_challenges.order_by("-created_at", "-pk").first()
    if challenge is not None and codes.code_matches(str(token or ""), salt=challenge.salt,
                                                    expected_hmac=challenge.code_hmac):
        if open_challenges.filter(pk=challenge.pk).update(used_at=now) == 1:
            device.throttle_reset(commit=False)
            device.set_last_used_timestamp(commit=False)
            device.save(update_fields=["throttling_failure_count", "throttling_failure_timestamp", "last_used_at"])
            return True
        return False
    if challenge is not None:
        Challenge.objects.filter(pk=challenge.pk).update(wrong_attempts=F("wrong_attempts") + 1)
    device.throttle_increment(commit=True)
    return False
