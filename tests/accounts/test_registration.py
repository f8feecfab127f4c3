import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, User
from tests.accounts.conftest import NEW_PASSWORD, csrf_free, later, link_path
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

NEW_EMAIL = "jeanne.dupont@example.org"


def register(client, on_commit, email=NEW_EMAIL, first_name="Jeanne", last_name="Dupont", **headers):
    with on_commit():
        return client.post(reverse("accounts:register"),
                           {"first_name": first_name, "last_name": last_name, "email": email}, **headers)


def choose_password(client, path, password=NEW_PASSWORD):
    return client.post(path, {"new_password1": password, "new_password2": password})


def test_the_sign_in_page_links_to_registration(client):
    assert reverse("accounts:register") in client.get(reverse("accounts:login")).content.decode()


def test_the_account_is_created_only_once_the_link_is_followed_and_a_password_chosen(client, on_commit, mailoutbox):
    response = register(client, on_commit)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:register_sent")
    assert not User.objects.filter(email__iexact=NEW_EMAIL).exists()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [NEW_EMAIL]
    path = link_path(mailoutbox[0].body)

    page = client.get(path)
    assert page.status_code == 200 and NEW_EMAIL in page.content.decode()
    assert not User.objects.exists()

    response = choose_password(client, path)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    # The sign-in page has the new address filled in.
    assert f'value="{NEW_EMAIL}"' in client.get(response["Location"]).content.decode()
    user = User.objects.get(email=NEW_EMAIL)
    assert (user.first_name, user.last_name) == ("Jeanne", "Dupont")
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCOUNT_CREATED, user=user).count() == 1
    assert sign_in(Client(), NEW_EMAIL, NEW_PASSWORD).status_code == 302


def test_a_registration_link_cannot_be_used_twice(client, on_commit, mailoutbox):
    register(client, on_commit)
    path = link_path(mailoutbox[0].body)
    assert choose_password(client, path).status_code == 302
    assert client.get(path).status_code == 400
    assert choose_password(client, path, "another fine passphrase 7").status_code == 400
    assert User.objects.get(email=NEW_EMAIL).check_password(NEW_PASSWORD)
    # Not even once the account it created is gone.
    User.objects.filter(email=NEW_EMAIL).delete()
    assert client.get(path).status_code == 400
    assert choose_password(client, path).status_code == 400
    assert not User.objects.exists()


def test_two_links_for_one_address_create_one_account(client, on_commit, mailoutbox):
    register(client, on_commit)
    register(client, on_commit)
    first, second = link_path(mailoutbox[0].body), link_path(mailoutbox[1].body)
    assert choose_password(client, first).status_code == 302
    assert choose_password(client, second).status_code == 400
    assert User.objects.filter(email__iexact=NEW_EMAIL).count() == 1


def test_a_registration_link_expires(client, on_commit, mailoutbox, settings):
    settings.ACCOUNTS_REGISTRATION_TIMEOUT_SECONDS = 3600
    register(client, on_commit)
    path = link_path(mailoutbox[0].body)
    with later(3600 - 30):
        assert client.get(path).status_code == 200
    with later(3600 + 30):
        assert client.get(path).status_code == 400
        assert choose_password(client, path).status_code == 400
    assert not User.objects.exists()


def test_a_tampered_or_garbage_link_is_refused_without_error(client, on_commit, mailoutbox):
    register(client, on_commit)
    path = link_path(mailoutbox[0].body)
    token = path.rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for bad in (tampered, "x", "é" * 20, "a" * 3000, token.replace(":", "")):
        url = reverse("accounts:register_confirm", args=[bad])
        assert client.get(url).status_code == 400
        assert choose_password(client, url).status_code == 400
    assert not User.objects.exists()


def test_an_existing_address_gets_the_same_answer_and_a_reminder_instead(user, on_commit, mailoutbox):
    known, unknown = Client(), Client()
    answers = []
    for c, email in ((known, user.email), (unknown, NEW_EMAIL)):
        response = register(c, on_commit, email=email)
        page = c.get(response["Location"])
        answers.append((response.status_code, response["Location"], page.status_code, csrf_free(page.content.decode())))
    assert answers[0] == answers[1]

    reminder, verification = mailoutbox
    assert reminder.to == [user.email]
    assert "already have an account" in reminder.body
    assert reverse("accounts:password_reset") in reminder.body
    assert "/register/confirm/" not in reminder.body
    assert "/register/confirm/" in verification.body
    assert User.objects.count() == 1


def test_the_address_is_matched_whatever_its_case(user, client, on_commit, mailoutbox):
    register(client, on_commit, email=user.email.upper())
    assert "already have an account" in mailoutbox[0].body


@pytest.mark.parametrize("password", ["short1", "password123", "1234567890", "jeanne.dupont@example.org"])
def test_weak_passwords_are_refused(client, on_commit, mailoutbox, password):
    register(client, on_commit)
    response = choose_password(client, link_path(mailoutbox[0].body), password)
    assert response.status_code == 400
    assert not User.objects.exists()


def test_mismatched_and_overlong_passwords_are_refused(client, on_commit, mailoutbox):
    register(client, on_commit)
    path = link_path(mailoutbox[0].body)
    assert client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}).status_code == 400
    assert choose_password(client, path, "long passphrase " * 200).status_code == 400
    assert not User.objects.exists()


def test_the_email_and_the_account_speak_the_language_of_the_request(client, on_commit, mailoutbox):
    register(client, on_commit, HTTP_ACCEPT_LANGUAGE="fr")
    assert "confirmez votre adresse" in mailoutbox[0].subject
    assert "Bonjour" in mailoutbox[0].body
    choose_password(client, link_path(mailoutbox[0].body))
    assert User.objects.get(email=NEW_EMAIL).preferred_language == "fr"


@pytest.mark.parametrize("data", [
    {},
    {"first_name": "", "last_name": "", "email": ""},
    {"first_name": "J" * 151, "last_name": "Dupont", "email": NEW_EMAIL},
    {"first_name": "Jeanne", "last_name": "Dupont", "email": "x" * 250 + "@example.org"},
    {"first_name": "Jeanne", "last_name": "Dupont", "email": "not an email"},
    {"first_name": "Jea\x00nne", "last_name": "Dupont", "email": NEW_EMAIL},
    {"first_name": "Jeanne\u202e", "last_name": "Dupont", "email": NEW_EMAIL},
    {"first_name": "Jeanne\nBcc: x@example.org", "last_name": "Dupont", "email": NEW_EMAIL},
    {"first_name": "Jeanne", "last_name": "Dupont", "email": "jeanne@exa\x00mple.org"},
])
def test_malformed_registrations_get_a_400_and_no_email(client, on_commit, mailoutbox, data):
    with on_commit():
        response = client.post(reverse("accounts:register"), data)
    assert response.status_code == 400
    assert mailoutbox == []


def test_unicode_names_are_welcome(client, on_commit, mailoutbox):
    register(client, on_commit, first_name="Zoë Łucja", last_name="Ñúñez 山田")
    choose_password(client, link_path(mailoutbox[0].body))
    assert User.objects.get(email=NEW_EMAIL).last_name == "Ñúñez 山田"


def test_requests_are_limited_per_address_silently_and_per_ip_openly(client, on_commit, mailoutbox, settings):
    settings.ACCOUNTS_EMAIL_REQUESTS_PER_ADDRESS = 2
    settings.ACCOUNTS_EMAIL_REQUESTS_PER_IP = 4
    for _ in range(3):
        assert register(client, on_commit).status_code == 302
    assert len(mailoutbox) == 2
    assert register(client, on_commit, email="someone.else@example.org").status_code == 302
    refused = register(client, on_commit, email="third.person@example.org")
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()
    assert len(mailoutbox) == 3
    cache.clear()
    assert register(client, on_commit, email="third.person@example.org").status_code == 302
