"""The provisioning journey: an account made through the API, the invitation in the
outbox, the person chooses a password and signs in to a service over CAS, an
administrator locks the account through the API, and the SSO session ends."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from cas_server.models import Service, SsoSession
from tests.cas_server.conftest import SERVICE_URL, asks_for_credentials, cas_login, query_value, signin_next

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and new passphrase"


def test_create_invite_sign_in_over_cas_then_lock(key_client, django_capture_on_commit_callbacks):
    Service.objects.create(name="App", pattern="https://app.example.org/")
    with django_capture_on_commit_callbacks(execute=True):
        created = key_client.post("/api/v1/users/", {"email": "jonas.berg@example.org", "first_name": "Jonas",
                                                     "last_name": "Berg"}, format="json")
    assert created.status_code == 201
    user_id = created.json()["id"]

    (invitation,) = mail.outbox
    assert invitation.to == ["jonas.berg@example.org"]
    link = re.search(r"http://testserver(/account/invitation/\S+/)", invitation.body).group(1)

    browser = Client()
    assert browser.get(link).status_code == 200
    chosen = browser.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert chosen.status_code == 302 and chosen["Location"] == reverse("accounts:login")
    assert browser.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code == 400

    # Signing in to the service through CAS, with the password just chosen.
    response = cas_login(browser)
    next_url = signin_next(response)
    browser.post(reverse("accounts:login"), {"email": "jonas.berg@example.org", "next": next_url})
    signed_in = browser.post(reverse("accounts:login_password"), {"password": NEW_PASSWORD, "method": "PASSWORD"})
    assert signed_in.status_code == 302 and signed_in["Location"] == next_url
    ticket = query_value(browser.get(next_url)["Location"], "ticket")
    assert ticket.startswith("ST-")
    validated = browser.get(reverse("cas:p3_service_validate"), {"ticket": ticket, "service": SERVICE_URL})
    assert b"<cas:user>jonas.berg@example.org</cas:user>" in validated.content
    sso = SsoSession.objects.get(user_id=user_id)
    assert sso.ended_at is None

    # The administrator's script locks the account.
    locked = key_client.post(f"/api/v1/users/{user_id}/lock/")
    assert locked.status_code == 200 and locked.json()["locked"] is True
    sso.refresh_from_db()
    assert sso.ended_at is not None
    # No ticket from the old SSO session: the service sends the browser to sign in; the
    # eulogin session of that browser is over too, and the password no longer signs in.
    assert asks_for_credentials(cas_login(browser))
    assert browser.get(reverse("accounts:my_account")).status_code == 302
    browser.post(reverse("accounts:login"), {"email": "jonas.berg@example.org", "next": next_url})
    refused = browser.post(reverse("accounts:login_password"), {"password": NEW_PASSWORD, "method": "PASSWORD"})
    assert refused.status_code != 302 or refused["Location"] != next_url
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.ACCOUNT_LOCKED).detail["api_key"] == "HR provisioning"
