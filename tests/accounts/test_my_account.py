import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, SignInThrottle, User, UserSession
from accounts.views import METHOD_COOKIE
from tests.accounts.conftest import is_signed_in
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_the_tiles_of_this_release_lead_somewhere(signed_in_client):
    html = signed_in_client.get(reverse("accounts:my_account")).content.decode()
    for name in ("personal_data", "configure", "delete", "sessions"):
        assert f'href="{reverse("accounts:" + name)}"' in html
        assert signed_in_client.get(reverse("accounts:" + name)).status_code == 200


@pytest.mark.parametrize("name", ["personal_data", "configure", "delete", "sessions"])
def test_the_pages_need_a_signed_in_person(client, name):
    response = client.get(reverse("accounts:" + name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_personal_data_shows_and_saves_names_and_language(user, signed_in_client):
    page = signed_in_client.get(reverse("accounts:personal_data")).content.decode()
    assert user.email in page and 'value="Anna"' in page and 'value="Schmidt"' in page

    response = signed_in_client.post(reverse("accounts:personal_data"),
                                     {"first_name": "Anne-Marie", "last_name": "Schmidt-Łęcka", "preferred_language": "fr"})
    assert response.status_code == 302
    # The preference applies here too: this browser's header choice, if any, goes.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.preferred_language) == ("Anne-Marie", "Schmidt-Łęcka", "fr")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ACCOUNT_UPDATED, user=user)
    assert sorted(event.detail["fields"]) == ["first_name", "last_name", "preferred_language"]
    assert "Vos données personnelles ont été enregistrées." in signed_in_client.get(response["Location"]).content.decode()


def test_choosing_the_browser_language_forgets_the_language_cookie(user, signed_in_client):
    user.preferred_language = "fr"
    user.save()
    response = signed_in_client.post(reverse("accounts:personal_data"),
                                     {"first_name": "Anna", "last_name": "Schmidt", "preferred_language": ""})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""
    user.refresh_from_db()
    assert user.preferred_language == ""


@pytest.mark.parametrize("data", [
    {},
    {"first_name": "", "last_name": "", "preferred_language": ""},
    {"first_name": "A" * 151, "last_name": "Schmidt", "preferred_language": ""},
    {"first_name": "Anna\x00", "last_name": "Schmidt", "preferred_language": ""},
    {"first_name": "Anna\u200b", "last_name": "Schmidt", "preferred_language": ""},
    {"first_name": "Anna", "last_name": "Schmidt", "preferred_language": "xx"},
])
def test_bad_personal_data_is_a_400_and_changes_nothing(user, signed_in_client, data):
    response = signed_in_client.post(reverse("accounts:personal_data"), data)
    assert response.status_code == 400
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Anna", "Schmidt")
    # The header still shows the stored name, not the refused one.
    assert "Anna SCHMIDT" in response.content.decode()


def test_configure_saves_language_and_method_and_remembers_the_method_in_this_browser(user, signed_in_client):
    response = signed_in_client.post(reverse("accounts:configure"),
                                     {"preferred_language": "en", "preferred_method": "PASSWORD"})
    assert response.status_code == 302
    assert response.cookies[METHOD_COOKIE].value == "PASSWORD"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # the preference applies here too
    user.refresh_from_db()
    assert (user.preferred_language, user.preferred_method) == ("en", "PASSWORD")


@pytest.mark.parametrize("data", [
    {"preferred_language": "en", "preferred_method": "TELEPATHY"},
    {"preferred_language": "klingon", "preferred_method": ""},
    {"preferred_language": "é" * 5000, "preferred_method": "x" * 5000},
])
def test_configure_refuses_unknown_choices(user, signed_in_client, data):
    assert signed_in_client.post(reverse("accounts:configure"), data).status_code == 400
    user.refresh_from_db()
    assert user.preferred_method == ""


def test_deleting_needs_the_password(user, signed_in_client):
    response = signed_in_client.post(reverse("accounts:delete"), {"password": "not my password"})
    assert response.status_code == 400
    assert User.objects.filter(pk=user.pk).exists()
    assert SignInThrottle.objects.get(scope="account", key=f"user:{user.pk}").failures == 1
    assert signed_in_client.post(reverse("accounts:delete"), {"password": ""}).status_code == 400
    assert User.objects.filter(pk=user.pk).exists()


def test_deleting_erases_the_person_ends_every_session_and_sends_a_confirmation(
    user, signed_in_client, second_client, password, on_commit, mailoutbox, ended_sessions
):
    email, pk = user.email, user.pk
    sign_in(Client(), email, "a wrong password")  # a failed sign-in: the typed email is in the log
    keys = set(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    assert len(keys) == 2

    with on_commit():
        response = signed_in_client.post(reverse("accounts:delete"), {"password": password}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Your account has been deleted" in response.content.decode()

    assert not User.objects.filter(pk=pk).exists()
    assert not UserSession.objects.filter(session_key__in=keys).exists()
    assert {key for _pk, key in ended_sessions} == keys
    assert not is_signed_in(signed_in_client) and not is_signed_in(second_client)
    assert not AuditEvent.objects.filter(email__iexact=email).exists()
    assert not SignInThrottle.objects.filter(key__in=[f"user:{pk}", f"email:{email}"]).exists()
    deleted = AuditEvent.objects.get(kind=AuditEvent.Kind.ACCOUNT_DELETED)
    assert (deleted.user, deleted.email, deleted.ip_address, deleted.user_agent, deleted.detail) == (None, "", None, "", {})
    assert mailoutbox[-1].to == [email] and "has been deleted" in mailoutbox[-1].subject
    assert sign_in(Client(), email, password).status_code == 400


def test_the_preferred_method_is_chosen_first_on_the_next_sign_in(user, signed_in_client, password, monkeypatch):
    from accounts import factors

    # A second method that the password alone completes, so the choice is visible.
    code = "ZZTEST"
    monkeypatch.setitem(factors._registry, code,
                        factors.Factor(kind=code, label="Test", description="", order=999,
                                       start=lambda request, user, extra: None))
    signed_in_client.post(reverse("accounts:configure"), {"preferred_language": "", "preferred_method": code})
    signed_in_client.post(reverse("accounts:logout"))
    signed_in_client.post(reverse("accounts:login"), {"email": user.email})
    html = signed_in_client.get(reverse("accounts:login_password")).content.decode()
    assert re.search(rf'<input type="radio" name="method" value="{code}"[^>]*checked', html), html
