"""Reads of the accounts app."""

from dataclasses import dataclass
from datetime import datetime

from user_agents import parse as user_agent_parse

from .models import AuditEvent, User, UserSession


@dataclass(frozen=True)
class SessionRow:
    """One line of "Afficher mes sessions". Never carries the session key."""

    id: int
    browser: str
    os: str
    device: str
    ip_address: str | None
    created_at: datetime
    last_activity_at: datetime
    is_current: bool


def _describe(user_agent: str) -> tuple[str, str, str]:
    if not user_agent:
        return "", "", ""
    parsed = user_agent_parse(user_agent)
    browser = f"{parsed.browser.family} {parsed.browser.version_string}".strip()
    os = f"{parsed.os.family} {parsed.os.version_string}".strip()
    device = "" if parsed.device.family in ("Other", "") else parsed.device.family
    return browser, os, device


def user_sessions_list(*, user: User, current_session_key: str | None) -> list[SessionRow]:
    """The person's open sessions, the current one first, then by last activity."""
    rows = []
    for session in UserSession.objects.filter(user=user).order_by("-last_activity_at", "-id"):
        browser, os, device = _describe(session.user_agent)
        rows.append(SessionRow(
            id=session.pk, browser=browser, os=os, device=device, ip_address=session.ip_address,
            created_at=session.created_at, last_activity_at=session.last_activity_at,
            is_current=bool(current_session_key) and session.session_key == current_session_key,
        ))
    return sorted(rows, key=lambda row: not row.is_current)


def user_session_get(*, user: User, session_id: int) -> UserSession | None:
    """One of the person's own sessions (never someone else's)."""
    return UserSession.objects.filter(user=user, pk=session_id).first()


def factor_history_exists(*, user) -> bool:
    """Whether the account has ever had a second factor of any kind: every factor app
    audits each enrolment, and PANIC is audited. A factor's `rebind_proof_url` reads it, so
    that after PANIC the password alone binds no factor, whichever kind the account had."""
    return AuditEvent.objects.filter(
        user=user, kind__in=[AuditEvent.Kind.MFA_DEVICE_ADDED, AuditEvent.Kind.MFA_PANIC]
    ).exists()
