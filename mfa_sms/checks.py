"""Misconfiguration of SMS sending fails early (manage.py check, every start-up)."""

from django.core.checks import Error, Tags, register
from django.utils.module_loading import import_string

from . import conf


@register(Tags.security)
def sms_backend_check(app_configs, **kwargs) -> list[Error]:
    path = conf.get("SMS_BACKEND")
    try:
        import_string(path)
    except ImportError:
        return [Error(f"SMS_BACKEND {path!r} cannot be imported.", id="mfa_sms.E001")]
    errors = []
    if path == "mfa_sms.backends.twilio.SmsBackend":
        for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
            if not conf.get(name):
                errors.append(Error(f"The Twilio SMS backend needs {name}.", id="mfa_sms.E002"))
        if not conf.get("TWILIO_FROM_NUMBER") and not conf.get("TWILIO_MESSAGING_SERVICE_SID"):
            errors.append(Error("The Twilio SMS backend needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID.",
                                id="mfa_sms.E003"))
    if path == "mfa_sms.backends.filebased.SmsBackend" and not conf.get("MFA_SMS_FILE_PATH"):
        errors.append(Error("The filebased SMS backend needs MFA_SMS_FILE_PATH.", id="mfa_sms.E004"))
    return errors
