"""Brute-force limits on passwords, per account and per client IP.

Counters live in the database so that every web process sees the same numbers, and admins
see them in Django admin. The account counter is keyed by the account the typed email
names, found the way the sign-in finds it (the database's case-insensitive match, which
also folds Unicode spellings such as 'ſ' for 's'), so no spelling of an address gets fresh
attempts; an unknown email is keyed by its folded form and locks exactly like a known
one, revealing nothing.
"""

import unicodedata
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from eulogin.ratelimit import window_hit

from . import conf
from .models import SignInThrottle, User

Scope = SignInThrottle.Scope


def account_key(email: str) -> str:
    """The key of the counters of the account `email` names: 'user:<id>' for an account,
    else the typed address folded (NFKC, casefold)."""
    typed = email.strip()
    user_id = User.objects.filter(email__iexact=typed).values_list("pk", flat=True).first()
    if user_id is not None:
        return f"user:{user_id}"
    return "email:" + unicodedata.normalize("NFKC", typed).casefold()[:240]


def _keys(*, email: str, ip: str | None) -> list[tuple[str, str, int]]:
    keys = [(Scope.ACCOUNT, account_key(email), conf.get("ACCOUNTS_LOCKOUT_ACCOUNT_FREE_FAILURES"))]
    if ip:
        keys.append((Scope.IP, ip, conf.get("ACCOUNTS_LOCKOUT_IP_FREE_FAILURES")))
    return keys


def lock_duration(*, failures: int, free_failures: int) -> timedelta | None:
    """No lock for the free failures, then base × 2^(n − free − 1), capped."""
    over = failures - free_failures
    if over <= 0:
        return None
    seconds = conf.get("ACCOUNTS_LOCKOUT_BASE_SECONDS") * 2 ** min(over - 1, 32)
    return timedelta(seconds=min(seconds, conf.get("ACCOUNTS_LOCKOUT_MAX_SECONDS")))


def signin_locked_until(*, email: str, ip: str | None) -> datetime | None:
    """When the account or the IP may try again, if either is locked now (one query)."""
    either = Q()
    for scope, key, _free in _keys(email=email, ip=ip):
        either |= Q(scope=scope, key=key)
    return SignInThrottle.objects.filter(either, locked_until__gt=timezone.now()).aggregate(
        until=Max("locked_until"))["until"]


def signin_failure_record(*, email: str, ip: str | None) -> datetime | None:
    """Count one failed password; return the lock it caused, if any."""
    now = timezone.now()
    reset_after = timedelta(seconds=conf.get("ACCOUNTS_LOCKOUT_RESET_SECONDS"))
    until = None
    for scope, key, free in _keys(email=email, ip=ip):
        with transaction.atomic():
            SignInThrottle.objects.get_or_create(scope=scope, key=key)
            row = SignInThrottle.objects.select_for_update().get(scope=scope, key=key)
            if row.last_failure_at and now - row.last_failure_at > reset_after:
                row.failures = 0
            row.failures += 1
            row.last_failure_at = now
            duration = lock_duration(failures=row.failures, free_failures=free)
            if duration:
                row.locked_until = now + duration
                until = max(until, row.locked_until) if until else row.locked_until
            row.save(update_fields=["failures", "last_failure_at", "locked_until"])
    return until


def signin_success_record(*, email: str, user=None) -> None:
    """A correct password ends the account's run of failures (not the IP's): one DELETE,
    keyed by `user` when the caller has it (else found from `email`)."""
    key = f"user:{user.pk}" if user is not None else account_key(email)
    rows = SignInThrottle.objects.filter(scope=Scope.ACCOUNT, key=key)
    rows._raw_delete(rows.db)  # no signal, no cascade: a plain DELETE, outside any transaction


def signin_throttles_clear(*, email: str) -> int:
    """For admins: unlock an account now."""
    deleted, _ = SignInThrottle.objects.filter(scope=Scope.ACCOUNT, key=account_key(email)).delete()
    return deleted


def email_request_allowed(*, action: str, email: str, ip: str | None) -> tuple[bool, bool]:
    """Count one emailing request (`action`: "registration", "password_reset") and say
    whether it is within the limits, as (address_allowed, ip_allowed).

    Counters live in the cache (Redis in production, shared by every process) for
    ACCOUNTS_EMAIL_REQUEST_WINDOW_SECONDS. The address is counted whether or not it has an
    account, so the limits reveal nothing about which addresses exist.
    """
    window = conf.get("ACCOUNTS_EMAIL_REQUEST_WINDOW_SECONDS")
    scope = f"accounts:{action}"
    address_ok = window_hit(scope=scope, key=account_key(email), window=window) <= conf.get(
        "ACCOUNTS_EMAIL_REQUESTS_PER_ADDRESS"
    )
    ip_ok = ip is None or window_hit(scope=scope, key=f"ip:{ip}", window=window) <= conf.get(
        "ACCOUNTS_EMAIL_REQUESTS_PER_IP"
    )
    return address_ok, ip_ok


def current_password_locked(request) -> bool:
    """Forms that ask a signed-in person for their current password (password change,
    deletion, PANIC) share the sign-in brute-force limits: is it locked now?"""
    from .http import client_ip

    return signin_locked_until(email=request.user.email, ip=client_ip(request)) is not None


def current_password_failed(request, reason: str) -> None:
    """Count a wrong current password against the sign-in limits, and audit it."""
    from .audit import audit_event_record
    from .http import client_ip
    from .models import AuditEvent

    signin_failure_record(email=request.user.email, ip=client_ip(request))
    audit_event_record(kind=AuditEvent.Kind.SIGNIN_FAILED, request=request, reason=reason)
