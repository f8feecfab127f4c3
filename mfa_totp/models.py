"""The authenticator app second factor.

An app is django-otp's own `TOTPDevice` (django_otp.plugins.otp_totp): its `last_t`
refuses a code a second time within its window, `tolerance` (1) accepts one step of clock
drift either way, and `ThrottlingMixin` spaces out wrong codes. `name` is the person's label
for the app; `confirmed` is set once a first code proved the app holds the secret. This app
adds only the account-wide lock, as SMS has one.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

__all__ = ["TOTPDevice", "TotpMethodLock"]


class TotpMethodLock(models.Model):
    """Consecutive wrong codes of one account, and the lock that follows too many."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_lock")
    consecutive_failures = models.PositiveIntegerField(_("consecutive wrong codes"), default=0)
    last_failure_at = models.DateTimeField(_("last wrong code"), null=True, blank=True)
    locked_at = models.DateTimeField(_("authenticator app method locked"), null=True, blank=True)

    class Meta:
        verbose_name = _("authenticator app lock")
        verbose_name_plural = _("authenticator app locks")

    def __str__(self) -> str:
        return str(self.user)
