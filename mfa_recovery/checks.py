"""Misconfiguration of the recovery codes fails early."""

from django.core.checks import Error, Tags, register

from . import conf


@register(Tags.security)
def recovery_settings_check(app_configs, **kwargs) -> list[Error]:
    errors = []
    if not 1 <= conf.get("MFA_RECOVERY_CODES_COUNT") <= 50:
        errors.append(Error("MFA_RECOVERY_CODES_COUNT must be between 1 and 50.", id="mfa_recovery.E001"))
    # Fewer than 8 characters (40 bits) would make a code guessable within the delays.
    if not 8 <= conf.get("MFA_RECOVERY_CODE_LENGTH") <= 32:
        errors.append(Error("MFA_RECOVERY_CODE_LENGTH must be between 8 and 32.", id="mfa_recovery.E002"))
    return errors
