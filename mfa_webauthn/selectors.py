"""Reads of the WebAuthn factor."""

from .models import WebAuthnDevice


def keys_of(user) -> list[WebAuthnDevice]:
    """The confirmed keys of `user`, oldest first."""
    return list(WebAuthnDevice.objects.filter(user=user, confirmed=True).order_by("created_at", "pk"))


def key_of(*, user, pk: int) -> WebAuthnDevice | None:
    return WebAuthnDevice.objects.filter(user=user, pk=pk, confirmed=True).first()


def has_key(user) -> bool:
    return WebAuthnDevice.objects.filter(user=user, confirmed=True).exists()


def has_passkey(user) -> bool:
    """A discoverable key that verifies the person: it can sign in alone."""
    return WebAuthnDevice.objects.filter(user=user, confirmed=True, discoverable=True, user_verified=True).exists()
