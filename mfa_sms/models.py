"""The SMS second factor: phone numbers (django-otp devices), challenge codes, the SMS log.

django-otp's `SideChannelDevice` keeps the current token in clear on the device row and
compares it as plain text. Here the device is a plain `Device` with django-otp's
throttling, cooldown and timestamp mixins, and each code is a separate `Challenge` row
holding only a salted HMAC of the code, bound to one purpose and one browser session,
used once, voided by a resend or after 5 wrong entries.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import (
    MAX_THROTTLE_DELAY_SECONDS,
    CooldownMixin,
    Device,
    ThrottlingMixin,
    TimestampMixin,
    VerifyNotAllowed,
)

from . import conf


class PhoneDevice(TimestampMixin, ThrottlingMixin, CooldownMixin, Device):
    """A mobile phone number of one account. `name` is the person's label for it."""

    number = models.CharField(_("mobile phone number"), max_length=20, help_text=_("E.164, e.g. +33612345678"))

    class Meta(Device.Meta):
        verbose_name = _("mobile phone")
        verbose_name_plural = _("mobile phones")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "number"], condition=models.Q(confirmed=True), name="mfa_sms_one_confirmed_number"
            )
        ]

    def __str__(self) -> str:
        from .phones import phone_mask

        return phone_mask(self.number)

    @property
    def masked_number(self) -> str:
        from .phones import phone_mask

        return phone_mask(self.number)

    def get_throttle_factor(self) -> int:
        return conf.get("MFA_SMS_THROTTLE_FACTOR")

    def get_cooldown_duration(self) -> int:
        return conf.get("MFA_SMS_RESEND_COOLDOWN_SECONDS")

    def verify_is_allowed(self):
        """django-otp's growing delays (factor × 2^(n−1) seconds), counted only from the
        wrong entry after the first MFA_SMS_FREE_WRONG_ENTRIES: a quick correction of a
        typo is never made to wait."""
        over = self.throttling_failure_count - conf.get("MFA_SMS_FREE_WRONG_ENTRIES")
        if self.throttling_enabled and over > 0 and self.throttling_failure_timestamp is not None:
            required = min(self.get_throttle_factor() * 2 ** (over - 1), MAX_THROTTLE_DELAY_SECONDS)
            locked_until = self.throttling_failure_timestamp + timedelta(seconds=required)
            if timezone.now() < locked_until:
                return False, {"reason": VerifyNotAllowed.N_FAILED_ATTEMPTS,
                               "failure_count": self.throttling_failure_count, "locked_until": locked_until}
        return super(ThrottlingMixin, self).verify_is_allowed()

    def verify_token(self, token) -> bool:
        """django-otp's contract: whether `token` is the code of this phone's open
        challenge, which it uses up; wrong codes count (django-otp's growing delays), and a
        locked SMS method verifies nothing. eulogin's own pages call flows.challenge_verify,
        which also binds the code to the browser session that asked for it."""
        from .flows import device_token_verify

        return device_token_verify(device=self, token=token)


class PhoneHistory(models.Model):
    """That an account has had a confirmed number. Once it has, a number added while none
    is left (after PANIC, or after removing the last) must also be confirmed from the
    account's email: whoever knows only the password cannot wipe the numbers and bind
    their own phone as a second factor."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phone_history")
    first_confirmed_at = models.DateTimeField(_("first number confirmed"), default=timezone.now)

    class Meta:
        verbose_name = _("phone history")
        verbose_name_plural = _("phone histories")

    def __str__(self) -> str:
        return str(self.user)


class Challenge(models.Model):
    """One challenge code: only its salted HMAC is kept, never the code."""

    class Purpose(models.TextChoices):
        ENROL = "enrol", _("Confirm a new number")
        SIGNIN = "signin", _("Sign in")
        VERIFY = "verify", _("Verify an existing number")

    device = models.ForeignKey(PhoneDevice, on_delete=models.CASCADE, related_name="challenges")
    purpose = models.CharField(max_length=8, choices=Purpose.choices)
    # sha256 of a random nonce kept in the session that asked for the code.
    session_binding = models.CharField(max_length=64)
    salt = models.CharField(max_length=32)
    code_hmac = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    wrong_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["device", "purpose"])]

    def __str__(self) -> str:
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M:%S}"


class SmsMessage(models.Model):
    """One SMS handed to the provider. The body is kept with the code blanked out."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")
        UNDELIVERED = "undelivered", _("undelivered")

    to = models.CharField(_("to"), max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    challenge = models.ForeignKey(Challenge, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages")
    redacted_body = models.TextField(_("text (code blanked)"))
    # A keyed HMAC of the full text: lets the sender check the task's text is this one.
    body_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    backend = models.CharField(_("backend"), max_length=200, blank=True)
    provider_id = models.CharField(_("provider id"), max_length=64, blank=True, db_index=True)
    error_code = models.CharField(_("error code"), max_length=32, blank=True)
    error_message = models.CharField(_("error"), max_length=255, blank=True)
    permanent_failure = models.BooleanField(_("permanent failure"), default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("queued"), default=timezone.now, db_index=True)
    sending_started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("SMS")
        verbose_name_plural = _("SMS log")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        from .phones import phone_mask

        return f"{phone_mask(self.to)} {self.status}"
