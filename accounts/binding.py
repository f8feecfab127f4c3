"""Binding a new authenticator to an account that has none left but had some (after PANIC,
or once the last one was removed): the password alone must not be enough, or whoever
knows it could wipe the factors and bind their own. The account's email confirms it.

The other rule of binding, a fresh proof of an existing factor, is
`accounts.decorators.fresh_factor_required`; this one is `email_proof_required` there.
"""

from datetime import datetime

from django.core import signing
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eulogin.ratelimit import window_hit

from . import conf
from .emails import factor_notice_send
from .models import AuditEvent

EMAIL_PROOF_SESSION_KEY = "eulogin_factor_email_proved_at"
EMAIL_LINK_SALT = "accounts.factor-email-proof"


def factor_history_exists(*, user) -> bool:
    """Whether the account has ever had a second factor of any kind: every factor app
    audits each enrolment, and PANIC is audited too. (The audit log is never purged of an
    existing account's events; a retention rule for it must keep these.)"""
    return AuditEvent.objects.filter(
        user=user, kind__in=[AuditEvent.Kind.MFA_DEVICE_ADDED, AuditEvent.Kind.MFA_PANIC]
    ).exists()


def factor_email_proof_send(*, request: HttpRequest, user, next_url: str) -> bool:
    """Email the account a link that lets this session bind a new factor; False when too
    many were asked for this hour."""
    if window_hit(scope="accounts:factor-email", key=str(user.pk), window=3600) > conf.get(
            "ACCOUNTS_FACTOR_EMAILS_PER_HOUR"):
        return False
    token = signing.dumps({"u": user.pk, "n": next_url}, salt=EMAIL_LINK_SALT, compress=True)
    link = request.build_absolute_uri(reverse("accounts:factor_email_proved", args=[token]))
    factor_notice_send(user=user, subject=_("Confirm the new second factor of your EU Login account"),
                       template="accounts/email/factor_email_proof.txt",
                       context={"link": link, "minutes": conf.get("ACCOUNTS_FACTOR_EMAIL_LINK_SECONDS") // 60})
    return True


def factor_email_proof_accept(*, request: HttpRequest, token: str) -> str | None:
    """Check a link from factor_email_proof_send for the signed-in person; returns where to
    go next ('' for Mon compte), or None for a link that is not theirs, altered or old."""
    try:
        data = signing.loads(token[:2048], salt=EMAIL_LINK_SALT, max_age=conf.get("ACCOUNTS_FACTOR_EMAIL_LINK_SECONDS"))
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != request.user.pk:
        return None
    request.session[EMAIL_PROOF_SESSION_KEY] = timezone.now().isoformat()
    return str(data.get("n") or "")


def session_email_proved_recently(request: HttpRequest) -> bool:
    proved = request.session.get(EMAIL_PROOF_SESSION_KEY)
    if not proved:
        return False
    age = (timezone.now() - datetime.fromisoformat(proved)).total_seconds()
    return 0 <= age <= conf.get("ACCOUNTS_FACTOR_EMAIL_PROOF_SECONDS")
