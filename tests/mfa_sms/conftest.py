import pytest
from django.urls import reverse

from mfa_sms.backends import locmem
from mfa_sms.models import PhoneDevice
from tests.conftest import sign_in

NUMBER = "+33612345678"
OTHER_NUMBER = "+32470000001"
CODE_RE = r"([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})"


@pytest.fixture(autouse=True)
def sms_locmem(settings):
    """Every SMS goes to mfa_sms.backends.locmem.outbox, emptied for each test."""
    settings.SMS_BACKEND = "mfa_sms.backends.locmem.SmsBackend"
    settings.MFA_SMS_THROTTLE_FACTOR = 0
    locmem.outbox.clear()
    yield locmem.outbox
    locmem.outbox.clear()


def last_code(to: str | None = None) -> str:
    import re

    for sms in reversed(locmem.outbox):
        if to is None or sms.to == to:
            return re.search(CODE_RE, sms.body).group(1)
    raise AssertionError("no SMS sent")


@pytest.fixture
def phone(user) -> PhoneDevice:
    return PhoneDevice.objects.create(user=user, number=NUMBER, name="Work", confirmed=True)


@pytest.fixture
def sms_signin(client, user, phone):
    """The password step passed with "Mobile phone + SMS": the code is in the outbox."""

    def start(number: str = "+33 6 12 34 56 78"):
        return sign_in(client, user.email, method="SMS", **{"sms-phone": number})

    return start


def post_code(client, url_name: str, code: str, action: str = "verify"):
    return client.post(reverse(url_name), {"action": action, "code": code})


@pytest.fixture
def twilio_stub(settings):
    """A local Twilio Messages API; the twilio backend is configured to use it."""
    from .twilio_stub import ACCOUNT_SID, AUTH_TOKEN, TwilioStub

    stub = TwilioStub().start()
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_FROM_NUMBER = "+32460000000"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_API_BASE_URL = stub.url
    settings.TWILIO_TIMEOUT_SECONDS = 1
    settings.TWILIO_STATUS_CALLBACK_URL = "https://login.example.org/sms/twilio/status/"
    yield stub
    stub.stop()
