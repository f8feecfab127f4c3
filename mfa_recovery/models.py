"""Recovery codes: one-time codes written down in case the phone or key is lost.

A person's set is one django-otp `Device` (so PANIC, `devices_for_user` and
`otp_login` treat it as any other factor); each code is a row holding only a keyed HMAC
of the code (django-otp's `StaticToken` keeps them in clear). A code is used by one
conditional UPDATE, so of two parallel requests with the same code exactly one succeeds.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

from . import conf


class RecoveryCodeSet(TimestampMixin, ThrottlingMixin, Device):
    class Meta(Device.Meta):
        verbose_name = _("recovery code set")
        verbose_name_plural = _("recovery code sets")

    def __str__(self) -> str:
        return str(_("Recovery codes"))

    def get_throttle_factor(self) -> int:
        return conf.get("MFA_RECOVERY_THROTTLE_FACTOR")

    def verify_token(self, token) -> bool:
        """django-otp's contract: True once, for an unused code of this set."""
        from .codes import recovery_code_consume

        return recovery_code_consume(device=self, code=str(token))


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeSet, on_delete=models.CASCADE, related_name="codes")
    code_hmac = models.CharField(max_length=64)
    used_at = models.DateTimeField(pgettext_lazy("recovery code", "used"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [models.UniqueConstraint(fields=["device", "code_hmac"], name="mfa_recovery_code_unique")]

    def __str__(self) -> str:
        return f"{self.device_id} {'used' if self.used_at else 'unused'}"
