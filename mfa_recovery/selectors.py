"""Reads of the recovery codes."""

from .models import RecoveryCode, RecoveryCodeSet


def recovery_code_set_for_user(*, user) -> RecoveryCodeSet | None:
    return RecoveryCodeSet.objects.filter(user=user).first()


def recovery_codes_remaining(*, user) -> int:
    return RecoveryCode.objects.filter(device__user=user, used_at__isnull=True).count()
