import re
import time

from django.urls import reverse

from accounts.models import AuditEvent, FactorLock

from .conftest import code_for, post_code, totp_signin, wrong_code_for


def test_the_password_step_offers_the_authenticator_app(client, user):
    client.post(reverse("accounts:login"), {"email": user.email})
    assert 'value="TOTP"' in client.get(reverse("accounts:login_password")).content.decode()


def test_password_then_a_current_code_signs_in(client, user, app):
    response = totp_signin(client, user)
    assert response.status_code == 302 and response.url == reverse("mfa_totp:signin")
    response = post_code(client, "mfa_totp:signin", code_for(app))
    assert response.status_code == 302
    assert [f["kind"] for f in client.session["eulogin_factors"]] == ["PASSWORD", "TOTP"]
    app.refresh_from_db()
    assert app.last_used_at is not None


def test_a_code_is_refused_the_second_time_within_its_window(client, user, app):
    code = code_for(app)
    totp_signin(client, user)
    assert post_code(client, "mfa_totp:signin", code).status_code == 302
    client.post(reverse("accounts:logout"))
    totp_signin(client, user)
    response = post_code(client, "mfa_totp:signin", code)
    assert response.status_code == 400
    assert "already been used" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_one_step_of_clock_drift_is_tolerated_two_are_not(client, user, app):
    totp_signin(client, user)
    two_steps_late = code_for(app, at=time.time() - 60)
    assert post_code(client, "mfa_totp:signin", two_steps_late).status_code == 400
    one_step_late = code_for(app, at=time.time() - 30)
    assert post_code(client, "mfa_totp:signin", one_step_late).status_code == 302


def test_wrong_codes_grow_delays_then_lock_the_method_and_email(client, user, app, settings):
    from django.core import mail

    settings.MFA_TOTP_LOCK_AFTER_FAILURES = 3
    totp_signin(client, user)
    for _ in range(3):
        response = post_code(client, "mfa_totp:signin", wrong_code_for(app))
    assert response.status_code == 429
    assert FactorLock.objects.get(user=user, kind="TOTP").locked_at is not None
    assert "locked" in mail.outbox[-1].subject
    # Locked: even the right code does not sign in.
    assert post_code(client, "mfa_totp:signin", code_for(app)).status_code == 429
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MFA_LOCKED, user=user).exists()


def test_throttling_delays_the_next_try_after_a_wrong_code(client, user, app, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    totp_signin(client, user)
    post_code(client, "mfa_totp:signin", wrong_code_for(app))
    response = post_code(client, "mfa_totp:signin", code_for(app))
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_account_without_an_app_is_told_to_add_one(client, user):
    totp_signin(client, user)
    response = client.get(reverse("mfa_totp:signin"))
    assert response.status_code == 400
    assert "no authenticator app" in response.content.decode()


def test_the_code_page_needs_a_pending_sign_in(client):
    response = client.get(reverse("mfa_totp:signin"))
    assert response.status_code == 302 and response.url == reverse("accounts:login")



def test_the_chosen_default_method_comes_first_and_is_selected(client, user):
    client.post(reverse("accounts:login"), {"email": user.email})
    page = client.get(reverse("accounts:login_password")).content.decode()
    assert page.index('data-method="PASSWORD"') < page.index('data-method="TOTP"') < page.index('data-method="SMS"')
    client.cookies["eulogin_method"] = "TOTP"
    page = client.get(reverse("accounts:login_password")).content.decode()
    assert page.index('data-method="TOTP"') < page.index('data-method="PASSWORD"') < page.index('data-method="SMS"')
    assert re.search(r'<input[^>]*value="TOTP"[^>]*checked', page)


def _methods(client, email: str) -> list[str]:
    client.post(reverse("accounts:login"), {"email": email})
    return re.findall(r'data-method="([A-Z_]+)"', client.get(reverse("accounts:login_password")).content.decode())


def test_the_password_step_lists_the_same_methods_for_any_email_then_the_preferred_one_first(client, user, app,
                                                                                           make_user):
    from django.test import Client

    from mfa_sms.models import PhoneDevice
    from tests.conftest import sign_in

    PhoneDevice.objects.create(user=user, number="+32470000001", name="Work", confirmed=True)
    user.preferred_method = "SMS"
    user.save(update_fields=["preferred_method"])
    # Before the password: nothing about the account shows (no enumeration).
    known, unknown = _methods(client, user.email), _methods(Client(), "nobody@example.org")
    assert known == unknown and known[0] == "PASSWORD" and {"TOTP", "SMS"} <= set(known)
    # Once a password is proved, the browser remembers the person's preferred method.
    sign_in(client, user.email)
    client.post(reverse("accounts:logout"))
    assert _methods(client, user.email)[0] == "SMS"


def test_the_prove_it_is_you_page_lists_the_preferred_method_first(client, user, app):
    from mfa_sms.models import PhoneDevice
    from tests.conftest import force_sign_in

    PhoneDevice.objects.create(user=user, number="+32470000001", name="Work", confirmed=True)
    force_sign_in(client, user, kinds=("PASSWORD",))
    for preferred, first in (("SMS", "/sms/verify/"), ("TOTP", "/app/verify/")):
        user.preferred_method = preferred
        user.save(update_fields=["preferred_method"])
        page = client.get(reverse("accounts:factor_choose")).content.decode()
        steps = re.findall(r'href="(/(?:sms|app)/verify/)[^"]*"', page)
        assert steps[0] == first and set(steps) == {"/sms/verify/", "/app/verify/"}
