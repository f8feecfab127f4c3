"""PhoneDevice honours django-otp's Device contract: verify_token says whether a token is
the code of the phone's open challenge, once, with django-otp's throttling."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django_otp import match_token

from accounts.models import FactorLock
from mfa_sms import flows
from mfa_sms.models import Challenge

from .conftest import last_code

pytestmark = pytest.mark.django_db(transaction=True)


def _send(phone) -> str:
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.10")
    request.session = SessionStore()
    flows.challenge_issue(request=request, device=phone, purpose=Challenge.Purpose.VERIFY)
    return last_code(phone.number)


def test_the_code_of_the_open_challenge_verifies_once(phone):
    code = _send(phone)
    assert phone.verify_token(code) is True
    assert phone.verify_token(code) is False  # used up
    phone.refresh_from_db()
    assert phone.last_used_at is not None


def test_django_otp_finds_the_device_by_its_token(user, phone):
    code = _send(phone)
    assert match_token(user, code) == phone


def test_a_wrong_code_fails_and_counts_for_the_throttle(phone, settings):
    settings.MFA_SMS_THROTTLE_FACTOR = 1
    settings.MFA_SMS_FREE_WRONG_ENTRIES = 0  # the delays from the first wrong entry (by default the 4th)
    code = _send(phone)
    assert phone.verify_token("AAAA-AAAA") is False
    phone.refresh_from_db()
    assert phone.throttling_failure_count == 1
    # During the delay even the right code is refused.
    assert phone.verify_token(code) is False


def test_no_challenge_or_a_locked_method_verifies_nothing(user, phone):
    assert phone.verify_token("ABCD-EFGH") is False
    code = _send(phone)
    FactorLock.objects.create(user=user, kind="SMS", locked_at=phone.created_at)
    assert phone.verify_token(code) is False
