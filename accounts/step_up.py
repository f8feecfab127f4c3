"""Why a signed-in person is asked to prove a second factor now ("Confirm it is you"):
the app that asks records the service and its reason, the factor's page says it.

Kept in the session against the URL the person goes on to, so a reason never shows on
another step-up than its own.
"""

from datetime import datetime

from django.http import HttpRequest

SESSION_KEY = "eulogin_step_up_reason"


def step_up_reason_set(*, request: HttpRequest, next_url: str, service: str, since: datetime | None) -> None:
    """`service` (its name) requires two factors for `next_url`, since `since` if known."""
    request.session[SESSION_KEY] = {"next": next_url, "service": service, "since": since.isoformat() if since else ""}


def step_up_reason(request: HttpRequest, *, next_url: str) -> dict | None:
    """{"service": name, "since": datetime or None} for a step-up on to `next_url`."""
    reason = request.session.get(SESSION_KEY)
    if not isinstance(reason, dict) or not next_url or reason.get("next") != next_url:
        return None
    since = reason.get("since")
    return {"service": reason.get("service", ""), "since": datetime.fromisoformat(since) if since else None}
