"""Challenge codes through the services: single use, expiry, attempts, delays, lock."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone

from accounts.locks import factor_unlock
from accounts.models import AuditEvent, FactorLock
from mfa_sms import flows
from mfa_sms.flows import SmsRefused, VerifyResult
from mfa_sms.models import Challenge

from .conftest import last_code

pytestmark = pytest.mark.django_db(transaction=True)
ENROL = Challenge.Purpose.ENROL


def new_request(session=None):
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.10")
    request.session = session if session is not None else SessionStore()
    return request


@pytest.fixture
def request_(phone):
    return new_request()


def issue(request, phone, purpose=ENROL):
    return flows.challenge_issue(request=request, device=phone, purpose=purpose)


def verify(request, code, purpose=ENROL):
    return flows.challenge_verify(request=request, purpose=purpose, code=code)


def wrong(code: str) -> str:
    return "ZZZZ-ZZZZ" if code != "ZZZZ-ZZZZ" else "YYYY-YYYY"


def test_only_an_hmac_of_the_code_is_stored(request_, phone):
    challenge = issue(request_, phone)
    code = last_code()
    for value in (challenge.code_hmac, challenge.salt, challenge.session_binding):
        assert code.replace("-", "") not in value and code not in value


def test_a_code_works_once(request_, phone):
    issue(request_, phone)
    code = last_code()
    assert verify(request_, code) is VerifyResult.OK
    assert verify(request_, code) is VerifyResult.EXPIRED


def test_a_code_is_bound_to_its_purpose(request_, phone):
    issue(request_, phone, purpose=ENROL)
    assert verify(request_, last_code(), purpose=Challenge.Purpose.SIGNIN) is VerifyResult.EXPIRED


def test_a_code_is_bound_to_the_session_that_asked_for_it(request_, phone):
    issue(request_, phone)
    code = last_code()
    other = new_request()
    other.session[flows.SESSION_KEY] = {**request_.session[flows.SESSION_KEY], "nonce": "guessed"}
    assert verify(other, code) is VerifyResult.EXPIRED
    assert verify(request_, code) is VerifyResult.OK


def test_a_code_is_valid_until_its_expiry_and_not_after(request_, phone, settings):
    settings.MFA_SMS_CODE_VALIDITY_SECONDS = 600
    with time_machine.travel(timezone.now(), tick=False) as clock:
        issue(request_, phone)
        code = last_code()
        clock.shift(timedelta(seconds=599))
        assert verify(request_, code) is VerifyResult.OK
    with time_machine.travel(timezone.now(), tick=False) as clock:
        phone.refresh_from_db()
        phone.last_generated_timestamp = None
        phone.save()
        issue(request_, phone)
        code = last_code()
        clock.shift(timedelta(seconds=600))
        assert verify(request_, code) is VerifyResult.EXPIRED


def test_a_resend_voids_the_previous_code(request_, phone, settings):
    settings.MFA_SMS_RESEND_COOLDOWN_SECONDS = 0
    issue(request_, phone)
    first = last_code()
    issue(request_, phone)
    second = last_code()
    assert verify(request_, first) in {VerifyResult.EXPIRED, VerifyResult.WRONG} or first == second
    assert Challenge.objects.filter(voided_at__isnull=False).count() == 1


def test_the_resend_cooldown_holds_and_then_lets_go(request_, phone, settings):
    settings.MFA_SMS_RESEND_COOLDOWN_SECONDS = 60
    with time_machine.travel(timezone.now(), tick=False) as clock:
        issue(request_, phone)
        with pytest.raises(SmsRefused):
            issue(request_, phone)
        clock.shift(timedelta(seconds=61))
        issue(request_, phone)


def test_a_used_code_lifts_the_cooldown_for_the_next_sign_in(request_, phone, settings):
    settings.MFA_SMS_RESEND_COOLDOWN_SECONDS = 60
    with time_machine.travel(timezone.now(), tick=False):
        issue(request_, phone)
        assert verify(request_, last_code()) is VerifyResult.OK
        issue(request_, phone)  # e.g. an enrolment just finished, then a sign-in: no wait


def test_five_wrong_entries_void_the_code(request_, phone):
    issue(request_, phone)
    code = last_code()
    for _ in range(5):
        assert verify(request_, wrong(code)) is VerifyResult.WRONG
    assert verify(request_, code) is VerifyResult.EXPIRED


def test_wrong_entries_bring_growing_delays_after_three_free_ones(request_, phone, settings):
    settings.MFA_SMS_THROTTLE_FACTOR = 1
    with time_machine.travel(timezone.now(), tick=False) as clock:
        issue(request_, phone)
        code = last_code()
        # Three quick corrections cost nothing.
        assert [verify(request_, wrong(code)) for _ in range(3)] == [VerifyResult.WRONG] * 3
        assert verify(request_, wrong(code)) is VerifyResult.WRONG  # the 4th starts the delays
        assert verify(request_, code) is VerifyResult.THROTTLED  # 1 s after it
        clock.shift(timedelta(seconds=1.1))
        assert verify(request_, wrong(code)) is VerifyResult.WRONG  # the 5th and last of this code
        assert phone.__class__.objects.get(pk=phone.pk).verify_is_allowed()[1]["locked_until"] > timezone.now()
        clock.shift(timedelta(seconds=2.1))  # 2 s after the 5th
        assert verify(request_, code) is VerifyResult.EXPIRED  # 5 wrong entries void it (unchanged)


def test_a_throttled_correct_code_stays_valid(request_, phone, settings):
    settings.MFA_SMS_THROTTLE_FACTOR = 1
    with time_machine.travel(timezone.now(), tick=False) as clock:
        issue(request_, phone)
        code = last_code()
        for _ in range(4):
            verify(request_, wrong(code))
        assert verify(request_, code) is VerifyResult.THROTTLED
        assert flows.verify_wait(device=phone) == 1
        clock.shift(timedelta(seconds=1.1))
        assert verify(request_, code) is VerifyResult.OK


def test_consecutive_failures_lock_the_sms_method_and_email_the_person(request_, phone, user, settings):
    settings.MFA_SMS_LOCK_AFTER_FAILURES = 7
    settings.MFA_SMS_RESEND_COOLDOWN_SECONDS = 0
    mail.outbox.clear()
    results = []
    for _ in range(2):
        issue(request_, phone)
        code = last_code()
        results += [verify(request_, wrong(code)) for _ in range(4)]
    assert results[:6] == [VerifyResult.WRONG] * 6
    assert results[6] is VerifyResult.LOCKED
    assert FactorLock.objects.get(user=user, kind="SMS").locked_at is not None
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MFA_LOCKED, user=user).exists()
    with pytest.raises(SmsRefused):
        issue(request_, phone)
    factor_unlock(user=user, kind="SMS")
    issue(request_, phone)
    assert verify(request_, last_code()) is VerifyResult.OK


def test_a_success_resets_the_run_of_failures(request_, phone, user):
    issue(request_, phone)
    code = last_code()
    verify(request_, wrong(code))
    verify(request_, code)
    assert FactorLock.objects.get(user=user, kind="SMS").consecutive_failures == 0


def test_old_challenges_and_sms_log_rows_are_purged(request_, phone):
    from mfa_sms.models import SmsMessage
    from mfa_sms.tasks import sms_records_purge_task

    issue(request_, phone)
    sms_records_purge_task.apply()
    assert Challenge.objects.count() == 1 and SmsMessage.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        sms_records_purge_task.apply()
    assert Challenge.objects.count() == 0 and SmsMessage.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        sms_records_purge_task.apply()
    assert SmsMessage.objects.count() == 0
