"""Writes of the accounts app."""

from contextlib import nullcontext
from importlib import import_module

from django.conf import settings
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from eulogin.queue import task_enqueue

from . import conf, emails, tokens
from .activity import activity_written
from .audit import audit_event_record
from .http import client_ip, client_user_agent
from .models import AuditEvent, User, UserSession
from .signals import session_ended
from .throttling import signin_throttles_clear


def _session_store(session_key: str) -> SessionBase:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


# Set in a session once its UserSession row exists: a session that carries it and has no row
# was ended elsewhere (UserSessionMiddleware signs it out, even from a stale cached copy).
SESSION_RECORDED = "_eulogin_recorded"


def user_session_start(*, request: HttpRequest, user: User) -> UserSession:
    """Record the session a sign-in just opened (its key is new: see signin_complete)."""
    request.session[SESSION_RECORDED] = True
    if not request.session.session_key:
        request.session.save()
    now = timezone.now()
    session = UserSession(
        session_key=request.session.session_key, user=user, ip_address=client_ip(request),
        user_agent=client_user_agent(request), created_at=now, last_activity_at=now,
    )
    # One INSERT (no lookup first, no BEGIN … COMMIT around it: one statement is atomic).
    # A key already recorded (two first requests of one session at once) is taken over.
    try:
        with transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext():
            session.save(force_insert=True)
    except IntegrityError:
        fields = {f: getattr(session, f) for f in ("user", "ip_address", "user_agent", "created_at", "last_activity_at")}
        UserSession.objects.filter(session_key=session.session_key).update(**fields)
        session = UserSession.objects.get(session_key=session.session_key)
    activity_written(session.session_key)
    return session


def user_session_end(*, user: User, session_key: str, request: HttpRequest | None = None, **by) -> bool:
    """End one of `user`'s sessions (never someone else's). True if there was one. `by`
    names who ended it in the audit trail, when not the person."""
    deleted, _ = UserSession.objects.filter(user=user, session_key=session_key).delete()
    if not deleted:
        return False
    _session_store(session_key).delete()
    audit_event_record(kind=AuditEvent.Kind.SESSION_ENDED, request=request, user=user, **by)
    session_ended.send(sender=UserSession, user=user, session_key=session_key)
    return True


def user_sessions_end_all(*, user: User, except_session_key: str | None = None, request: HttpRequest | None = None,
                          **by) -> int:
    """End every session of `user` but `except_session_key`; returns how many ended."""
    keys = list(
        UserSession.objects.filter(user=user).exclude(session_key=except_session_key or "").values_list(
            "session_key", flat=True
        )
    )
    for key in keys:
        user_session_end(user=user, session_key=key, request=request, **by)
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


# --- Registration ------------------------------------------------------------------------
#
# The user row is created only AFTER the email address is verified. Created before, an
# unverified row would let anyone squat somebody else's address (its owner could then
# neither register nor be told why), would need a clean-up job, and the sign-in page would
# have to tell verified from unverified accounts. So the typed names travel in the signed,
# expiring link (tokens.py) and the account is created when the password is set.


class RegistrationLinkInvalid(Exception):
    """The registration link is forged, expired, or was already used."""


def registration_request(*, email: str, first_name: str, last_name: str, language: str, base_url: str) -> None:
    """Ask for an account. Whatever the address, the caller answers the same; the email
    itself is composed by the task, which alone looks the address up."""
    from .tasks import registration_email_send as task

    kwargs = {"email": email, "first_name": first_name, "last_name": last_name, "language": language,
              "base_url": base_url}
    transaction.on_commit(lambda: task_enqueue(task, **kwargs))


def registration_email_send(*, email: str, first_name: str, last_name: str, language: str, base_url: str) -> None:
    """Email either the verification link or, for an address that already has an account,
    a reminder that it has one (and how to reset a lost password)."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        emails.email_send(
            to=existing.email, template="registration_existing", language=existing.preferred_language or language,
            context={"reset_url": base_url + reverse("accounts:password_reset"),
                     "signin_url": base_url + reverse("accounts:login")},
        )
        return
    token = tokens.registration_token_make(email=email, first_name=first_name, last_name=last_name, language=language)
    emails.email_send(
        to=email, template="registration_verify", language=language,
        context={"url": base_url + reverse("accounts:register_confirm", args=[token]),
                 "hours": conf.get("ACCOUNTS_REGISTRATION_TIMEOUT_SECONDS") // 3600},
    )


def user_register(*, registration: tokens.RegistrationRequest, password: str, request: HttpRequest | None = None) -> User:
    """Create the account a verified registration link stands for. The link is spent:
    a second use raises RegistrationLinkInvalid, and so does an address taken meanwhile."""
    if not tokens.registration_token_mark_used(registration):
        raise RegistrationLinkInvalid
    try:
        with transaction.atomic():
            if User.objects.filter(email__iexact=registration.email).exists():
                raise RegistrationLinkInvalid
            user = User.objects.create_user(
                registration.email, password, first_name=registration.first_name, last_name=registration.last_name,
                preferred_language=registration.language if registration.language in dict(settings.LANGUAGES) else "",
            )
    except IntegrityError as error:  # the same address registered at the same instant
        raise RegistrationLinkInvalid from error
    audit_event_record(kind=AuditEvent.Kind.ACCOUNT_CREATED, request=request, user=user)
    return user


# --- Passwords ---------------------------------------------------------------------------


def password_reset_request(*, email: str, language: str, base_url: str, ip: str | None = None,
                           by: dict | None = None) -> None:
    """Ask for a reset link. The same for unknown addresses: the task alone looks up.
    `by` names who asked in the audit trail, when not the person (an API key, an admin)."""
    from .tasks import password_reset_email_send as task

    extra = {"by": by} if by else {}
    transaction.on_commit(
        lambda: task_enqueue(task, email=email, language=language, base_url=base_url, ip=ip, **extra))


def password_reset_email_send(*, email: str, language: str, base_url: str, ip: str | None = None,
                              by: dict | None = None) -> None:
    """Email a reset link to the active account of `email`; nothing for anyone else."""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return
    audit_event_record(kind=AuditEvent.Kind.PASSWORD_RESET_REQUESTED, user=user, ip_address=ip, **(by or {}))
    url = base_url + reverse(
        "accounts:password_reset_confirm",
        args=[tokens.password_reset_uid(user), tokens.password_reset_token_make(user)],
    )
    emails.email_send(
        to=user.email, template="password_reset", language=user.preferred_language or language,
        context={"url": url, "minutes": settings.PASSWORD_RESET_TIMEOUT // 60},
    )


def notice_send(*, user: User, template: str, request: HttpRequest | None, base_url: str = "",
                extra: dict | None = None) -> None:
    """Email `user` the accounts notice `template` (accounts/email/<template>.txt) in their
    language, saying when and from where (and, given `base_url`, the reset link); queued once
    the transaction commits."""
    from .tasks import account_email_send as task

    language = user.preferred_language or (getattr(request, "LANGUAGE_CODE", "") if request else "")
    context = {"when": timezone.now().strftime("%Y-%m-%d %H:%M"), "ip": client_ip(request) if request else "",
               "reset_url": base_url + reverse("accounts:password_reset") if base_url else "",
               "name": user.get_full_name(), **(extra or {})}
    to = user.email
    transaction.on_commit(lambda: task_enqueue(task, to=to, template=template, language=language, context=context))


def account_email_send(*, to: str, template: str, language: str, context: dict) -> None:
    emails.email_send(to=to, template=template, language=language, context=context)


def user_password_reset(*, user: User, password: str, request: HttpRequest | None = None, base_url: str = "") -> None:
    """Set a new password from a reset link: the link dies with the old password hash;
    every session of the person ends (whoever held the old password is out); the
    account's brute-force lock is lifted; the person is told by email."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        signin_throttles_clear(email=user.email)
        audit_event_record(kind=AuditEvent.Kind.PASSWORD_RESET, request=request, user=user)
        notice_send(user=user, template="password_reset_done", request=request, base_url=base_url)
    user_sessions_end_all(user=user, request=request)


def user_password_change(*, request: HttpRequest, user: User, password: str, base_url: str = "") -> None:
    """Change the password of the signed-in person: this session stays signed in (with a
    new key), every other session of theirs ends; they are told by email."""
    old_key = request.session.session_key
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_event_record(kind=AuditEvent.Kind.PASSWORD_CHANGED, request=request, user=user)
        notice_send(user=user, template="password_changed", request=request, base_url=base_url)
    user_sessions_end_all(user=user, except_session_key=old_key, request=request)
    # A new session key for this session too; its record follows it (accounts/sessions.py).
    update_session_auth_hash(request, user)


# --- Mon compte --------------------------------------------------------------------------


def user_personal_data_update(*, user: User, first_name: str, last_name: str, preferred_language: str,
                              request: HttpRequest | None = None, **by) -> User:
    changed = [f for f, v in (("first_name", first_name), ("last_name", last_name),
                              ("preferred_language", preferred_language)) if getattr(user, f) != v]
    if changed:
        user.first_name, user.last_name, user.preferred_language = first_name, last_name, preferred_language
        user.save(update_fields=changed)
        audit_event_record(kind=AuditEvent.Kind.ACCOUNT_UPDATED, request=request, user=user, fields=changed, **by)
    return user


def user_configure(*, user: User, preferred_language: str, preferred_method: str,
                   request: HttpRequest | None = None) -> User:
    changed = [f for f, v in (("preferred_language", preferred_language), ("preferred_method", preferred_method))
               if getattr(user, f) != v]
    if changed:
        user.preferred_language, user.preferred_method = preferred_language, preferred_method
        user.save(update_fields=changed)
        audit_event_record(kind=AuditEvent.Kind.ACCOUNT_UPDATED, request=request, user=user, fields=changed)
    return user


def user_delete(*, request: HttpRequest, user: User) -> None:
    """Close the signed-in person's own account and erase their data (then sign out)."""
    language = user.preferred_language or getattr(request, "LANGUAGE_CODE", "")
    user_sessions_end_all(user=user, request=request)
    logout(request)
    user_erase(user=user, language=language)


def user_erase(*, user: User, language: str = "", request: HttpRequest | None = None, **detail) -> None:
    """Close the account and erase the person's data.

    The confirmation email goes to the address before it is erased. Every session ends
    (session_ended is sent for each, so single logout reaches the services). The audit
    trail keeps its events but loses the address; the deletion itself is recorded with
    nothing that identifies the person (`detail` says who deleted it, e.g. an API key).
    """
    from .tasks import account_email_send as task

    to, language, user_id = user.email, user.preferred_language or language, user.pk
    user_sessions_end_all(user=user, request=request, **detail)
    with transaction.atomic():
        transaction.on_commit(lambda: task_enqueue(task, to=to, template="account_deleted", language=language))
        AuditEvent.objects.filter(Q(user_id=user_id) | Q(email__iexact=to)).update(email="")
        signin_throttles_clear(email=to)
        user.delete()
        audit_event_record(kind=AuditEvent.Kind.ACCOUNT_DELETED, **detail)


# --- Administration (Django admin and the provisioning API) ------------------------------


def user_lock(*, user: User, request: HttpRequest | None = None, **by) -> bool:
    """Lock the account: it cannot sign in until unlocked, and since a lock is often the
    answer to a compromise, whoever holds one of its sessions now loses it (single logout
    included). `by` names who locked it in the audit trail. False if it already was."""
    locked = User.objects.filter(pk=user.pk, locked_at__isnull=True).update(locked_at=timezone.now())
    user.refresh_from_db(fields=["locked_at"])
    if locked:
        audit_event_record(kind=AuditEvent.Kind.ACCOUNT_LOCKED, request=request, user=user, **by)
    user_sessions_end_all(user=user, request=request, **by)
    return bool(locked)


def user_unlock(*, user: User, request: HttpRequest | None = None, **by) -> None:
    """Unlock the account, and clear its failed sign-ins."""
    User.objects.filter(pk=user.pk).update(locked_at=None)
    user.refresh_from_db(fields=["locked_at"])
    signin_throttles_clear(email=user.email)
    audit_event_record(kind=AuditEvent.Kind.ACCOUNT_UNLOCKED, request=request, user=user, **by)


def user_password_reset_force(*, user: User, base_url: str, request: HttpRequest | None = None, **by) -> None:
    """The password stops working now, every session ends, and the person is emailed a
    reset link to choose a new one (the link of "Mot de passe perdu")."""
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        audit_event_record(kind=AuditEvent.Kind.PASSWORD_RESET_FORCED, request=request, user=user, **by)
        password_reset_request(email=user.email, language=user.preferred_language, base_url=base_url, by=by)
    user_sessions_end_all(user=user, request=request, **by)


def user_devices_panic(*, request: HttpRequest, user: User) -> int:
    """PANIC: remove every device of every kind of `user` (django-otp's devices and those
    each registered factor holds), end every session (this one too), and tell them by
    email. Returns how many devices were removed."""
    from django_otp import devices_for_user

    from .factors import factors_enabled

    removed, seen = 0, set()
    with transaction.atomic():
        devices = list(devices_for_user(user, confirmed=None))
        for factor in factors_enabled():
            devices.extend(factor.devices(user))
        for device in devices:
            key = (device._meta.label, device.pk)
            if key in seen or device.pk is None:
                continue
            seen.add(key)
            device.delete()
            removed += 1
        audit_event_record(kind=AuditEvent.Kind.MFA_PANIC, request=request, user=user, removed=removed)
        notice_send(user=user, template="panic", request=request, extra={"removed": removed})
    user_sessions_end_all(user=user, request=request)
    logout(request)
    return removed
