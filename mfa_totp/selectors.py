"""Reads of the authenticator app second factor."""

from .models import TOTPDevice


def totp_devices_confirmed(*, user) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("created_at", "pk"))


def totp_device_for_user(*, user, pk, confirmed: bool | None = True) -> TOTPDevice | None:
    """One of `user`'s apps (never someone else's)."""
    qs = TOTPDevice.objects.filter(user=user, pk=pk)
    if confirmed is not None:
        qs = qs.filter(confirmed=confirmed)
    return qs.first()

