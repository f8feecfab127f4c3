"""Long-term SSO ("remember me") is ticked by the person on the sign-in form, never by a service."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from cas_server.models import SsoSession
from tests.conftest import PASSWORD

from .conftest import SERVICE_URL, cas_login, query_value, signin_next

pytestmark = pytest.mark.django_db
NS = {"cas": "http://www.yale.edu/tp/cas"}


def _sign_in_through_cas(client, email, **form):
    next_url = signin_next(cas_login(client))
    client.post(reverse("accounts:login"), {"email": email, "next": next_url})
    client.post(reverse("accounts:login_password"), {"password": PASSWORD, "method": "PASSWORD", **form})
    return query_value(client.get(next_url)["Location"], "ticket")


def _long_term_flag(client, ticket) -> str:
    response = client.get(reverse("cas:p3_service_validate"), {"service": SERVICE_URL, "ticket": ticket})
    root = ET.fromstring(response.content)
    return root.find(".//cas:attributes/cas:longTermAuthenticationRequestTokenUsed", NS).text


def test_ticking_remember_me_gives_a_long_term_sso_session(client, user, service):
    ticket = _sign_in_through_cas(client, user.email, remember_me="on")
    assert SsoSession.objects.get(user=user).remember_me
    assert _long_term_flag(client, ticket) == "true"


def test_remember_me_is_off_unless_ticked(client, user, service):
    ticket = _sign_in_through_cas(client, user.email)
    assert not SsoSession.objects.get(user=user).remember_me
    assert _long_term_flag(client, ticket) == "false"


def test_a_service_cannot_ask_for_remember_me(client, user, service):
    next_url = signin_next(cas_login(client, rememberMe="true"))
    client.post(reverse("accounts:login"), {"email": user.email, "next": next_url})
    client.post(reverse("accounts:login_password"), {"password": PASSWORD, "method": "PASSWORD"})
    client.get(next_url)
    assert not SsoSession.objects.get(user=user).remember_me
