"""The security audit log: one call records one event, from any app."""

from django.http import HttpRequest

from .http import client_ip, client_user_agent
from .models import AuditEvent

Kind = AuditEvent.Kind


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
    user_agent = ""
    if request is not None:
        ip_address = ip_address or client_ip(request)
        user_agent = client_user_agent(request)
        if user is None and getattr(request, "user", None) is not None and request.user.is_authenticated:
            user = request.user
    if user is not None and not email:
        email = user.email
    return AuditEvent.objects.create(
        kind=kind, user=user, email=email[:254], ip_address=ip_address, user_agent=user_agent, detail=detail
    )
