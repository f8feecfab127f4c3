from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import AuditEvent
from mfa_sms import flows, limits
from mfa_sms.models import Challenge

from .conftest import NUMBER, OTHER_NUMBER

pytestmark = pytest.mark.django_db(transaction=True)


def take(number=NUMBER, user_id=1, ip="192.0.2.1"):
    return limits.sms_send_take(number=number, user_id=user_id, ip=ip)


def test_a_number_gets_3_sms_per_10_minutes_then_more_later(settings):
    settings.MFA_SMS_LIMIT_PER_ACCOUNT = (100, 3600)
    with time_machine.travel(timezone.now().replace(minute=0, second=1), tick=False) as clock:
        assert [take(user_id=i) for i in range(4)] == [None, None, None, "number"]
        clock.shift(timedelta(minutes=10))
        assert take() is None


def test_a_number_gets_10_sms_a_day(settings):
    settings.MFA_SMS_LIMIT_PER_ACCOUNT = (100, 3600)
    start = timezone.now().replace(hour=0, minute=0, second=1)
    results = []
    for i in range(11):
        with time_machine.travel(start + timedelta(minutes=11 * i), tick=False):
            results.append(take(user_id=i))
    assert results == [None] * 10 + ["number"]


def test_an_account_is_limited_over_all_its_numbers(settings):
    settings.MFA_SMS_LIMIT_PER_ACCOUNT = (2, 3600)
    assert take(NUMBER) is None and take(OTHER_NUMBER) is None
    assert take("+32470000002") == "account"


def test_a_client_ip_is_limited(settings):
    settings.MFA_SMS_LIMIT_PER_IP = (2, 3600)
    assert take(NUMBER, 1) is None and take(OTHER_NUMBER, 2) is None
    assert take("+32470000002", 3) == "ip"
    assert take("+32470000002", 3, ip="192.0.2.2") is None


def test_the_global_daily_cap(settings):
    settings.MFA_SMS_GLOBAL_DAILY_CAP = 2
    assert take(NUMBER, 1, "192.0.2.1") is None and take(OTHER_NUMBER, 2, "192.0.2.2") is None
    assert take("+32470000002", 3, "192.0.2.3") == "global"


def test_a_refused_send_gives_its_slots_back(settings):
    settings.MFA_SMS_LIMIT_PER_IP = (1, 3600)
    assert take(NUMBER, 1) is None
    assert take(NUMBER, 1) == "ip"
    assert take(NUMBER, 1, ip="192.0.2.9") is None  # the number's 2nd slot, not its 3rd


def test_a_refusal_reveals_nothing_and_is_audited(phone, settings):
    settings.MFA_SMS_LIMIT_PER_NUMBER_SHORT = (1, 600)
    settings.MFA_SMS_RESEND_COOLDOWN_SECONDS = 0
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.10")
    request.session = SessionStore()
    flows.challenge_issue(request=request, device=phone, purpose=Challenge.Purpose.SIGNIN)
    with pytest.raises(flows.SmsRefused) as refused:
        flows.challenge_issue(request=request, device=phone, purpose=Challenge.Purpose.SIGNIN)
    assert str(refused.value.message).startswith("No SMS can be sent right now. You can ask for a new code in ")
    assert 0 < refused.value.wait <= 600
    assert "+33" not in str(refused.value.message)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SMS_REFUSED, detail__limit="number").exists()


def test_counters_live_in_postgresql_and_survive_an_emptied_cache(settings):
    from django.core.cache import caches

    settings.MFA_SMS_LIMIT_PER_IP = (1, 3600)
    assert take() is None
    caches["default"].clear()  # a Redis restarted empty
    caches["strict"].clear()
    assert take() == "ip"


def test_a_used_code_gives_its_send_back_to_the_10_minute_window_only(phone, settings):
    from eulogin.ratelimit import DATABASE, window_count

    from .conftest import last_code

    settings.MFA_SMS_RESEND_COOLDOWN_SECONDS = 0
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.10")
    request.session = SessionStore()
    with time_machine.travel(timezone.now().replace(minute=0, second=1), tick=False):
        for _ in range(4):
            flows.challenge_issue(request=request, device=phone, purpose=Challenge.Purpose.SIGNIN)
            assert flows.challenge_verify(request=request, purpose=Challenge.Purpose.SIGNIN,
                                             code=last_code()) is flows.VerifyResult.OK
        assert window_count(scope="mfa_sms:number", key=NUMBER, window=600, store=DATABASE) == 0
        assert window_count(scope="mfa_sms:number", key=NUMBER, window=24 * 3600, store=DATABASE) == 4
        assert window_count(scope="mfa_sms:account", key=str(phone.user_id), window=3600, store=DATABASE) == 4


def test_pumping_sends_never_verified_keep_counting(phone, settings):
    settings.MFA_SMS_RESEND_COOLDOWN_SECONDS = 0
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.10")
    request.session = SessionStore()
    with time_machine.travel(timezone.now().replace(minute=0, second=1), tick=False) as clock:
        for _ in range(3):
            flows.challenge_issue(request=request, device=phone, purpose=Challenge.Purpose.SIGNIN)
            clock.shift(1)
        with pytest.raises(flows.SmsRefused) as refused:
            flows.challenge_issue(request=request, device=phone, purpose=Challenge.Purpose.SIGNIN)
    assert "in 10 minutes" in str(refused.value.message)
