"""The sign-in in progress, kept in the session so any web process can continue it.

Step 1 records the typed email (and where to go afterwards); step 2 checks the password and
either completes the sign-in or hands over to the chosen factor's step (its `start`), which
completes it with `signin_factor_proved` once its factor is proved.
"""

import enum
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils import timezone

from . import conf, factors, throttling
from .audit import audit_event_record
from .http import client_ip, safe_next_url
from .models import AuditEvent

PENDING_KEY = "eulogin_signin"
# Whether the person ticked "keep me signed in" at this sign-in (read by the CAS server to
# give the SSO session a long-term lifetime).
REMEMBER_ME_SESSION_KEY = "eulogin_remember_me"
# Whether the person ticked "warn me before logging me into other sites" (read by the CAS
# server: each later service shows its warn page first).
WARN_SESSION_KEY = "eulogin_warn"
BACKEND = "accounts.backends.EmailBackend"


def signin_pending_start(request: HttpRequest, *, email: str, next_url: str | None) -> None:
    request.session[PENDING_KEY] = {
        "email": email,
        "next": next_url or "",
        "started_at": timezone.now().isoformat(),
    }


def signin_pending(request: HttpRequest) -> dict | None:
    """The pending sign-in, or None if there is none or it is too old."""
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return None
    started = datetime.fromisoformat(pending["started_at"])
    if (timezone.now() - started).total_seconds() > conf.get("ACCOUNTS_SIGNIN_TIMEOUT_SECONDS"):
        request.session.pop(PENDING_KEY, None)
        return None
    return pending


def signin_pending_update(request: HttpRequest, **values) -> None:
    pending = request.session.get(PENDING_KEY) or {}
    pending.update(values)
    request.session[PENDING_KEY] = pending


def signin_pending_next_url(request: HttpRequest) -> str:
    pending = request.session.get(PENDING_KEY) or {}
    return pending.get("next") or ""


def signin_pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def signin_complete(request: HttpRequest, *, user, proved: list[dict]) -> str:
    """Sign `user` in with the factors in `proved` ({"kind": ..., "at": iso, ...}).

    A new session key is issued (no session fixation); the factors of any earlier session
    are dropped. Returns where to go next ('' for the default page).
    """
    next_url = signin_pending_next_url(request)
    pending = request.session.get(PENDING_KEY) or {}
    remember_me, warn = bool(pending.get("remember_me")), bool(pending.get("warn"))
    login(request, user, backend=BACKEND)
    request.session[REMEMBER_ME_SESSION_KEY] = remember_me
    request.session[WARN_SESSION_KEY] = warn
    signin_pending_clear(request)
    now = timezone.now().isoformat()
    request.session[factors.SESSION_KEY] = [{"at": now, **f} for f in proved]
    throttling.signin_success_record(email=user.email, user=user)
    audit_event_record(
        kind=AuditEvent.Kind.SIGNIN_SUCCEEDED,
        request=request,
        user=user,
        factors=[f["kind"] for f in proved],
        strength=factors.session_strength(request),
    )
    return next_url


class Refused(enum.Enum):
    THROTTLED = "throttled"  # too many failures: paused until `locked_until`
    WRONG = "wrong"  # the email or the password is wrong (never which)
    ACCOUNT_LOCKED = "account_locked"  # locked by an administrator


@dataclass
class PasswordOutcome:
    """What the password step came to: refused (why, and until when), or the response
    that goes on (the chosen factor's step, or the completed sign-in)."""

    refused: Refused | None = None
    locked_until: datetime | None = None
    response: HttpResponse | None = None
    user: object = None
    method: str = ""


def signin_password_step(request: HttpRequest, *, email: str, password: str, method, extra: dict,
                         remember_me: bool, warn: bool = False) -> PasswordOutcome:
    """Step 2 of the sign-in: the password of the pending sign-in's `email`, and the chosen
    `method` (a registered factor). Brute-force limits (per account and per address) are
    checked before the password and counted after a failure; every outcome is audited.
    Once the password is right, the method's `start` takes over; without one (the password
    alone) the sign-in completes here."""
    ip = client_ip(request)
    locked_until = throttling.signin_locked_until(email=email, ip=ip)
    if locked_until:
        audit_event_record(kind=AuditEvent.Kind.SIGNIN_LOCKED, request=request, email=email, reason="throttle")
        return PasswordOutcome(refused=Refused.THROTTLED, locked_until=locked_until)
    user = authenticate(request, username=email, password=password)
    if user is None:
        locked_until = throttling.signin_failure_record(email=email, ip=ip)
        audit_event_record(kind=AuditEvent.Kind.SIGNIN_FAILED, request=request, email=email)
        if locked_until:
            audit_event_record(kind=AuditEvent.Kind.SIGNIN_LOCKED, request=request, email=email, reason="throttle")
            return PasswordOutcome(refused=Refused.THROTTLED, locked_until=locked_until)
        return PasswordOutcome(refused=Refused.WRONG)
    if user.locked_at:
        audit_event_record(kind=AuditEvent.Kind.SIGNIN_LOCKED, request=request, user=user, reason="admin")
        return PasswordOutcome(refused=Refused.ACCOUNT_LOCKED)
    proved = factors.factor_record(kind=factors.PASSWORD)
    signin_pending_update(request, password_proved=proved, user=user.pk, method=method.code, remember_me=remember_me,
                          warn=warn)
    response = method.start(request, user, extra) if method.start else None
    if response is None:
        response = signin_redirect(request, signin_complete(request, user=user, proved=[proved]))
    return PasswordOutcome(response=response, user=user, method=method.code)


def signin_pending_user(request: HttpRequest):
    """The account whose password this pending sign-in proved, or None."""
    from django.contrib.auth import get_user_model

    pending = signin_pending(request)
    if not pending or not pending.get("password_proved") or not pending.get("user"):
        return None
    return get_user_model().objects.filter(pk=pending["user"], is_active=True).first()


def signin_factor_proved(request: HttpRequest, *, user, kind: str, device=None, **detail) -> HttpResponse:
    """The factor's step at sign-in proved `kind` for `user`: complete the sign-in (the
    password and this factor) and go on. `detail` is kept with the factor (nothing
    secret). A factor registered with `alone=True` completes a sign-in whose password was
    not asked. Returns the response to send."""
    pending = signin_pending(request) or {}
    factor = factors.factor_get(kind)
    password = pending.get("password_proved")
    if not (password and pending.get("user") == user.pk) and not (factor and factor.alone):
        # The password proved was for another sign-in than this factor's: start over.
        signin_pending_clear(request)
        return redirect("accounts:login")
    proved = ([password] if password and pending.get("user") == user.pk else []) + [
        factors.factor_record(kind=kind, **detail)
    ]
    next_url = signin_complete(request, user=user, proved=proved)
    factors.otp_mirror(request, device)
    return signin_redirect(request, next_url)


def signin_redirect(request: HttpRequest, next_url: str) -> HttpResponse:
    """The response after a completed sign-in: on to `next_url` if it is safe, else home.
    The account's preferred language applies from the next page on, below any choice made
    in this browser (accounts.language)."""
    return redirect(safe_next_url(request, next_url) or resolve_url(settings.LOGIN_REDIRECT_URL))
