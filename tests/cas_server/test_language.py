"""The language a relying service receives (`locale`) is the account's preference, which
only "Configurer mon compte" changes; the header's selector changes this browser only."""

import re

import pytest
from django.urls import reverse

from .conftest import SERVICE_URL, cas_sign_in, sso_ticket

pytestmark = pytest.mark.django_db


def released_locale(client, ticket: str) -> str | None:
    response = client.get(reverse("cas:p3_service_validate"), {"service": SERVICE_URL, "ticket": ticket})
    found = re.search(r"<cas:locale>([^<]*)</cas:locale>", response.content.decode())
    return found.group(1) if found else None


def test_a_header_choice_is_not_sent_to_the_service(client, user, service):
    user.preferred_language = "fr"
    user.save()
    cas_sign_in(client, user.email)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})  # signed in, in this browser
    ticket = sso_ticket(client)
    user.refresh_from_db()
    assert user.preferred_language == "fr"
    assert released_locale(client, ticket) == "fr"


def test_a_service_locale_shows_the_login_pages_in_it_without_becoming_the_persons_choice(client, user, service,
                                                                                         settings):
    response = client.get(reverse("cas:login"), {"service": SERVICE_URL, "locale": "fr"})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert '<html lang="fr">' in response.content.decode()  # the sign-in form, served by /cas/login
