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


@register()
def check_password_policy(app_configs, **kwargs):
    """NIST SP 800-63B: at least 8 characters (we default to 10), and a common-password list."""
    errors = []
    validators = {v["NAME"].rsplit(".", 1)[-1]: v.get("OPTIONS", {}) for v in settings.AUTH_PASSWORD_VALIDATORS}
    if validators.get("MinimumLengthValidator", {}).get("min_length", 8 if "MinimumLengthValidator" in validators else 0) < 8:
        errors.append(Error("Passwords may be shorter than 8 characters.",
                            hint="Configure MinimumLengthValidator with min_length >= 8 (PASSWORD_MIN_LENGTH).",
                            id="accounts.E003"))
    if "CommonPasswordValidator" not in validators:
        errors.append(Warning("Common passwords are not refused.", hint="Add CommonPasswordValidator.", id="accounts.W002"))
    return errors


@register()
def check_emailed_links(app_configs, **kwargs):
    from . import conf

    errors = []
    for name, value, longest in (
        ("PASSWORD_RESET_TIMEOUT", settings.PASSWORD_RESET_TIMEOUT, 24 * 3600),
        ("ACCOUNTS_REGISTRATION_TIMEOUT_SECONDS", conf.get("ACCOUNTS_REGISTRATION_TIMEOUT_SECONDS"), 7 * 24 * 3600),
    ):
        if not isinstance(value, int) or value <= 0:
            errors.append(Error(f"{name} must be a positive number of seconds.", id="accounts.E004"))
        elif value > longest:
            errors.append(Warning(f"{name} keeps emailed links valid for more than {longest // 3600} hours.",
                                  hint="A link in a mailbox is a key; keep its life short.", id="accounts.W003"))
    for name in ("ACCOUNTS_EMAIL_REQUESTS_PER_ADDRESS", "ACCOUNTS_EMAIL_REQUESTS_PER_IP", "ACCOUNTS_EMAIL_REQUEST_WINDOW_SECONDS"):
        value = conf.get(name)
        if not isinstance(value, int) or value < 1:
            errors.append(Error(f"{name} must be a whole number of at least 1.", id="accounts.E005"))
    return errors


@register()
def check_admin_requirement(app_configs, **kwargs):
    """EULOGIN_ADMIN_REQUIRED_STRENGTH names a level or strengths this server knows."""
    from .strengths import Requirement, UnknownRequirement

    try:
        Requirement.parse(str(getattr(settings, "EULOGIN_ADMIN_REQUIRED_STRENGTH", "MEDIUM")))
    except UnknownRequirement:
        return [Error("EULOGIN_ADMIN_REQUIRED_STRENGTH must be a level (BASIC, MEDIUM, HIGH) or strengths such as "
                      "PASSWORD_SMS.", id="accounts.E010")]
    return []
