"""Writes of the accounts app."""

from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone
from importlib import import_module

from django.conf import settings

from .audit import audit_event_record
from .http import client_ip, client_user_agent
from .models import AuditEvent, User, UserSession
from .signals import session_ended


def _session_store(session_key: str) -> SessionBase:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def user_session_start(*, request: HttpRequest, user: User) -> UserSession:
    """Record the session a sign-in just opened (its key is new: see signin_complete)."""
    if not request.session.session_key:
        request.session.save()
    now = timezone.now()
    session, _ = UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip_address": client_ip(request),
            "user_agent": client_user_agent(request),
            "created_at": now,
            "last_activity_at": now,
        },
    )
    return session


def user_session_end(*, user: User, session_key: str, request: HttpRequest | None = None) -> bool:
    """End one of `user`'s sessions (never someone else's). True if there was one."""
    deleted, _ = UserSession.objects.filter(user=user, session_key=session_key).delete()
    if not deleted:
        return False
    _session_store(session_key).delete()
    audit_event_record(kind=AuditEvent.Kind.SESSION_ENDED, request=request, user=user)
    session_ended.send(sender=UserSession, user=user, session_key=session_key)
    return True


def user_sessions_end_all(*, user: User, except_session_key: str | None = None, request: HttpRequest | None = None) -> int:
    """End every session of `user` but `except_session_key`; returns how many ended."""
    keys = list(
        UserSession.objects.filter(user=user).exclude(session_key=except_session_key or "").values_list(
            "session_key", flat=True
        )
    )
    for key in keys:
        user_session_end(user=user, session_key=key, request=request)
    return len(keys)


def user_signout(*, request: HttpRequest) -> None:
    """End the current session (Déconnexion)."""
    user = request.user if request.user.is_authenticated else None
    session_key = request.session.session_key
    if user is not None:
        audit_event_record(kind=AuditEvent.Kind.SIGNED_OUT, request=request, user=user)
        UserSession.objects.filter(session_key=session_key).delete()
    logout(request)
    if user is not None and session_key:
        session_ended.send(sender=UserSession, user=user, session_key=session_key)


def user_set_language(*, user: User, language: str) -> None:
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
