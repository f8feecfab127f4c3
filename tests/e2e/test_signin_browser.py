import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, sign_in_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "fr": {"welcome": "Bienvenue", "success": "Authentification réussie", "my_account": "Mon compte",
           "signed_out": "Vous êtes déconnecté", "bad": "L'adresse électronique ou le mot de passe est incorrect."},
    "en": {"welcome": "Welcome", "success": "Authentication succeeded", "my_account": "My account",
           "signed_out": "You have signed out", "bad": "The email address or the password is incorrect."},
}


def test_a_person_signs_in_opens_my_account_and_signs_out(page_in, live_server, make_user):
    text = TEXT[page_in.locale]
    make_user(email="marie.curie@example.org")

    sign_in_in_browser(page_in, live_server.url, "marie.curie@example.org", "not the password")
    assert text["bad"] in page_in.locator(".alert-error").inner_text()
    assert page_in.locator("h1").inner_text() == text["welcome"]
    assert "(Externe)" in page_in.content() or "(External)" in page_in.content()
    assert_accessible(page_in)

    page_in.locator("#id_password").fill(PASSWORD)
    page_in.locator("#signin-button").click()
    assert page_in.locator("h1").inner_text() == text["success"]
    assert_accessible(page_in)

    page_in.locator(".user-menu summary").click()
    page_in.locator(".user-menu-panel a[href$='/account/my-account/']").click()
    assert page_in.locator("h1").inner_text() == text["my_account"]
    assert_accessible(page_in)

    page_in.locator(".user-menu summary").click()
    page_in.locator("#signout-button").click()
    assert text["signed_out"] in page_in.locator("h1").inner_text()
    assert_accessible(page_in)


def test_the_language_selector_switches_language(browser, live_server):
    from tests.e2e.conftest import new_page

    page = new_page(browser, "en")
    page.goto(f"{live_server.url}/account/login/")
    assert "Sign in to continue" in page.locator("h1").inner_text()
    with page.expect_navigation():
        page.locator("#language-select").select_option("fr")
    assert "Connectez-vous pour continuer" in page.locator("h1").inner_text()
    page.context.close()
