from django.urls import reverse

from tests.conftest import force_sign_in
from tests.mfa_totp.conftest import code_for, secret_on

from .conftest import new_request


def _enrol_app(client, next_url=""):
    query = f"?next={next_url}" if next_url else ""
    client.post(reverse("mfa_totp:device_add") + query, {"name": "Pixel", "next": next_url})
    secret = secret_on(client.get(reverse("mfa_totp:device_confirm")).content.decode())
    return client.post(reverse("mfa_totp:device_confirm"), {"action": "verify", "code": code_for(secret)})


def test_recovery_codes_are_offered_right_after_the_first_second_factor(client, user):
    force_sign_in(client, user, kinds=("PASSWORD",))
    response = _enrol_app(client, next_url="/account/my-account/sessions/")
    assert response.status_code == 302 and response.url.startswith(reverse("mfa_recovery:offer"))
    page = client.get(response.url).content.decode()
    assert 'id="generate-button"' in page and 'href="/account/my-account/sessions/" id="offer-later"' in page
    # Generating from the offer shows the codes, then goes on where the enrolment was going.
    response = client.post(reverse("mfa_recovery:generate"), {"next": "/account/my-account/sessions/"})
    page = client.get(response.url).content.decode()
    assert 'href="/account/my-account/sessions/" id="codes-saved"' in page


def test_no_offer_when_the_account_already_has_codes(client, user, app, recovery_codes):
    force_sign_in(client, user, kinds=("PASSWORD", "TOTP"))
    response = _enrol_app(client)
    assert response.status_code == 302 and not response.url.startswith(reverse("mfa_recovery:offer"))


def test_mon_compte_shows_the_codes_left_and_warns_at_three(client, user, recovery_codes):
    from mfa_recovery import services

    force_sign_in(client, user, kinds=("PASSWORD", "TOTP"))
    page = client.get(reverse("accounts:my_account")).content.decode()
    assert "10 recovery codes left" in page and "tile-warning" not in page
    for code in recovery_codes[:7]:
        services.recovery_code_verify(request=new_request(), user=user, code=code, purpose="signin")
    page = client.get(reverse("accounts:my_account")).content.decode()
    assert "3 recovery codes left" in page and "tile-warning" in page
