"""The language of the pages, in its documented order (accounts/language.py, README):
this browser's choice > the service's `locale` > the account's preference > Accept-Language."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.language import SERVICE_LANGUAGE_COOKIE_NAME
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

FRENCH, ENGLISH = "Mon compte", "My account"


def my_account(client, **headers) -> str:
    return client.get(reverse("accounts:my_account"), **headers).content.decode()


def speaks(html: str) -> str:
    return "fr" if '<html lang="fr">' in html else "en" if '<html lang="en">' in html else "?"


def test_accept_language_applies_when_nothing_else_does(client, user):
    sign_in(client, user.email)
    assert speaks(my_account(client, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")) == "fr"


def test_the_account_preference_beats_accept_language(client, make_user, password):
    make_user(email="lena@example.org", preferred_language="en")
    sign_in(client, "lena@example.org", password, HTTP_ACCEPT_LANGUAGE="fr")
    assert speaks(my_account(client, HTTP_ACCEPT_LANGUAGE="fr")) == "en"


def test_the_service_locale_beats_the_account_preference(client, make_user, password):
    make_user(email="lena@example.org", preferred_language="en")
    client.cookies[SERVICE_LANGUAGE_COOKIE_NAME] = "fr"
    sign_in(client, "lena@example.org", password)
    assert speaks(my_account(client)) == "fr"


def test_this_browsers_choice_beats_everything(client, make_user, password):
    make_user(email="lena@example.org", preferred_language="en")
    client.cookies[SERVICE_LANGUAGE_COOKIE_NAME] = "en"
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    sign_in(client, "lena@example.org", password)
    assert speaks(my_account(client, HTTP_ACCEPT_LANGUAGE="en")) == "fr"


def test_a_cas_locale_does_not_override_this_browsers_choice(client, db):
    from cas_server.models import Service

    Service.objects.create(name="App", pattern="https://app.example.org/")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("cas:login"), {"service": "https://app.example.org/", "locale": "fr"})
    assert response.cookies[SERVICE_LANGUAGE_COOKIE_NAME].value == "fr"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies  # the choice stays the person's
    assert speaks(response.content.decode()) == "en"  # the sign-in form, served by /cas/login


def test_the_header_selector_changes_this_browser_only(signed_in_client, user, password):
    signed_in_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert speaks(my_account(signed_in_client, HTTP_ACCEPT_LANGUAGE="fr")) == "en"
    user.refresh_from_db()
    assert user.preferred_language == ""
    # A later sign-in from a French browser stays in French after the password step.
    french = Client(HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    response = sign_in(french, user.email, password)
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert speaks(my_account(french)) == "fr"


def test_the_preference_is_set_on_configure_my_account_and_applies_here(signed_in_client, user):
    signed_in_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = signed_in_client.get(reverse("accounts:configure")).content.decode()
    assert 'name="preferred_language"' in page
    response = signed_in_client.post(reverse("accounts:configure"), {"preferred_language": "fr", "preferred_method": ""})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # the header's choice goes
    user.refresh_from_db()
    assert user.preferred_language == "fr"
    assert FRENCH in my_account(signed_in_client, HTTP_ACCEPT_LANGUAGE="en")


def test_emails_use_the_account_preference_not_this_browsers_choice(signed_in_client, user, password, mailoutbox,
                                                                    django_capture_on_commit_callbacks):
    user.preferred_language = "fr"
    user.save()
    signed_in_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "fr"
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("accounts:password_reset"), {"email": user.email}, HTTP_ACCEPT_LANGUAGE="en")
    assert "réinitialisez votre mot de passe" in mailoutbox[-1].subject
