"""Misconfiguration of the authenticator app fails early (manage.py check, every start-up)."""

from django.core.checks import Error, Tags, register

from . import conf


@register(Tags.security)
def totp_settings_check(app_configs, **kwargs) -> list[Error]:
    errors = []
    issuer = conf.get("OTP_TOTP_ISSUER")
    if not isinstance(issuer, str) or not issuer.strip() or ":" in issuer:
        errors.append(Error("OTP_TOTP_ISSUER must be a non-empty name without ':' (the apps show it beside the "
                            "account).", id="mfa_totp.E001"))
    for name in ("MFA_TOTP_LOCK_AFTER_FAILURES", "MFA_TOTP_DEVICES_MAX", "MFA_TOTP_ENROLMENT_SECONDS"):
        value = conf.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            errors.append(Error(f"{name} must be a positive whole number.", id="mfa_totp.E002"))
    return errors
