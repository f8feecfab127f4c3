"""In the browser (fr and en): add an authenticator app by reading the secret off the page
(the QR code drawn and allowed by the CSP), sign out, sign in with password + a code
computed from that secret, and a replayed code refused."""

import time

import pytest

from mfa_totp.models import TOTPDevice
from tests.conftest import PASSWORD
from tests.e2e.conftest import sign_in_in_browser
from tests.mfa_totp.conftest import code_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "fr": {
        "devices": "Gérer mes appareils mobiles", "add": "Ajouter une application d'authentification",
        "registered": "Votre application d'authentification est désormais associée à votre compte EU Login.",
        "method": "Application d'authentification", "finalise": "Finaliser",
        "success": "Authentification réussie", "signed_out": "Vous êtes déconnecté",
        "replayed": "Le code est incorrect ou a déjà été utilisé.",
    },
    "en": {
        "devices": "Manage my mobile devices", "add": "Add an authenticator app",
        "registered": "Your authenticator app is now registered on your EU Login account.",
        "method": "Authenticator app", "finalise": "Finalise",
        "success": "Authentication succeeded", "signed_out": "You have signed out",
        "replayed": "The code is incorrect or has already been used.",
    },
}


def sign_out(page, text):
    page.locator(".user-menu summary").click()
    page.locator("#signout-button").click()
    assert text["signed_out"] in page.locator("h1").inner_text()


def sign_in_with_app(page, base_url, email, code, text):
    page.goto(f"{base_url}/account/login/")
    page.locator("#id_email").fill(email)
    page.locator("#next-button").click()
    page.locator("#id_password").fill(PASSWORD)
    method = page.locator(".method[data-method='TOTP']")
    assert text["method"] in method.inner_text()
    method.locator("input[type=radio]").check()
    page.locator("#signin-button").click()
    page.locator("#id_code").fill(code)
    page.get_by_role("button", name=text["finalise"]).click()


def test_enrol_an_app_from_the_page_then_sign_in_with_a_code_and_a_replay_is_refused(page_in, live_server, make_user,
                                                                                       settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    page, text = page_in, TEXT[page_in.locale]
    user = make_user(email="ada.lovelace@example.org")
    sign_in_in_browser(page, live_server.url, user.email, PASSWORD)

    page.goto(f"{live_server.url}/app/devices/")
    assert page.locator("h1").inner_text() == text["devices"]
    page.locator("#add-totp").click()
    assert page.locator("h1").inner_text() == text["add"]
    page.locator("#id_name").fill("Pixel")
    page.locator("#next-button").click()
    # The QR code is an SVG the page may show (CSP img-src allows data:), and it drew.
    qr = page.locator("#totp-qr")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 100")
    secret = page.locator("#totp-secret").inner_text()
    page.locator("#id_code").fill(code_for(secret))
    page.get_by_role("button", name=text["finalise"]).click()
    assert text["registered"] in page.content()
    page.locator("#offer-later").click()  # recovery codes are offered after a first second factor
    assert page.locator(".totp-row").count() == 1
    assert TOTPDevice.objects.get(user=user, confirmed=True).name == "Pixel"
    sign_out(page, text)

    # A code computed from the secret read on the page signs in: the next step's (the
    # enrolment used this step's, which is now spent; one step of drift is tolerated).
    code = code_for(secret, at=time.time() + 30)
    sign_in_with_app(page, live_server.url, user.email, code, text)
    assert page.locator("h1").inner_text() == text["success"]
    sign_out(page, text)

    # The same code a second time, within its window: refused.
    sign_in_with_app(page, live_server.url, user.email, code, text)
    assert text["replayed"] in page.locator(".field-error").inner_text()
    assert page.locator("h1").inner_text() != text["success"]
