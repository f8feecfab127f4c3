import pytest
from django.urls import reverse

from accounts.factors import session_strength
from accounts.models import AuditEvent
from mfa_sms.backends import locmem
from mfa_sms.models import Challenge

from .conftest import NUMBER, last_code, post_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_password_step_offers_mobile_phone_and_sms(client, user):
    client.post(reverse("accounts:login"), {"email": user.email})
    page = client.get(reverse("accounts:login_password")).content.decode()
    assert 'value="SMS"' in page
    assert 'name="sms-phone"' in page


def test_a_correct_password_and_number_send_a_code_and_show_the_challenge_page(client, sms_signin):
    response = sms_signin()
    assert response.status_code == 302 and response.url == reverse("mfa_sms:signin")
    assert [sms.to for sms in locmem.outbox] == [NUMBER]
    page = client.get(reverse("mfa_sms:signin")).content.decode()
    assert "+33 6•• •• •• 78" in page
    assert "+33 6 12 34 56 78" not in page
    assert 'autocomplete="one-time-code"' in page
    assert "15 minutes" in page


def test_the_sms_ends_with_the_webotp_line(sms_signin):
    sms_signin()
    last_line = locmem.outbox[-1].body.splitlines()[-1]
    assert last_line == f"@testserver #{last_code()}"


def test_the_right_code_signs_in_with_strength_password_sms(client, sms_signin, user):
    sms_signin()
    before = client.session.session_key
    response = post_code(client, "mfa_sms:signin", last_code().lower().replace("-", ""))
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session.session_key != before
    request = type("R", (), {"session": client.session})()
    assert session_strength(request) == "PASSWORD_SMS"
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MFA_SUCCEEDED, user=user).exists()


def test_a_wrong_code_does_not_sign_in(client, sms_signin):
    sms_signin()
    response = post_code(client, "mfa_sms:signin", "AAAA-AAAA" if last_code() != "AAAA-AAAA" else "BBBB-BBBB")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert "incorrect" in response.content.decode()


def test_a_number_that_is_not_confirmed_on_the_account_gets_a_clear_message_and_no_sms(client, sms_signin, make_user):
    other = make_user(email="bob@example.org")
    other.phonedevice_set.create(number="+32470000001", confirmed=True)
    sms_signin("+32 470 00 00 01")
    assert locmem.outbox == []
    page = client.get(reverse("mfa_sms:signin")).content.decode()
    assert "does not match any confirmed mobile phone number of your account" in page
    assert "bob@example.org" not in page and "+32" not in page
    assert 'name="code"' not in page


def test_an_account_without_a_phone_is_told_to_add_one(client, user):
    from tests.conftest import sign_in

    sign_in(client, user.email, method="SMS", **{"sms-phone": "+33 6 12 34 56 78"})
    page = client.get(reverse("mfa_sms:signin")).content.decode()
    assert "has no confirmed mobile phone number" in page
    assert locmem.outbox == []


def test_a_wrong_password_sends_no_sms(client, user, phone):
    from tests.conftest import sign_in

    response = sign_in(client, user.email, password="wrong password!", method="SMS", **{"sms-phone": "+33612345678"})
    assert response.status_code == 400
    assert locmem.outbox == []


def test_the_challenge_page_needs_a_pending_sign_in(client):
    response = client.get(reverse("mfa_sms:signin"))
    assert response.status_code == 302 and response.url == reverse("accounts:login")


def test_cancel_abandons_the_sign_in(client, sms_signin):
    sms_signin()
    response = client.post(reverse("mfa_sms:signin"), {"action": "cancel"})
    assert response.url == reverse("accounts:login")
    assert client.get(reverse("mfa_sms:signin")).status_code == 302


def test_resend_voids_the_previous_code(client, sms_signin, settings):
    settings.MFA_SMS_RESEND_COOLDOWN_SECONDS = 0
    sms_signin()
    first = last_code()
    client.post(reverse("mfa_sms:signin"), {"action": "resend"})
    second = last_code()
    assert len(locmem.outbox) == 2
    assert Challenge.objects.filter(voided_at__isnull=False).count() == 1
    if first != second:
        assert post_code(client, "mfa_sms:signin", first).status_code == 400
    assert post_code(client, "mfa_sms:signin", second).status_code == 302


def test_resend_waits_for_the_cooldown(client, sms_signin):
    sms_signin()
    response = client.post(reverse("mfa_sms:signin"), {"action": "resend"})
    assert response.status_code == 429
    assert len(locmem.outbox) == 1
    assert "You can ask for a new one in 1 minute, at " in response.content.decode()


def test_a_resend_within_the_cooldown_keeps_the_code_field_and_the_code(client, sms_signin):
    sms_signin()
    code = last_code()
    response = client.post(reverse("mfa_sms:signin"), {"action": "resend"})
    page = response.content.decode()
    assert response.status_code == 429
    assert 'name="code"' in page and 'id="finalise-button"' in page
    assert 'id="resend-error"' in page and "A code was sent a moment ago" in page
    assert post_code(client, "mfa_sms:signin", code).status_code == 302


def test_the_resend_control_is_disabled_with_the_time_it_comes_back(client, sms_signin):
    import re

    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now().replace(second=0, microsecond=0), tick=False):
        sms_signin()
        page = client.get(reverse("mfa_sms:signin")).content.decode()
        soon = timezone.localtime(timezone.now() + timezone.timedelta(seconds=60)).strftime("%H:%M")
    button = re.search(r'<button[^>]*id="resend-button"[^>]*>', page).group(0)
    assert " disabled" in button and 'aria-describedby="resend-wait"' in button
    # Printed in the page (no JavaScript needed); the script counts down from data-countdown.
    assert f"Possible from {soon}" in page
    assert 'data-countdown="60"' in page


def test_the_resend_control_comes_back_after_the_cooldown(client, sms_signin, settings):
    import re

    settings.MFA_SMS_RESEND_COOLDOWN_SECONDS = 0
    sms_signin()
    page = client.get(reverse("mfa_sms:signin")).content.decode()
    assert " disabled" not in re.search(r'<button[^>]*id="resend-button"[^>]*>', page).group(0)


def test_three_wrong_codes_then_the_right_one_at_once_signs_in(client, sms_signin, settings):
    settings.MFA_SMS_THROTTLE_FACTOR = 1  # the real delays
    sms_signin()
    code = last_code()
    wrong = "AAAA-AAAA" if code != "AAAA-AAAA" else "BBBB-BBBB"
    assert [post_code(client, "mfa_sms:signin", wrong).status_code for _ in range(3)] == [400, 400, 400]
    assert post_code(client, "mfa_sms:signin", code).status_code == 302


def test_a_throttled_entry_says_how_long_to_wait_and_keeps_the_code(client, sms_signin, settings):
    import time_machine
    from django.utils import timezone

    settings.MFA_SMS_THROTTLE_FACTOR = 1
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sms_signin()
        code = last_code()
        wrong = "AAAA-AAAA" if code != "AAAA-AAAA" else "BBBB-BBBB"
        for _ in range(4):
            post_code(client, "mfa_sms:signin", wrong)
        throttled = post_code(client, "mfa_sms:signin", code)
        assert throttled.status_code == 429
        assert "Please wait 1 second, then enter the code again: it is still valid." in throttled.content.decode()
        assert 'name="code"' in throttled.content.decode()
        clock.shift(1.5)
        assert post_code(client, "mfa_sms:signin", code).status_code == 302


def test_sign_ins_in_a_row_are_not_refused_by_the_10_minute_window(client, user, phone, settings):
    from tests.conftest import sign_in

    for attempt in range(5):
        sign_in(client, user.email, method="SMS", **{"sms-phone": "+33 6 12 34 56 78"})
        response = post_code(client, "mfa_sms:signin", last_code())
        assert response.status_code == 302, (attempt, response.content.decode()[:2000])
        client.post(reverse("accounts:logout"))
    assert len(locmem.outbox) == 5


def test_a_refusal_says_when_the_next_send_is_possible_in_minutes(client, sms_signin, settings):
    import re

    import time_machine
    from django.utils import timezone

    settings.MFA_SMS_LIMIT_PER_NUMBER_SHORT = (0, 600)
    start = timezone.now().replace(minute=2, second=30, microsecond=0)  # 7.5 minutes before the window ends
    with time_machine.travel(start, tick=False):
        sms_signin()
        response = client.get(reverse("mfa_sms:signin"))
        at = timezone.localtime(start.replace(minute=10, second=0)).strftime("%H:%M")
    page = response.content.decode()
    assert response.status_code == 429
    assert f"You can ask for a new code in 8 minutes, at {at}, or choose another authentication method." in page
    button = re.search(r'<button[^>]*id="resend-button"[^>]*>', page).group(0)
    assert " disabled" in button and f"Possible from {at}" in page


def test_a_permanent_delivery_failure_is_shown_on_the_challenge_page(client, sms_signin, settings):
    settings.SMS_BACKEND = "tests.mfa_sms.failing_backends.InvalidNumberBackend"
    sms_signin()
    page = client.get(reverse("mfa_sms:signin")).content.decode()
    assert "not a valid mobile phone number according to the SMS provider" in page


def test_a_locked_sms_method_sends_nothing_and_says_so(client, sms_signin, user):
    from django.utils import timezone

    from accounts.models import FactorLock

    FactorLock.objects.create(user=user, kind="SMS", consecutive_failures=20, locked_at=timezone.now())
    sms_signin()
    assert locmem.outbox == []
    response = client.get(reverse("mfa_sms:signin"))
    assert "locked" in response.content.decode()
    assert response.status_code == 429


def test_a_refused_send_says_nothing_about_the_number_or_account(client, sms_signin, settings):
    settings.MFA_SMS_GLOBAL_DAILY_CAP = 0
    sms_signin()
    page = client.get(reverse("mfa_sms:signin")).content.decode()
    assert "No SMS can be sent right now" in page
    assert locmem.outbox == []


def test_the_sms_is_written_in_the_language_of_the_page(client, sms_signin):
    client.cookies["eulogin_language"] = "fr"
    sms_signin()
    assert locmem.outbox[-1].body.startswith("Votre code \"challenge\" EU Login")


def test_the_step_up_url_leads_to_a_session_with_strength_password_sms(signed_in_client, phone):
    from mfa_sms.factor import sms_step_up_url

    url = sms_step_up_url("/account/my-account/")
    signed_in_client.post(url, {"device": phone.pk, "next": "/account/my-account/"})
    response = post_code(signed_in_client, "mfa_sms:verify_challenge", last_code(NUMBER))
    assert response.url == "/account/my-account/"
    request = type("R", (), {"session": signed_in_client.session})()
    assert session_strength(request) == "PASSWORD_SMS"


def test_after_an_sms_sign_in_django_otp_sees_a_verified_user(client, sms_signin, phone):
    from django_otp import DEVICE_ID_SESSION_KEY

    sms_signin()
    post_code(client, "mfa_sms:signin", last_code())
    assert client.session[DEVICE_ID_SESSION_KEY] == phone.persistent_id


def test_a_person_who_prefers_sms_finds_it_chosen_on_the_next_sign_in(client, user):
    from tests.conftest import sign_in

    user.preferred_method = "SMS"
    user.save()
    sign_in(client, user.email)
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"email": user.email})
    page = client.get(reverse("accounts:login_password")).content.decode()
    import re

    checked = re.search(r'<input[^>]*name="method"[^>]*value="SMS"[^>]*>|<input[^>]*value="SMS"[^>]*name="method"[^>]*>', page)
    assert checked and "checked" in checked.group(0)
