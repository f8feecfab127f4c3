"""The security audit log: one call records one event, from any app."""

from django.http import HttpRequest

from .http import client_ip, client_user_agent
from .models import AuditEvent
from .rows import insert_done, row_insert

Kind = AuditEvent.Kind


def audit_event_build(
    *,
    kind: str,
    request: HttpRequest | None = None,
    user=None,
    email: str = "",
    ip_address: str | None = None,
    **detail,
) -> AuditEvent:
    """The event audit_event_record saves, not saved yet: for a hot path that writes it in
    the same statement as its own row (accounts.rows), then calls audit_event_written."""
    user_agent = ""
    if request is not None:
        ip_address = ip_address or client_ip(request)
        user_agent = client_user_agent(request)
        if user is None and getattr(request, "user", None) is not None and request.user.is_authenticated:
            user = request.user
    if user is not None and not email:
        email = user.email
    return AuditEvent(
        kind=kind, user=user, email=_text(email)[:254], ip_address=ip_address, user_agent=_text(user_agent),
        detail=_clean(detail),
    )


def audit_event_written(event: AuditEvent, pk) -> AuditEvent:
    """`event` inserted with primary key `pk` by the caller's statement; its receivers told."""
    return insert_done(event, pk)


def audit_event_record(
    *,
    kind: str,
    request: HttpRequest | None = None,
    user=None,
    email: str = "",
    ip_address: str | None = None,
    **detail,
) -> AuditEvent:
    """Record a security event. `detail` must never carry a secret (password, code, token)."""
    event = audit_event_build(kind=kind, request=request, user=user, email=email, ip_address=ip_address, **detail)
    return row_insert(event)


def _text(value: str) -> str:
    # PostgreSQL stores no NUL character, in text or in JSON; a hostile value must not
    # turn the recording of an event into a server error.
    return value.replace("\x00", "\ufffd")


def _clean(value):
    """`value` with every string freed of NUL characters, at any depth."""
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, dict):
        return {_text(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value
