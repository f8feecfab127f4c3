"""Binding a second factor again once the account has none left: its email confirms it.

An account that held a second factor and has none left (PANIC, or the last one removed)
would otherwise bind a new one, of any kind, with the password alone: whoever learnt the
password after the person pressed PANIC would own the account. So the binding also needs
a link sent to the account's email address, opened in the same session
(`rebind_proof_url`, asked by `accounts.decorators.fresh_factor_required` and the API).

What counts as "held one": every factor app audits each enrolment, and PANIC is audited
(`factor_history_exists`); a factor may add its own older record (`Factor.had_device`:
the SMS app's history of numbers).
"""

from datetime import datetime

from django.core import signing
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from eulogin.ratelimit import window_hit

from . import conf
from .factors import factors_enrolled, second_factors
from .http import url_with_query
from .selectors import factor_history_exists

EMAIL_PROOF_SESSION_KEY = "accounts_rebind_email_proved_at"
EMAIL_LINK_SALT = "accounts.rebind-email"
TEMPLATE = "factor_rebind_confirm"  # accounts/email/factor_rebind_confirm.txt


def account_had_factor(user) -> bool:
    return factor_history_exists(user=user) or any(f.had_device(user) for f in second_factors() if f.had_device)


def session_email_proved_recently(request: HttpRequest) -> bool:
    proved = request.session.get(EMAIL_PROOF_SESSION_KEY)
    if not proved:
        return False
    age = (timezone.now() - datetime.fromisoformat(proved)).total_seconds()
    return 0 <= age <= conf.get("ACCOUNTS_REBIND_EMAIL_PROOF_SECONDS")


def rebind_proof_url(request: HttpRequest, next_url: str) -> str | None:
    """With no second factor left on an account that had one, the page asking for the
    email link (then on to `next_url`), unless this session opened one recently; else None."""
    user = request.user
    if factors_enrolled(user) or not account_had_factor(user) or session_email_proved_recently(request):
        return None
    return url_with_query(reverse("accounts:rebind_email"), next=next_url)


def rebind_email_send(*, request: HttpRequest, user, next_url: str) -> bool:
    """Email the account a link that lets this session bind a factor; False when too many
    were asked for this hour."""
    if window_hit(scope="accounts:rebind-email", key=str(user.pk), window=3600) > conf.get(
            "ACCOUNTS_REBIND_EMAILS_PER_HOUR"):
        return False
    from .services import notice_send

    token = signing.dumps({"u": user.pk, "n": next_url}, salt=EMAIL_LINK_SALT, compress=True)
    link = request.build_absolute_uri(reverse("accounts:rebind_email_confirmed", args=[token]))
    notice_send(user=user, template=TEMPLATE, request=request,
                extra={"link": link, "minutes": conf.get("ACCOUNTS_REBIND_EMAIL_LINK_SECONDS") // 60})
    return True


def rebind_email_accept(*, request: HttpRequest, token: str) -> str | None:
    """Check a link of rebind_email_send for the signed-in person; returns where to go next
    ('' when none was named), or None for a link that is not theirs, altered or old."""
    try:
        data = signing.loads(token[:2048], salt=EMAIL_LINK_SALT,
                             max_age=conf.get("ACCOUNTS_REBIND_EMAIL_LINK_SECONDS"))
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != request.user.pk:
        return None
    request.session[EMAIL_PROOF_SESSION_KEY] = timezone.now().isoformat()
    return str(data.get("n") or "")
