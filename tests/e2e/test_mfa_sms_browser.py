"""In the browser (fr and en): add a mobile number with the code from the dev outbox,
Finaliser; sign out; sign in with "Téléphone portable + SMS"; a wrong code, an expired
code, a resend."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from mfa_sms.models import Challenge, PhoneDevice
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, outbox_sms_code, sign_in_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMBER = "+33612345678"

TEXT = {
    "fr": {
        "phones": "Gérer mes numéros de téléphone portable",
        "enrol_title": "Code \"challenge\" envoyé par SMS, pour l'ajout d'un numéro de téléphone portable",
        "delay": "Le message peut mettre jusqu'à 15 minutes pour atteindre votre téléphone portable.",
        "finalise": "Finaliser", "cancel": "Annuler",
        "registered": "Votre numéro de téléphone est désormais associé à votre compte EU Login.",
        "method": "Téléphone portable + SMS",
        "signin_title": "Code \"challenge\" envoyé par SMS, pour la connexion",
        "wrong": "Le code \"challenge\" est incorrect.",
        "expired": "Ce code \"challenge\" n'est plus valable.",
        "success": "Authentification réussie",
        "signed_out": "Vous êtes déconnecté",
    },
    "en": {
        "phones": "Manage my mobile phone numbers",
        "enrol_title": "Challenge code sent by SMS, to add a mobile phone number",
        "delay": "The message can take up to 15 minutes to reach your mobile phone.",
        "finalise": "Finalise", "cancel": "Cancel",
        "registered": "Your mobile phone number is now registered on your EU Login account.",
        "method": "Mobile phone + SMS",
        "signin_title": "Challenge code sent by SMS to sign in",
        "wrong": "The challenge code is incorrect.",
        "expired": "This challenge code is no longer valid.",
        "success": "Authentication succeeded",
        "signed_out": "You have signed out",
    },
}


@pytest.fixture
def sms_to_outbox(settings):
    settings.SMS_BACKEND = "devoutbox.sms.SmsBackend"
    settings.MFA_SMS_RESEND_COOLDOWN_SECONDS = 0


def sms_code(page, live_server) -> str:
    """The newest code sent to NUMBER, read in the dev outbox in another tab."""
    return outbox_sms_code(page, live_server.url, to=NUMBER)


def test_add_a_number_then_sign_in_with_mobile_phone_and_sms(page_in, live_server, make_user, sms_to_outbox):
    page, text = page_in, TEXT[page_in.locale]
    user = make_user(email="marie.curie@example.org")

    # Add a number: "Mon compte" → "Gérer mes numéros…" → add → code from the outbox → Finaliser.
    sign_in_in_browser(page, live_server.url, user.email, PASSWORD)
    page.goto(f"{live_server.url}/account/my-account/")
    page.get_by_role("link", name=text["phones"]).click()
    page.locator("#add-phone").click()
    page.locator("#id_phone").fill("+33 6 12 34 56 78")
    page.locator("#id_label").fill("Pro")
    assert_accessible(page)
    page.locator("#add-button").click()
    assert page.locator("h1").inner_text() == text["enrol_title"]
    assert text["delay"] in page.content()
    assert page.locator("#sms-number").inner_text() == "+33 6 12 34 56 78"
    assert page.locator("#id_code").get_attribute("autocomplete") == "one-time-code"
    assert_accessible(page)
    assert page.locator("#cancel-button").inner_text() == text["cancel"]
    code = sms_code(page, live_server)
    page.locator("#id_code").fill(code.lower())
    page.get_by_role("button", name=text["finalise"]).click()
    assert text["registered"] in page.content()
    assert page.locator("#phones .phone-number").inner_text() == "+33 6 12 34 56 78"
    assert_accessible(page)  # with its message
    assert PhoneDevice.objects.get(user=user).confirmed

    # Sign out.
    page.locator(".user-menu summary").click()
    page.locator("#signout-button").click()
    assert text["signed_out"] in page.locator("h1").inner_text()

    # Sign in with "Téléphone portable + SMS".
    page.goto(f"{live_server.url}/account/login/")
    page.locator("#id_email").fill(user.email)
    page.locator("#next-button").click()
    page.locator("#id_password").fill(PASSWORD)
    sms_method = page.locator(".method[data-method='SMS']")
    assert text["method"] in sms_method.inner_text()
    sms_method.locator("input[type=radio]").check()
    page.locator("#id_sms-phone").fill("+33 6 12 34 56 78")
    page.locator("#signin-button").click()
    assert page.locator("h1").inner_text() == text["signin_title"]
    assert page.locator("#sms-number").inner_text() == "+33 6•• •• •• 78"  # masked off the owner's page

    # A wrong code.
    code = sms_code(page, live_server)
    page.locator("#id_code").fill("ZZZZ-ZZZZ" if code != "ZZZZ-ZZZZ" else "YYYY-YYYY")
    page.get_by_role("button", name=text["finalise"]).click()
    assert text["wrong"] in page.locator(".field-error").inner_text()
    assert_accessible(page)
    time.sleep(1.1)  # the growing delay after a wrong entry (1 s after the first)

    # An expired code: the server's clock says it is past its ten minutes.
    Challenge.objects.filter(used_at__isnull=True).update(expires_at=timezone.now() - timedelta(seconds=1))
    page.locator("#id_code").fill(code)
    page.get_by_role("button", name=text["finalise"]).click()
    assert text["expired"] in page.locator(".field-error").inner_text()

    # Resend: a new code works, the old one is void.
    page.locator("#resend-button").click()
    new_code = sms_code(page, live_server)
    page.locator("#id_code").fill(new_code.replace("-", ""))
    page.get_by_role("button", name=text["finalise"]).click()
    assert page.locator("h1").inner_text() == text["success"]
