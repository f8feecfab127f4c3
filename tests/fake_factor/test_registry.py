"""The fake factor registers like a real factor app and appears everywhere the core lists
factors, though no core file names it."""

import json
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.factors import session_strength
from accounts.strengths import MEDIUM, Requirement
from mfa_sms.models import PhoneDevice
from tests.cas_server.conftest import cas_login, query_value, signin_next
from tests.conftest import sign_in
from tests.fake_factor.models import FakeToken
from tests.mfa_sms.conftest import last_code
from tests.traces_gateway.conftest import TRACES_SERVICE

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cret"


@pytest.fixture
def token(user) -> FakeToken:
    return FakeToken.objects.create(user=user, name="Blue token", secret=SECRET, confirmed=True)


def _fake_sign_in(client, user, next_url=""):
    response = sign_in(client, user.email, method="FAKE", next_url=next_url)
    assert response["Location"] == reverse("fake_factor:signin")
    return client.post(reverse("fake_factor:signin"), {"code": SECRET})


def test_the_password_step_offers_the_fake_factor(client, user):
    client.post(reverse("accounts:login"), {"email": user.email})
    html = client.get(reverse("accounts:login_password")).content.decode()
    assert 'value="FAKE"' in html and "Fake token" in html


def test_signing_in_with_it_gives_its_strength_which_meets_medium(client, user, token):
    response = _fake_sign_in(client, user)
    assert response.status_code == 302
    request = type("R", (), {"session": client.session})()
    assert session_strength(request) == "PASSWORD_MOBILE_APP"
    assert Requirement.level(MEDIUM).is_met_by([session_strength(request)])
    # django-otp's verified state mirrors the session's factors.
    from django_otp import DEVICE_ID_SESSION_KEY

    assert client.session[DEVICE_ID_SESSION_KEY] == token.persistent_id


def test_a_wrong_code_signs_nobody_in(client, user, token):
    sign_in(client, user.email, method="FAKE")
    assert client.post(reverse("fake_factor:signin"), {"code": "nope"}).status_code == 400
    assert client.get(reverse("accounts:my_account")).status_code == 302


def test_a_medium_policy_steps_up_to_it_and_the_ticket_says_so(client, user, token, traces):
    next_url = signin_next(cas_login(client, TRACES_SERVICE))
    sign_in(client, user.email, next_url=next_url)
    step_up = client.get(client.get(next_url)["Location"])
    # The only factor held: straight to its step.
    assert step_up["Location"].startswith(reverse("fake_factor:verify"))
    done = client.post(step_up["Location"], {"code": SECRET, "next": query_value(step_up["Location"], "next")})
    back = client.get(done["Location"])
    ticket = query_value(back["Location"], "ticket")
    response = client.get(reverse("cas:p3_service_validate"), {"service": TRACES_SERVICE, "ticket": ticket,
                                                               "format": "JSON"})
    attributes = json.loads(response.content)["serviceResponse"]["authenticationSuccess"]["attributes"]
    assert attributes["strength"] == ["PASSWORD_MOBILE_APP"] or attributes["strength"] == "PASSWORD_MOBILE_APP"
    assert "FAKE" in attributes["authenticationFactors"]
    assert attributes["fakeToken"] in (["Blue token"], "Blue token")


def test_step_up_offers_every_factor_held(client, user, token, traces):
    PhoneDevice.objects.create(user=user, number="+32470000001", confirmed=True)
    next_url = signin_next(cas_login(client, TRACES_SERVICE))
    sign_in(client, user.email, next_url=next_url)
    choice = client.get(client.get(client.get(next_url)["Location"])["Location"])
    html = choice.content.decode()
    assert choice.status_code == 200
    assert 'id="prove-fake"' in html and 'id="prove-sms"' in html


def test_guided_enrolment_lists_every_kind_that_would_meet_the_policy(client, user, traces):
    next_url = signin_next(cas_login(client, TRACES_SERVICE))
    sign_in(client, user.email, next_url=next_url)
    html = client.get(client.get(next_url)["Location"]).content.decode()
    assert 'id="add-fake"' in html and 'id="add-phone"' in html


def test_mon_compte_shows_its_tile(signed_in_client):
    html = signed_in_client.get(reverse("accounts:my_account")).content.decode()
    assert "tile-fake-tokens" in html and reverse("fake_factor:tokens") in html


def test_panic_removes_its_devices_with_every_other_kind(signed_in_client, user, token, password):
    PhoneDevice.objects.create(user=user, number="+32470000001", confirmed=True)
    assert signed_in_client.post(reverse("accounts:panic"), {"password": password}).status_code == 200
    assert not FakeToken.objects.filter(user=user).exists()
    assert not PhoneDevice.objects.filter(user=user).exists()


def test_binding_a_phone_needs_a_fresh_proof_of_any_enrolled_factor(client, user, token):
    sign_in(client, user.email)
    response = client.get(reverse("mfa_sms:phone_add"))
    assert response["Location"].startswith(reverse("fake_factor:verify"))
    client.post(response["Location"], {"code": SECRET, "next": query_value(response["Location"], "next")})
    assert client.get(reverse("mfa_sms:phone_add")).status_code == 200


def test_binding_a_fake_token_needs_a_fresh_sms_on_an_existing_phone(client, user):
    phone = PhoneDevice.objects.create(user=user, number="+32470000001", confirmed=True)
    sign_in(client, user.email)
    response = client.get(reverse("fake_factor:enrol"))
    assert response["Location"].startswith(reverse("mfa_sms:verify"))
    client.post(response["Location"], {"device": phone.pk, "next": query_value(response["Location"], "next")})
    client.post(reverse("mfa_sms:verify_challenge"), {"action": "verify", "code": last_code("+32470000001")})
    assert client.get(reverse("fake_factor:enrol")).status_code == 200


def test_no_core_file_names_the_fake_factor():
    found = subprocess.run(
        ["grep", "-rIl", "-e", "fake_factor", "-e", "FAKE", "accounts", "cas_server", "mfa_sms", "traces_gateway",
         "eulogin", "devoutbox", "templates", "--include=*.py", "--include=*.html", "--include=*.txt"],
        cwd=ROOT, capture_output=True, text=True,
    ).stdout.split()
    assert found == []


def test_cant_use_your_phone_switches_the_sign_in_to_another_factor_held(client, user, token):
    PhoneDevice.objects.create(user=user, number="+32470000001", confirmed=True)
    sign_in(client, user.email, method="SMS", **{"sms-phone": "+32 470 00 00 01"})
    page = client.get(reverse("mfa_sms:signin")).content.decode()
    assert 'id="other-fake"' in page
    response = client.post(reverse("accounts:login_other"), {"kind": "FAKE"})
    assert response["Location"] == reverse("fake_factor:signin")
    client.post(reverse("fake_factor:signin"), {"code": SECRET})
    assert {f["kind"] for f in client.session["eulogin_factors"]} == {"PASSWORD", "FAKE"}


def test_switching_needs_a_password_proved_and_a_factor_held(client, user):
    assert client.post(reverse("accounts:login_other"), {"kind": "FAKE"})["Location"] == reverse("accounts:login")
    sign_in(client, user.email, method="SMS", **{"sms-phone": "+32 470 00 00 01"})
    # No fake token on this account: back to the password step, nothing started.
    assert client.post(reverse("accounts:login_other"), {"kind": "FAKE"})["Location"] == reverse(
        "accounts:login_password")
    assert client.post(reverse("accounts:login_other"), {"kind": "PASSWORD"})["Location"] == reverse(
        "accounts:login_password")


def test_after_panic_the_password_alone_binds_no_factor_of_any_kind(client, user, password):
    from mfa_sms.models import PhoneHistory

    PhoneDevice.objects.create(user=user, number="+32470000001", confirmed=True)
    PhoneHistory.objects.create(user=user)
    sign_in(client, user.email)
    client.post(reverse("accounts:panic"), {"password": password})
    sign_in(client, user.email)
    # Not a phone, not a fake token: the account's email must confirm first.
    assert client.get(reverse("fake_factor:enrol"))["Location"].startswith(reverse("accounts:rebind_email"))
    assert client.get(reverse("mfa_sms:phone_add"))["Location"].startswith(reverse("accounts:rebind_email"))
