"""Security keys, trusted platforms and passkeys: one django-otp device per credential.

Only the public key is stored. The credential id is unique over all accounts (a
credential registered twice is refused), and the signature counter is kept to notice a
cloned authenticator.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, TimestampMixin


class WebAuthnDevice(TimestampMixin, Device):
    """One WebAuthn credential of one account. `name` is the person's label for it."""

    class Attachment(models.TextChoices):
        PLATFORM = "platform", _("Trusted platform")
        CROSS_PLATFORM = "cross-platform", _("Security key")
        UNKNOWN = "", _("Unknown")

    credential_id = models.CharField(_("credential id"), max_length=1400, unique=True)
    public_key = models.BinaryField(_("public key"))
    sign_count = models.PositiveBigIntegerField(_("signature counter"), default=0)
    transports = models.JSONField(_("transports"), default=list, blank=True)
    discoverable = models.BooleanField(_("passkey (discoverable)"), default=False)
    user_verified = models.BooleanField(_("verifies the person (PIN or biometrics)"), default=False)
    attachment = models.CharField(_("kind"), max_length=16, choices=Attachment.choices, blank=True)
    aaguid = models.CharField(_("authenticator model (AAGUID)"), max_length=36, blank=True)
    backed_up = models.BooleanField(_("synced (backed up)"), default=False)
    # The user handle the credential was created with (base64url): a passkey sign-in
    # must return this same handle.
    user_handle = models.CharField(max_length=128)

    class Meta(Device.Meta):
        verbose_name = _("security key or passkey")
        verbose_name_plural = _("security keys and passkeys")

    def __str__(self) -> str:
        return self.name or str(_("Security key"))

    @property
    def is_passkey(self) -> bool:
        return self.discoverable and self.user_verified

    def verify_token(self, token) -> bool:
        """A key proves itself by a signed assertion (services), never by a typed token."""
        return False
