import sys

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_password_hashing(app_configs, **kwargs):
    errors = []
    first = settings.PASSWORD_HASHERS[0]
    if first == "accounts.hashers.TestingArgon2PasswordHasher" and not settings.DEBUG:
        if "pytest" not in sys.modules:
            errors.append(
                Error(
                    "The weak testing password hasher is enabled outside the test suite.",
                    hint="Unset EULOGIN_FAST_HASHER.",
                    id="accounts.E001",
                )
            )
    elif "argon2" not in first.lower() and "Testing" not in first:
        errors.append(Warning("Passwords are not hashed with Argon2 first.", id="accounts.W001"))
    return errors


@register(deploy=True)
def check_dev_outbox_off(app_configs, **kwargs):
    if getattr(settings, "DEVOUTBOX_ENABLED", False):
        return [
            Error(
                "The dev outbox is enabled: every email and SMS would be readable at /dev/outbox/.",
                hint="Set EMAIL_URL (and SMS_BACKEND) to real backends, or DEVOUTBOX_ENABLED=false.",
                id="accounts.E002",
            )
        ]
    return []
