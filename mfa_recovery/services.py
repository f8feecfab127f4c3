"""Writes of the recovery codes: a new set, a code used, the set removed, notices."""

import enum
from datetime import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_event_record
from accounts.emails import factor_notice_send
from accounts.factors import factor_proved
from accounts.models import AuditEvent

from . import codes, conf
from .models import RecoveryCode, RecoveryCodeSet
from .selectors import recovery_code_set_for_user, recovery_codes_remaining

KIND = "RECOVERY_CODE"
SHOW_SESSION_KEY = "mfa_recovery_new_codes"


class VerifyResult(enum.Enum):
    OK = "ok"
    WRONG = "wrong"  # wrong, or already used
    THROTTLED = "throttled"  # growing delay after wrong codes: wait a little


def recovery_codes_generate(*, request: HttpRequest, user) -> list[str]:
    """A new set of MFA_RECOVERY_CODES_COUNT codes; the earlier ones stop working. The codes
    are returned once (and kept in this session until shown), only their HMACs are stored."""
    count = conf.get("MFA_RECOVERY_CODES_COUNT")
    fresh: set[str] = set()
    while len(fresh) < count:
        fresh.add(codes.code_generate())
    with transaction.atomic():
        device, _created = RecoveryCodeSet.objects.get_or_create(
            user=user, defaults={"name": "recovery", "confirmed": True})
        device = RecoveryCodeSet.objects.select_for_update().get(pk=device.pk)
        device.codes.all().delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device=device, code_hmac=codes.code_hmac(code, device_id=device.pk)) for code in fresh)
        device.created_at = timezone.now()
        device.save(update_fields=["created_at"])
    shown = sorted(codes.code_display(code) for code in fresh)
    request.session[SHOW_SESSION_KEY] = {"codes": shown, "at": timezone.now().isoformat()}
    audit_event_record(kind=AuditEvent.Kind.MFA_DEVICE_ADDED, request=request, user=user, method=KIND, count=count)
    factor_notice_send(user=user, subject=_("New recovery codes were generated for your EU Login account"),
                        template="mfa_recovery/email/generated.txt", context={"count": count})
    return shown


def recovery_codes_to_show(request: HttpRequest) -> list[str]:
    """The codes just generated in this session, once: a second look finds none."""
    state = request.session.pop(SHOW_SESSION_KEY, None)
    if not state:
        return []
    age = (timezone.now() - datetime.fromisoformat(state["at"])).total_seconds()
    return list(state["codes"]) if 0 <= age <= conf.get("MFA_RECOVERY_SHOW_SECONDS") else []


def recovery_codes_remove(*, request: HttpRequest | None, user) -> None:
    """The set and its codes go (the person's removal, or an administrator's); audited, and
    the person is told."""
    removed, _detail = RecoveryCodeSet.objects.filter(user=user).delete()
    if removed:
        audit_event_record(kind=AuditEvent.Kind.MFA_DEVICE_REMOVED, request=request, user=user, method=KIND)
        factor_notice_send(user=user, subject=_("The recovery codes of your EU Login account were removed"),
                            template="mfa_recovery/email/removed.txt", context={})


def recovery_code_verify(*, request: HttpRequest, user, code: str, purpose: str) -> tuple[VerifyResult, RecoveryCodeSet | None]:
    """Use one of `user`'s codes (django-otp's `verify_token` on the set). The person is
    emailed after a success: a code used by someone else must not go unnoticed."""
    device = recovery_code_set_for_user(user=user)
    if device is not None and not device.verify_is_allowed()[0]:
        return VerifyResult.THROTTLED, None
    if device is None or not device.verify_token(codes.code_normalise(code)):
        audit_event_record(kind=AuditEvent.Kind.MFA_FAILED, request=request, user=user, method=KIND, purpose=purpose)
        return VerifyResult.WRONG, None
    left = recovery_codes_remaining(user=user)
    audit_event_record(kind=AuditEvent.Kind.MFA_SUCCEEDED, request=request, user=user, method=KIND, purpose=purpose,
                       left=left)
    factor_notice_send(user=user, subject=_("A recovery code was used on your EU Login account"),
                        template="mfa_recovery/email/used.txt", context={"left": left})
    return VerifyResult.OK, device


def session_recovery_proved(*, request: HttpRequest, device: RecoveryCodeSet) -> None:
    """Record on this signed-in session that it proved a recovery code now."""
    factor_proved(request, kind=KIND, device=device)
