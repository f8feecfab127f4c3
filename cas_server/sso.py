"""SSO sessions (the TGT and its cookie): start, follow the Django session, refresh, end, purge."""

from datetime import datetime, timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.factors import session_factors, session_signed_in_at, session_strength

from . import conf, dialects
from .models import ProxyGrantingTicket, ServiceTicket, SsoSession
from .slo import slo_enqueue
from .tickets import (
    TICKET_GRANTING,
    ticket_digest,
    ticket_new,
)


def session_authenticated_at(request: HttpRequest) -> datetime:
    """When the credentials of this session were presented (the start of the SSO session):
    the password's moment, or that of a factor standing alone (a passkey)."""
    return session_signed_in_at(request) or timezone.now()


def sso_session_start(*, request: HttpRequest, remember_me: bool = False, warn: bool = False) -> tuple[SsoSession, str]:
    """Open the SSO session of the signed-in `request.user`, bound to this Django session.

    Returns the session and the raw TGT, which only ever goes into the cookie.
    """
    if not request.session.session_key:
        request.session.save()
    now = timezone.now()
    authenticated_at = min(session_authenticated_at(request), now)
    if remember_me:
        expires_at = now + timedelta(seconds=conf.get("CAS_REMEMBER_ME_SECONDS"))
    else:
        expires_at = authenticated_at + timedelta(seconds=conf.get("CAS_SSO_MAX_SECONDS"))
    raw = ticket_new(TICKET_GRANTING)
    sso = SsoSession.objects.create(
        ticket_digest=ticket_digest(raw),
        user=request.user,
        session_key=request.session.session_key,
        authenticated_at=authenticated_at,
        factors=session_factors(request),
        strength=session_strength(request),
        remember_me=remember_me,
        warn=warn,
        created_at=now,
        last_used_at=now,
        expires_at=expires_at,
    )
    if remember_me:
        # The Django session must live as long as the long-term SSO session it carries.
        request.session.set_expiry(conf.get("CAS_REMEMBER_ME_SECONDS"))
    return sso, raw


def sso_session_establish(
    *, request: HttpRequest, fresh: bool, remember_me: bool, warn: bool = False,
) -> tuple[SsoSession, str | None]:
    """The SSO session to issue tickets from, for a signed-in request.

    The cookie's live TGT of the same person follows the session to its new key (the
    accounts sign-in always issues a new key); after fresh credentials it gets a new TGT
    value and new limits, keeping the services it signed in to for single logout. Another
    person's TGT ends. Otherwise a new TGT starts. `remember_me` counts only with fresh
    credentials. `warn` (no transparent single sign-on) is the sign-in's choice, kept by
    the SSO session until it ends. Returns (session, raw TGT to set in the cookie, or None
    to keep it).
    """
    from .selectors import sso_session_from_cookie

    remember_me = remember_me and fresh
    sso = sso_session_from_cookie(request)
    if sso is not None and sso.is_active():
        if sso.user_id == request.user.pk:
            if not fresh:
                if (sso.session_key, sso.warn) != (request.session.session_key, warn):
                    # The same person signed in again, outside a CAS login: its choice counts.
                    sso.session_key, sso.warn = request.session.session_key, warn
                    sso.save(update_fields=["session_key", "warn"])
                return sso, None
            now = timezone.now()
            raw = ticket_new(TICKET_GRANTING)
            sso.ticket_digest = ticket_digest(raw)
            sso.session_key = request.session.session_key
            sso.authenticated_at = min(session_authenticated_at(request), now)
            sso.remember_me = remember_me
            sso.warn = warn
            sso.expires_at = (now + timedelta(seconds=conf.get("CAS_REMEMBER_ME_SECONDS")) if remember_me
                              else sso.authenticated_at + timedelta(seconds=conf.get("CAS_SSO_MAX_SECONDS")))
            sso.save(update_fields=["ticket_digest", "session_key", "authenticated_at", "remember_me", "warn",
                                    "expires_at"])
            if remember_me:
                request.session.set_expiry(conf.get("CAS_REMEMBER_ME_SECONDS"))
            return sso, raw
        sso_session_end(sso=sso, reason="other_user")
    return sso_session_start(request=request, remember_me=remember_me, warn=warn)


def sso_session_refresh(*, sso: SsoSession, request: HttpRequest) -> SsoSession:
    """Record activity and what the session has proved since (e.g. a second factor).

    Written when the factors changed or the recorded activity is CAS_SSO_TOUCH_SECONDS old,
    not on every ticket: the idle limit then counts from at most that much earlier, never later.
    """
    now = timezone.now()
    factors, strength = session_factors(request), session_strength(request)
    if (factors == sso.factors and strength == sso.strength
            and now - sso.last_used_at < timedelta(seconds=conf.get("CAS_SSO_TOUCH_SECONDS"))):
        return sso
    sso.last_used_at, sso.factors, sso.strength = now, factors, strength
    sso.save(update_fields=["last_used_at", "factors", "strength"])
    return sso


def sso_session_end(*, sso: SsoSession, reason: str) -> bool:
    """End one SSO session: its PGTs die with it and every service it signed in to gets a
    single logout request (queued, never sent while the caller waits). Idempotent."""
    with transaction.atomic():
        ended = SsoSession.objects.filter(pk=sso.pk, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=reason[:32]
        )
        if not ended:
            return False
        ProxyGrantingTicket.objects.filter(sso_session=sso).delete()
        ticket_ids = list(
            ServiceTicket.objects.filter(
                sso_session=sso, kind=ServiceTicket.Kind.SERVICE, logout_sent_at__isnull=True,
                service__slo_enabled=True,
            ).values_list("id", flat=True)
        )
        if ticket_ids:
            # Asked for now: what cas_server.requeue reads if the broker never takes it.
            ServiceTicket.objects.filter(id__in=ticket_ids).update(logout_queued_at=timezone.now())
            transaction.on_commit(lambda: slo_enqueue(ticket_ids))
    return True


def sso_sessions_rekey(*, user_id, old_session_key: str, new_session_key: str) -> int:
    """The Django session kept going under a new key: its SSO sessions follow it."""
    return SsoSession.objects.filter(user_id=user_id, session_key=old_session_key, ended_at__isnull=True).update(
        session_key=new_session_key
    )


def sso_sessions_end_for_session(*, user_id, session_key: str, reason: str) -> int:
    """End every SSO session bound to one Django session of one user."""
    count = 0
    for sso in SsoSession.objects.filter(user_id=user_id, session_key=session_key, ended_at__isnull=True):
        count += sso_session_end(sso=sso, reason=reason)
    return count


def cas_purge(*, now: datetime | None = None) -> dict[str, int]:
    """End SSO sessions past their idle or hard limit (sending single logout), then delete
    tickets and sessions that ended more than CAS_PURGE_AFTER_SECONDS ago."""
    now = now or timezone.now()
    ended = 0
    idle_cutoff = now - timedelta(seconds=conf.get("CAS_SSO_IDLE_SECONDS"))
    from django.db.models import Q

    expired = SsoSession.objects.filter(ended_at__isnull=True).filter(
        Q(expires_at__lte=now) | Q(remember_me=False, last_used_at__lte=idle_cutoff)
    )
    for sso in expired:
        ended += sso_session_end(sso=sso, reason="expired")
    keep_until = now - timedelta(seconds=conf.get("CAS_PURGE_AFTER_SECONDS"))
    tickets, _ = ServiceTicket.objects.filter(expires_at__lte=keep_until).exclude(
        kind=ServiceTicket.Kind.SERVICE, sso_session__ended_at__isnull=True
    ).delete()
    sessions, _ = SsoSession.objects.filter(ended_at__lte=keep_until).delete()
    counts = {"sso_sessions_ended": ended, "tickets_deleted": tickets, "sso_sessions_deleted": sessions}
    for purge in dialects.purgers:
        counts.update(purge(now=now))
    return counts
