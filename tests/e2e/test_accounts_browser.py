"""One person's whole account life in a real browser, in French then in English:
register through the emailed link (read from the dev outbox), sign in, edit personal data,
switch language, end a second browser's session, change password, sign out, and come
back through "Mot de passe perdu?"."""

import pytest

from accounts.models import User, UserSession
from tests.e2e.conftest import assert_accessible, first_link, new_page, outbox_latest, sign_in_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "lanterns over the harbour 81"
NEW_PASSWORD = "quiet meadow under snow 64"
RESET_PASSWORD = "copper kettle by the window 17"

TEXT = {
    "fr": {"create": "Créer un compte", "check": "Consultez votre messagerie", "created": "Votre compte a été créé.",
           "success": "Authentification réussie", "personal": "Mes données personnelles",
           "saved": "Vos données personnelles ont été enregistrées.", "sessions": "Afficher mes sessions",
           "ended": "La session a été fermée.", "changed": "Votre mot de passe a été modifié.",
           "signed_out": "Vous êtes déconnecté", "lost": "Mot de passe perdu?",
           "link_dead": "Ce lien ne peut pas être utilisé"},
    "en": {"create": "Create an account", "check": "Check your email", "created": "Your account has been created.",
           "success": "Authentication succeeded", "personal": "My personal data",
           "saved": "Your personal data has been saved.", "sessions": "View my sessions",
           "ended": "The session has been ended.", "changed": "Your password has been changed.",
           "signed_out": "You have signed out", "lost": "Lost your password?",
           "link_dead": "This link cannot be used"},
}


def open_user_menu_link(page, href_end: str) -> None:
    page.locator(".user-menu summary").click()
    page.locator(f".user-menu-panel a[href$='{href_end}']").click()


def switch_language(page, code: str) -> None:
    # The selector submits itself from a deferred script: wait until it is attached.
    page.wait_for_load_state("load")
    with page.expect_navigation():
        page.locator("#language-select").select_option(code)


def test_a_person_registers_manages_the_account_and_signs_out(page_in, browser, live_server):
    page, locale, url = page_in, page_in.locale, live_server.url
    text, other = TEXT[page_in.locale], "en" if page_in.locale == "fr" else "fr"
    email = f"lea.martin.{locale}@example.org"

    # Register: names and email, then the link of the email in the dev outbox.
    page.goto(f"{url}/account/login/")
    page.get_by_role("link", name=text["create"]).click()
    page.locator("#id_first_name").fill("Léa")
    page.locator("#id_last_name").fill("Martin")
    page.locator("#id_email").fill(email)
    page.locator("#register-button").click()
    assert page.locator("h1").inner_text() == text["check"]
    assert_accessible(page)
    assert not User.objects.filter(email=email).exists()

    link = first_link(outbox_latest(page, url, to=email))
    assert "/account/register/confirm/" in link
    page.goto(link)
    assert page.locator("#register-email").inner_text() == email
    assert_accessible(page)
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    page.locator("#finish-button").click()
    assert text["created"] in page.locator(".messages").inner_text()
    assert page.locator("#id_email").input_value() == email  # filled in for the first sign-in
    assert_accessible(page)
    assert User.objects.get(email=email).preferred_language == locale

    # Sign in, then "Mes données personnelles".
    sign_in_in_browser(page, url, email, PASSWORD)
    assert page.locator("h1").inner_text() == text["success"]
    open_user_menu_link(page, "/account/my-account/")
    page.locator(".tile-personal-data a").click()
    assert page.locator("h1").inner_text() == text["personal"]
    page.locator("#id_first_name").fill("Léa-Rose")
    page.locator("#save-button").click()
    assert text["saved"] in page.locator(".messages").inner_text()
    assert_accessible(page)
    assert "Léa-Rose MARTIN" in page.locator(".user-name").inner_text()

    # Switch language with the selector: the page follows, in this browser only.
    switch_language(page, other)
    assert page.locator("h1").inner_text() == TEXT[other]["personal"]
    assert User.objects.get(email=email).preferred_language == locale
    switch_language(page, locale)
    assert page.locator("h1").inner_text() == text["personal"]

    # A second browser signs in; the first lists both sessions and ends the second.
    second = new_page(browser, locale)
    sign_in_in_browser(second, url, email, PASSWORD)
    assert second.locator("h1").inner_text() == text["success"]
    page.goto(f"{url}/account/my-account/")
    page.locator(".tile-sessions a").click()
    assert page.locator("h1").inner_text() == text["sessions"]
    assert_accessible(page)
    rows = page.locator("#sessions tbody tr")
    assert rows.count() == 2
    assert page.locator("#sessions tr.session-current").count() == 1
    assert "Chrom" in rows.first.inner_text()
    page.locator("#sessions tr.session:not(.session-current) .session-end-button").click()
    assert text["ended"] in page.locator(".messages").inner_text()
    assert page.locator("#sessions tbody tr").count() == 1
    second.goto(f"{url}/account/my-account/")
    assert "/account/login/" in second.url
    second.context.close()

    # "Modifier le mot de passe" from the user menu.
    open_user_menu_link(page, "/account/password/change/")
    page.locator("#id_old_password").fill(PASSWORD)
    assert_accessible(page)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.locator("#change-password-button").click()
    assert text["changed"] in page.locator(".messages").inner_text()
    assert UserSession.objects.filter(user__email=email).count() == 1

    # Sign out; the new password opens the account again.
    page.locator(".user-menu summary").click()
    page.locator("#signout-button").click()
    assert text["signed_out"] in page.locator("h1").inner_text()
    sign_in_in_browser(page, url, email, NEW_PASSWORD)
    assert page.locator("h1").inner_text() == text["success"]
    page.locator(".user-menu summary").click()
    page.locator("#signout-button").click()

    # "Mot de passe perdu?" from the password step, through the emailed link.
    page.goto(f"{url}/account/login/")
    page.locator("#id_email").fill(email)
    page.locator("#next-button").click()
    page.get_by_role("link", name=text["lost"]).click()
    assert page.locator("#id_email").input_value() == email
    assert_accessible(page)
    page.locator("#reset-button").click()
    assert page.locator("h1").inner_text() == text["check"]
    link = first_link(outbox_latest(page, url, to=email))
    assert "/account/password/reset/" in link
    page.goto(link)
    page.locator("#id_new_password1").fill(RESET_PASSWORD)
    page.locator("#id_new_password2").fill(RESET_PASSWORD)
    page.locator("#set-password-button").click()
    assert text["changed"] in page.locator(".messages").inner_text()
    page.goto(link)
    assert page.locator("h1").inner_text() == text["link_dead"]
    sign_in_in_browser(page, url, email, RESET_PASSWORD)
    assert page.locator("h1").inner_text() == text["success"]
