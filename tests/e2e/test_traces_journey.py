"""The user guide's whole journey, in French and in English, with the demo TRACES NT (a
django-cas-ng site in its own process): TRACES NT → eulogin → email → password → told two
factors are required → add a phone → code from the dev outbox → Finaliser → back at TRACES
NT with PASSWORD_SMS; signing out of TRACES NT ends the eulogin session; the next sign-in
uses "Téléphone portable + SMS" directly."""

import re

import pytest
from playwright.sync_api import expect

from tests.cas_server.conftest import RelyingSite
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, outbox_sms_code
from traces_gateway.seed import traces_service_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMBER = "+32470000001"
TEXT = {
    "fr": {"required": "Double authentification requise",
           "since": "TRACES NT n'accepte que les connexions à double authentification depuis le 11 juin 2024.",
           "finalise": "Finaliser", "method": "Téléphone portable + SMS", "demo_signin": "Se connecter avec EU Login"},
    "en": {"required": "Two-factor authentication required",
           "since": "TRACES NT accepts only two-factor sign-ins since June 11, 2024.",
           "finalise": "Finalise", "method": "Mobile phone + SMS", "demo_signin": "Sign in with EU Login"},
}


@pytest.fixture
def demo_traces(live_server, tmp_path, settings):
    """The demo TRACES NT on its own port, registered with the seed's policy."""
    settings.SMS_BACKEND = "devoutbox.sms.SmsBackend"
    # The demo runs on plain http://127.0.0.1: the browser follows the sign-in POST's
    # redirects to it only if form-action allows http: (production services use https:).
    policy = {**settings.CONTENT_SECURITY_POLICY}
    policy["DIRECTIVES"] = {**policy["DIRECTIVES"], "form-action": [*policy["DIRECTIVES"]["form-action"], "http:"]}
    settings.CONTENT_SECURITY_POLICY = policy
    site = RelyingSite(cas_server_url=live_server.url + "/cas/", tmp_path=tmp_path, name="traces",
                       module="traces_gateway.demo_site", env_prefix="DEMO_TRACES")
    settings.TRACES_SERVICE_URL = site.url
    traces_service_seed()
    yield site
    site.close()


def _attribute(page, name: str) -> str:
    return page.locator(f"#attributes td[data-attribute='{name}']").inner_text()


def test_the_whole_journey_of_the_user_guide(page_in, live_server, make_user, demo_traces):
    page, text = page_in, TEXT[page_in.locale]
    user = make_user(email="melissa.martin@example.org")

    # TRACES NT sends the person to eulogin: email, then password alone.
    page.goto(demo_traces.url)
    expect(page.locator("#signin")).to_have_text(text["demo_signin"])  # the demo speaks French too
    page.locator("#signin").click()
    expect(page).to_have_url(re.compile(r"/cas/login\?service="))  # the sign-in form, in place
    assert_accessible(page)
    page.locator("#id_email").fill(user.email)
    page.locator("#next-button").click()
    page.locator("#id_password").fill(PASSWORD)
    assert_accessible(page)
    page.locator("#signin-button").click()

    # Told that TRACES NT requires two factors since 11 June 2024.
    expect(page.locator("h1")).to_have_text(text["required"])
    expect(page.locator("#two-factor-required")).to_contain_text(text["since"])
    assert_accessible(page)

    # Add a phone, the code from the dev outbox, Finaliser.
    page.locator("#add-phone").click()
    page.locator("#id_phone").fill("+32 470 00 00 01")
    assert_accessible(page)
    page.locator("#add-button").click()
    page.locator("#id_code").fill(outbox_sms_code(page, live_server.url, to=NUMBER))
    assert_accessible(page)
    page.get_by_role("button", name=text["finalise"]).click()

    # Recovery codes are offered after this first second factor: ten, shown once.
    page.locator("#generate-button").click()
    assert page.locator("#recovery-codes li").count() == 10
    assert page.locator("#download-codes").get_attribute("download") == "eulogin-recovery-codes.txt"
    page.locator("#codes-saved").click()

    # Back at TRACES NT, signed in with PASSWORD_SMS.
    expect(page).to_have_url(re.compile(re.escape(demo_traces.url)))
    expect(page.locator("#signed-in-as")).to_contain_text(user.email)
    assert _attribute(page, "strength") == "PASSWORD_SMS"
    assert _attribute(page, "authenticationLevel") == "MEDIUM"
    assert_accessible(page)  # the demo TRACES NT too

    # Signing out of TRACES NT ends the eulogin session too.
    page.locator("#signout").click()
    # Through eulogin's /cas/logout and back to TRACES NT, signed out.
    expect(page.locator("#signin")).to_be_visible()
    page.goto(f"{live_server.url}/account/my-account/")
    expect(page).to_have_url(re.compile(r"/account/login/"))

    # Next time: "Téléphone portable + SMS" directly, and straight back to TRACES NT.
    page.goto(demo_traces.url)
    page.locator("#signin").click()
    page.locator("#id_email").fill(user.email)
    page.locator("#next-button").click()
    page.locator("#id_password").fill(PASSWORD)
    sms = page.locator(".method[data-method='SMS']")
    expect(sms).to_contain_text(text["method"])
    sms.locator("input[type=radio]").check()
    page.locator("#id_sms-phone").fill("+32 470 00 00 01")
    assert_accessible(page)
    page.locator("#signin-button").click()
    page.locator("#id_code").fill(outbox_sms_code(page, live_server.url, to=NUMBER))
    page.get_by_role("button", name=text["finalise"]).click()
    expect(page.locator("#signed-in-as")).to_contain_text(user.email)
    assert _attribute(page, "strength") == "PASSWORD_SMS"
