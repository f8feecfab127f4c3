"""Links sent by email: registration (stateless, signed) and password reset (Django's).

Registration: the person's typed names, email and language travel inside a signed,
timestamped token; no row exists until the link is used (see services.user_register).
Password reset: Django's PasswordResetTokenGenerator, whose token hashes the current
password and last sign-in, so it dies as soon as the password changes, and expires after
PASSWORD_RESET_TIMEOUT.
"""

import secrets
from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.cache import caches
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from eulogin.cache import CACHE_ERRORS, CacheUnavailable

from . import conf
from .crypto import digest
from .models import User

REGISTRATION_SALT = "accounts.registration"
# Longer than any token we make (about 250 characters); anything longer is refused unread.
TOKEN_MAX_LENGTH = 1024


@dataclass(frozen=True)
class RegistrationRequest:
    email: str
    first_name: str
    last_name: str
    language: str
    nonce: str


def registration_token_make(*, email: str, first_name: str, last_name: str, language: str) -> str:
    payload = {"e": email, "f": first_name, "l": last_name, "g": language, "n": secrets.token_urlsafe(12)}
    return signing.dumps(payload, salt=REGISTRATION_SALT, compress=True)


def registration_token_read(token: str) -> RegistrationRequest | None:
    """The registration a token carries, or None if it is forged, expired or used."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    try:
        payload = signing.loads(token, salt=REGISTRATION_SALT, max_age=conf.get("ACCOUNTS_REGISTRATION_TIMEOUT_SECONDS"))
        registration = RegistrationRequest(
            email=str(payload["e"]), first_name=str(payload["f"]), last_name=str(payload["l"]),
            language=str(payload["g"]), nonce=str(payload["n"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if registration_token_is_used(registration) or User.objects.filter(email__iexact=registration.email).exists():
        return None
    return registration


def _used_key(registration: RegistrationRequest) -> str:
    return "accounts:registration-used:" + digest(registration.nonce)


# The used marks fail closed: without the cache nobody can tell whether a link was used,
# and a used link must not recreate an account deleted meanwhile (by its owner, or by an
# administrator for abuse). So while Redis is down a registration link waits (a 503
# page, eulogin.cache.CacheUnavailable) and works again once Redis answers. A Redis
# restarted empty forgets the marks: a link then works again only if its account was
# deleted meanwhile, within the link's 24 hours, for whoever holds the mailbox.


def registration_token_is_used(registration: RegistrationRequest) -> bool:
    try:
        return caches["strict"].get(_used_key(registration)) is not None
    except CACHE_ERRORS as error:
        raise CacheUnavailable from error


def registration_token_mark_used(registration: RegistrationRequest) -> bool:
    """Mark the link used; False if it already was (atomic in Redis: one winner)."""
    try:
        return caches["strict"].add(_used_key(registration), 1,
                                    timeout=conf.get("ACCOUNTS_REGISTRATION_TIMEOUT_SECONDS") + 60)
    except CACHE_ERRORS as error:
        raise CacheUnavailable from error


def password_reset_uid(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def password_reset_token_make(user: User) -> str:
    return default_token_generator.make_token(user)


def password_reset_user(uidb64: str, token: str) -> User | None:
    """The active user a reset link is for, or None if the link is malformed, forged,
    expired or already used."""
    if not uidb64 or not token or len(uidb64) > 64 or len(token) > 128:
        return None
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
        user = User.objects.get(pk=pk, is_active=True)
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError, User.DoesNotExist):
        return None
    return user if default_token_generator.check_token(user, token) else None
