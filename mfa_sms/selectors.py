"""Reads of the SMS second factor."""

from .models import PhoneDevice, PhoneHistory, SmsMessage


def phone_devices_confirmed(*, user) -> list[PhoneDevice]:
    return list(PhoneDevice.objects.filter(user=user, confirmed=True).order_by("created_at", "pk"))


def phone_device_for_user(*, user, pk, confirmed: bool | None = None) -> PhoneDevice | None:
    """One of `user`'s devices (never someone else's)."""
    qs = PhoneDevice.objects.filter(user=user, pk=pk)
    if confirmed is not None:
        qs = qs.filter(confirmed=confirmed)
    return qs.first()


def challenge_delivery_problem(*, challenge_id: int) -> SmsMessage | None:
    """The SMS of this challenge if it failed for good (shown on the challenge page)."""
    return SmsMessage.objects.filter(challenge_id=challenge_id, status__in=["failed", "undelivered"]).first()


def phone_history_exists(*, user) -> bool:
    """Whether the account has ever had a confirmed number."""
    return PhoneHistory.objects.filter(user=user).exists()
