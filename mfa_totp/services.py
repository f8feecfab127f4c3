"""Writes of the authenticator app second factor: enrolment, codes, locks, notices.

Codes are checked by django-otp's `TOTPDevice.verify_token` (replay refusal by `last_t`,
one step of drift, growing delays), with the device rows locked (`select_for_update`) so
that two parallel requests carrying the same code cannot both pass.
"""

import enum
import re
from datetime import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_event_record
from accounts.emails import factor_notice_send
from accounts.factors import factor_proved
from accounts.locks import factor_failure_record, factor_failures_reset, factor_is_locked
from accounts.models import AuditEvent

from . import conf
from .models import TOTPDevice

KIND = "TOTP"
ENROLMENT_SESSION_KEY = "mfa_totp_enrolment"

REFUSED_LOCKED = gettext_lazy(
    "Signing in with an authenticator app is locked for this account after too many wrong codes. "
    "Please contact the helpdesk."
)


class VerifyResult(enum.Enum):
    OK = "ok"
    WRONG = "wrong"  # wrong, or already used within its window (replay)
    THROTTLED = "throttled"  # growing delay after wrong codes: wait a little
    LOCKED = "locked"


_CODE = re.compile(r"\d{6,8}")


def code_normalise(code: str) -> str:
    """The digits of a code as typed ('123 456', '123-456')."""
    return re.sub(r"[\s\-]", "", code or "")


# --- enrolment ---------------------------------------------------------------------------


def totp_enrolment_start(*, request: HttpRequest, user, name: str, next_url: str = "", cancel_url: str = "") -> TOTPDevice:
    """A new, unconfirmed app with a fresh random secret (django-otp's 20 bytes), bound to
    this session. An earlier unfinished enrolment of the account is dropped with its secret."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name=name[:64], confirmed=False)
    request.session[ENROLMENT_SESSION_KEY] = {
        "device": device.pk, "started_at": timezone.now().isoformat(), "next": next_url, "cancel": cancel_url,
    }
    return device


def totp_enrolment_state(request: HttpRequest) -> dict | None:
    """The enrolment this session has under way, or None (none, or abandoned too long ago)."""
    state = request.session.get(ENROLMENT_SESSION_KEY)
    if not state:
        return None
    age = (timezone.now() - datetime.fromisoformat(state["started_at"])).total_seconds()
    if not 0 <= age <= conf.get("MFA_TOTP_ENROLMENT_SECONDS"):
        totp_enrolment_cancel(request=request)
        return None
    return state


def totp_enrolment_cancel(*, request: HttpRequest) -> None:
    state = request.session.pop(ENROLMENT_SESSION_KEY, None)
    if state and request.user.is_authenticated:
        TOTPDevice.objects.filter(pk=state.get("device"), user=request.user, confirmed=False).delete()


def totp_enrolment_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> VerifyResult:
    """Check the first code from the new app; a right one confirms it. The code also counts
    as this session's proof of the app (a guided enrolment goes on without a second code)."""
    code = code_normalise(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_is_allowed()[0]:
            return VerifyResult.THROTTLED
        if not (_CODE.fullmatch(code) and device.verify_token(code)):
            if not _CODE.fullmatch(code):
                device.throttle_increment(commit=True)
            return VerifyResult.WRONG
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    request.session.pop(ENROLMENT_SESSION_KEY, None)
    audit_event_record(kind=AuditEvent.Kind.MFA_DEVICE_ADDED, request=request, user=device.user, method=KIND,
                       name=device.name)
    factor_notice_send(user=device.user, subject=_("An authenticator app was added to your EU Login account"),
                        template="mfa_totp/email/app_added.txt", context={"name": device.name})
    session_totp_proved(request=request, device=device)
    return VerifyResult.OK


# --- the apps of an account --------------------------------------------------------------


def totp_device_rename(*, device: TOTPDevice, name: str) -> None:
    device.name = name[:64]
    device.save(update_fields=["name"])


def totp_device_remove(*, request: HttpRequest, device: TOTPDevice) -> None:
    name, user = device.name, device.user
    device.delete()
    audit_event_record(kind=AuditEvent.Kind.MFA_DEVICE_REMOVED, request=request, user=user, method=KIND, name=name)
    factor_notice_send(user=user, subject=_("An authenticator app was removed from your EU Login account"),
                        template="mfa_totp/email/app_removed.txt", context={"name": name})


# --- codes -------------------------------------------------------------------------------


def totp_verify(*, request: HttpRequest, user, code: str, purpose: str) -> tuple[VerifyResult, TOTPDevice | None]:
    """Check `code` against `user`'s confirmed apps; returns the result and the app it
    matched. A wrong or replayed code counts on each app tried (django-otp's delays) and on
    the account (the lock after MFA_TOTP_LOCK_AFTER_FAILURES)."""
    if factor_is_locked(user=user, kind=KIND):
        return VerifyResult.LOCKED, None
    code = code_normalise(code)
    matched = None
    with transaction.atomic():
        devices = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk"))
        allowed = [d for d in devices if d.verify_is_allowed()[0]]
        if devices and not allowed:
            return VerifyResult.THROTTLED, None
        for device in allowed:
            if _CODE.fullmatch(code) and device.verify_token(code):
                matched = device
                break
        if not _CODE.fullmatch(code):
            for device in allowed:
                device.throttle_increment(commit=True)
        if matched is not None:
            # The right code proves the person: the delays other apps took from this very
            # attempt go too.
            TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=matched.pk).update(
                throttling_failure_count=0, throttling_failure_timestamp=None)
    if matched is not None:
        factor_failures_reset(user=user, kind=KIND)
        audit_event_record(kind=AuditEvent.Kind.MFA_SUCCEEDED, request=request, user=user, method=KIND,
                           purpose=purpose, name=matched.name)
        return VerifyResult.OK, matched
    audit_event_record(kind=AuditEvent.Kind.MFA_FAILED, request=request, user=user, method=KIND, purpose=purpose)
    if _failure_record(request=request, user=user):
        return VerifyResult.LOCKED, None
    return VerifyResult.WRONG, None


def session_totp_proved(*, request: HttpRequest, device: TOTPDevice) -> None:
    """Record on this signed-in session that it proved an authenticator app now."""
    factor_proved(request, kind=KIND, device=device, app=device.name)


def _failure_record(*, request: HttpRequest, user) -> bool:
    """One more wrong code for the account; True if this one locked the method (the
    person is told)."""
    locked, failures = factor_failure_record(request=request, user=user, kind=KIND,
                                             lock_after=conf.get("MFA_TOTP_LOCK_AFTER_FAILURES"))
    if locked:
        factor_notice_send(user=user, subject=_("Signing in with an authenticator app is locked on your EU Login account"),
                            template="mfa_totp/email/locked.txt", context={"failures": failures})
    return locked
