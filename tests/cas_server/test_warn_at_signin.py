"""`warn` chosen at sign-in (CAS 3 specification 2.2.1, the credential acceptor): the
person ticks "Warn me before logging me into other sites" on the password step; for the
rest of that SSO session no service gets a ticket transparently: each later
/cas/login?service=… shows the warn page first."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.flows import WARN_SESSION_KEY
from cas_server.models import ServiceTicket, SsoSession
from tests.conftest import PASSWORD

from .conftest import OTHER_SERVICE_URL, SERVICE_URL, cas_login, query_value, signin_next

pytestmark = pytest.mark.django_db


def sign_in_through_cas(client, email, service_url=SERVICE_URL, **form):
    """/cas/login → the two sign-in steps (with `form` on the password step) → back."""
    next_url = signin_next(cas_login(client, service_url))
    client.post(reverse("accounts:login"), {"email": email, "next": next_url})
    client.post(reverse("accounts:login_password"), {"password": PASSWORD, "method": "PASSWORD", **form})
    return client.get(next_url)


def resume_of(response) -> str:
    return re.search(rb'name="resume" value="([^"]+)"', response.content).group(1).decode()


def is_warn_page(response) -> bool:
    return response.status_code == 200 and b'id="cas-continue"' in response.content


def test_the_password_step_offers_the_checkbox_in_french_and_english(client, user):
    client.post(reverse("accounts:login"), {"email": user.email})
    page = client.get(reverse("accounts:login_password"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="warn"' in page and "Warn me before logging me into other sites" in page
    page = client.get(reverse("accounts:login_password"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'name="warn"' in page and "Me prévenir avant de me connecter à d&#x27;autres sites" in page


def test_warn_ticked_warns_before_every_later_service(client, user, service, other_service):
    # The service the person signed in for gets its ticket: they just chose to go there.
    response = sign_in_through_cas(client, user.email, warn="on")
    assert query_value(response["Location"], "ticket").startswith("ST-")
    assert SsoSession.objects.get(user=user).warn

    # The second service does not get a ticket transparently: the warn page comes first.
    issued = ServiceTicket.objects.count()
    response = cas_login(client, OTHER_SERVICE_URL)
    assert is_warn_page(response), response.status_code
    assert "Location" not in response and ServiceTicket.objects.count() == issued
    response = client.post(reverse("cas:login"), {"resume": resume_of(response)})
    assert response.status_code == 303 and query_value(response["Location"], "ticket").startswith("ST-")
    assert response["Location"].startswith(OTHER_SERVICE_URL)

    # And every later login too, the first service's included, until the SSO session ends.
    assert is_warn_page(cas_login(client, SERVICE_URL))
    assert is_warn_page(cas_login(client, OTHER_SERVICE_URL))


def test_without_the_checkbox_single_sign_on_stays_transparent(client, user, service, other_service):
    sign_in_through_cas(client, user.email)
    assert not SsoSession.objects.get(user=user).warn
    response = cas_login(client, OTHER_SERVICE_URL)
    assert response.status_code == 302 and query_value(response["Location"], "ticket").startswith("ST-")


def test_the_warn_page_is_confirmed_only_by_its_post_never_by_a_link(client, user, service, other_service):
    sign_in_through_cas(client, user.email, warn="on")
    resume = resume_of(cas_login(client, OTHER_SERVICE_URL))
    issued = ServiceTicket.objects.count()
    response = client.get(reverse("cas:login"), {"resume": resume})
    assert is_warn_page(response) and ServiceTicket.objects.count() == issued


def test_the_confirmation_needs_its_csrf_token(user, service, other_service):
    browser = Client(enforce_csrf_checks=True)
    next_url = signin_next(cas_login(browser))
    page = browser.get(reverse("accounts:login"), {"next": next_url})
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1).decode()
    browser.post(reverse("accounts:login"), {"email": user.email, "next": next_url, "csrfmiddlewaretoken": token})
    browser.post(reverse("accounts:login_password"), {"password": PASSWORD, "method": "PASSWORD", "warn": "on",
                                                      "csrfmiddlewaretoken": browser.cookies["csrftoken"].value})
    browser.get(next_url)
    response = cas_login(browser, OTHER_SERVICE_URL)
    assert is_warn_page(response)
    assert browser.post(reverse("cas:login"), {"resume": resume_of(response)}).status_code == 403


def test_the_choice_ends_with_the_sso_session(client, user, service, other_service):
    sign_in_through_cas(client, user.email, warn="on")
    client.get(reverse("cas:logout"))
    response = sign_in_through_cas(client, user.email)  # this time without the checkbox
    assert query_value(response["Location"], "ticket")
    response = cas_login(client, OTHER_SERVICE_URL)
    assert response.status_code == 302 and query_value(response["Location"], "ticket").startswith("ST-")


def test_a_later_sign_in_with_the_checkbox_turns_it_on(client, user, service, other_service):
    """Signing in again (here on the accounts pages, outside any CAS login) with the
    checkbox applies it to the live SSO session."""
    sign_in_through_cas(client, user.email)
    client.post(reverse("accounts:login"), {"email": user.email})
    client.post(reverse("accounts:login_password"), {"password": PASSWORD, "method": "PASSWORD", "warn": "on"})
    assert client.session[WARN_SESSION_KEY] is True
    assert is_warn_page(cas_login(client, OTHER_SERVICE_URL))
    assert SsoSession.objects.get(user=user, ended_at__isnull=True).warn
