"""Writes and reads of API keys: made (shown once), found from a Bearer header, revoked."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_event_record
from accounts.models import AuditEvent

from . import conf
from .models import ApiKey, Scope

TOKEN_PREFIX = "eul_"
# Longer than any key we make; anything longer is refused unread.
TOKEN_MAX_LENGTH = 100


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def scopes_clean(scopes) -> list[str]:
    """The scopes named, in a stable order; ValidationError for an unknown one."""
    names = [s.strip() for s in scopes if s and s.strip()]
    unknown = sorted(set(names) - set(Scope.values))
    if unknown:
        raise ValidationError(_("Unknown scopes: %(names)s. Known: %(known)s.")
                              % {"names": ", ".join(unknown), "known": ", ".join(Scope.values)})
    if not names:
        raise ValidationError(_("Name at least one scope."))
    return [s for s in Scope.values if s in names]


def expiry_clean(expires_at: datetime | None) -> datetime:
    now = timezone.now()
    if expires_at is None:
        return now + timedelta(days=conf.get("API_KEY_DEFAULT_DAYS"))
    if expires_at <= now:
        raise ValidationError(_("The expiry must be in the future."))
    if expires_at > now + timedelta(days=conf.get("API_KEY_MAX_DAYS")):
        raise ValidationError(_("A key may live at most %(days)d days.") % {"days": conf.get("API_KEY_MAX_DAYS")})
    return expires_at


def api_key_create(*, name: str, scopes, expires_at: datetime | None = None, created_by=None,
                   request=None) -> tuple[ApiKey, str]:
    """Make a key; returns it with the secret token, which is never stored nor shown again."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name.strip(), prefix=token[:12], digest=token_digest(token), scopes=scopes_clean(scopes),
            expires_at=expiry_clean(expires_at), created_by=created_by,
        )
        audit_event_record(kind=AuditEvent.Kind.API_KEY_CREATED, request=request, user=created_by,
                           api_key=key.name, scopes=key.scopes, expires_at=key.expires_at.isoformat())
    return key, token


def api_key_revoke(*, key: ApiKey, request=None, by=None) -> bool:
    """Revoke `key` now: its next request gets a 401. False if it already was."""
    revoked = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        key.refresh_from_db(fields=["revoked_at"])
        audit_event_record(kind=AuditEvent.Kind.API_KEY_REVOKED, request=request, user=by, api_key=key.name)
    return bool(revoked)


def api_key_find(token: str) -> ApiKey | None:
    """The usable key `token` is, or None (unknown, malformed, expired or revoked). Read
    from the database at every request: a revoked key dies at once."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > TOKEN_MAX_LENGTH:
        return None
    key = ApiKey.objects.filter(digest=token_digest(token)).first()
    if key is None or not key.is_usable():
        return None
    return key


def api_key_touch(key: ApiKey) -> None:
    """Note that `key` was used, at most once per API_KEY_TOUCH_SECONDS."""
    now = timezone.now()
    interval = timedelta(seconds=conf.get("API_KEY_TOUCH_SECONDS"))
    if key.last_used_at is None or now - key.last_used_at >= interval:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
