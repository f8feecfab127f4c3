from django.db import models
from django_otp.models import Device


class FakeToken(Device):
    """A django-otp device whose code is `secret` (tests only)."""

    secret = models.CharField(max_length=32)

    def verify_token(self, token) -> bool:
        return bool(self.confirmed and token and str(token) == self.secret)
