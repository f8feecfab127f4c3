import pytest
from django.core.checks import run_checks

from mfa_sms.backends import sms_backend_get


def ids():
    return {e.id for e in run_checks() if e.id.startswith("mfa_sms")}


def test_an_unknown_backend_is_refused(settings):
    settings.SMS_BACKEND = "mfa_sms.backends.nowhere.SmsBackend"
    assert ids() == {"mfa_sms.E001"}


def test_the_filebased_backend_needs_a_directory(settings):
    settings.SMS_BACKEND = "mfa_sms.backends.filebased.SmsBackend"
    settings.MFA_SMS_FILE_PATH = ""
    assert ids() == {"mfa_sms.E004"}


def test_a_messaging_service_is_enough_without_a_from_number(settings):
    settings.SMS_BACKEND = "mfa_sms.backends.twilio.SmsBackend"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC" + "1" * 32, "token"
    settings.TWILIO_FROM_NUMBER, settings.TWILIO_MESSAGING_SERVICE_SID = "", "MG" + "1" * 32
    assert ids() == set()


def test_the_twilio_backend_refuses_to_start_without_credentials(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.TWILIO_ACCOUNT_SID = ""
    with pytest.raises(ImproperlyConfigured):
        sms_backend_get("mfa_sms.backends.twilio.SmsBackend")
