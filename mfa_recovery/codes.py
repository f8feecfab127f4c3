"""Generating, hashing and consuming recovery codes: the only place that sees a code."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string, salted_hmac

from . import conf

# Neither 0/O nor 1/I, which read alike: 32 characters, 5 bits each.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_SALT = "mfa_recovery.code"


def code_generate() -> str:
    return get_random_string(conf.get("MFA_RECOVERY_CODE_LENGTH"), allowed_chars=ALPHABET)


def code_display(code: str) -> str:
    """'ABCDE-FGHJK': in two halves, easier to copy."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def code_normalise(code: str) -> str:
    """The letters of a code as typed: case, spaces and dashes do not matter."""
    return "".join(c for c in (code or "").upper() if c.isalnum())[:64]


def code_hmac(code: str, *, device_id: int, secret: str | None = None) -> str:
    """A keyed HMAC of the code bound to its set: a database dump alone reveals nothing,
    and the same code in two sets hashes differently."""
    return salted_hmac(_SALT, f"{device_id}:{code_normalise(code)}", secret=secret, algorithm="sha256").hexdigest()


def code_hmacs(code: str, *, device_id: int) -> list[str]:
    """The HMACs under the current key and every fallback key (a key rotation keeps the
    codes people wrote down)."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [code_hmac(code, device_id=device_id, secret=s) for s in secrets]


def recovery_code_consume(*, device, code: str) -> bool:
    """Use `code` of `device` once. The claim is one conditional UPDATE: under
    concurrency PostgreSQL lets exactly one of two identical claims change the row.
    Respects and updates django-otp's throttling on the set."""
    from .models import RecoveryCode

    if not device.verify_is_allowed()[0]:
        return False
    now = timezone.now()
    with transaction.atomic():
        claimed = RecoveryCode.objects.filter(
            device=device, code_hmac__in=code_hmacs(code, device_id=device.pk), used_at__isnull=True,
        ).update(used_at=now)
    if claimed:
        device.throttle_reset(commit=False)
        device.set_last_used_timestamp(commit=False)
        device.save(update_fields=["throttling_failure_count", "throttling_failure_timestamp", "last_used_at"])
        return True
    device.throttle_increment(commit=True)
    return False
