"""The authenticator app second factor.

An app is django-otp's own `TOTPDevice` (django_otp.plugins.otp_totp): its `last_t`
refuses a code a second time within its window, `tolerance` (1) accepts one step of clock
drift either way, and `ThrottlingMixin` spaces out wrong codes. `name` is the person's label
for the app; `confirmed` is set once a first code proved the app holds the secret. The
account-wide lock after too many wrong codes is the core's (accounts.locks), as for SMS.
"""

from django_otp.plugins.otp_totp.models import TOTPDevice

__all__ = ["TOTPDevice"]
