"""The account-wide lock of a second-factor kind: too many wrong codes in a row (whatever
device they were tried on) lock the kind for the account until an administrator unlocks
it. django-otp's per-device delays slow each guess; this lock ends a slow guessing run.

A factor app calls `factor_failure_record` after each wrong code (with its own limit, a
named setting), `factor_failures_reset` after a right one, and `factor_is_locked` before
it checks a code or sends one; it tells the person itself when a call returns True.
Administrators see and unlock every kind in one admin page (accounts.admin).
"""

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from .audit import audit_event_record
from .models import AuditEvent, FactorLock


def factor_is_locked(*, user, kind: str) -> bool:
    return FactorLock.objects.filter(user=user, kind=kind, locked_at__isnull=False).exists()


def factor_failures_reset(*, user, kind: str) -> None:
    """A right code: the count of wrong ones in a row starts again (a lock stays)."""
    FactorLock.objects.filter(user=user, kind=kind).update(consecutive_failures=0, last_failure_at=None)


def factor_failure_record(*, request: HttpRequest | None, user, kind: str, lock_after: int) -> tuple[bool, int]:
    """One more wrong code of `kind` for the account: (whether this one locked the kind,
    the wrong codes in a row). The lock is audited here."""
    with transaction.atomic():
        FactorLock.objects.get_or_create(user=user, kind=kind)
        lock = FactorLock.objects.select_for_update().get(user=user, kind=kind)
        lock.consecutive_failures += 1
        lock.last_failure_at = timezone.now()
        newly_locked = lock.locked_at is None and lock.consecutive_failures >= lock_after
        if newly_locked:
            lock.locked_at = timezone.now()
        lock.save()
    if newly_locked:
        audit_event_record(kind=AuditEvent.Kind.MFA_LOCKED, request=request, user=user, method=kind,
                           failures=lock.consecutive_failures)
    return newly_locked, lock.consecutive_failures


def factor_unlock(*, user, kind: str, request: HttpRequest | None = None) -> None:
    """For administrators: the account may use `kind` again; the delays django-otp put on
    its devices go too. Audited."""
    from django_otp.models import ThrottlingMixin

    from .factors import factor_get

    FactorLock.objects.filter(user=user, kind=kind).update(consecutive_failures=0, locked_at=None,
                                                           last_failure_at=None)
    factor = factor_get(kind)
    devices = factor.devices(user) if factor is not None else []
    model = getattr(devices, "model", None)
    if model is not None and issubclass(model, ThrottlingMixin):
        devices.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    audit_event_record(kind=AuditEvent.Kind.ACCOUNT_UNLOCKED, request=request, user=user, method=kind)
