"""The SMS method lock: too many wrong codes in a row lock SMS for the account."""


from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import audit_event_record
from accounts.models import AuditEvent

from . import conf
from .models import PhoneDevice, SmsMethodLock
from .notices import account_notice_send


def sms_method_is_locked(*, user) -> bool:
    return SmsMethodLock.objects.filter(user=user, locked_at__isnull=False).exists()


def sms_method_unlock(*, user, request: HttpRequest | None = None) -> None:
    """For administrators: let the account use SMS again."""
    SmsMethodLock.objects.filter(user=user).update(consecutive_failures=0, locked_at=None, last_failure_at=None)
    PhoneDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    audit_event_record(kind=AuditEvent.Kind.ACCOUNT_UNLOCKED, request=request, user=user, method="SMS")


def failures_reset(*, user) -> None:
    """A right code: the count of wrong ones in a row starts again."""
    SmsMethodLock.objects.filter(user=user).update(consecutive_failures=0, last_failure_at=None)


def failure_record(*, request: HttpRequest, user) -> bool:
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
        account_notice_send(user=user, template="mfa_sms/locked", context={"failures": lock.consecutive_failures})
    return newly_locked
