"""Keys in the core's registry: step-up and guided enrolment at a MEDIUM service, the
validation responses, PANIC, the fresh proof, the tile and Django admin."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent
from mfa_sms.models import PhoneDevice
from mfa_webauthn.models import WebAuthnDevice
from tests.cas_server.conftest import cas_login, query_value, signin_next
from tests.conftest import sign_in
from tests.mfa_sms.conftest import last_code
from tests.traces_gateway.conftest import TRACES_SERVICE

from .conftest import register

pytestmark = pytest.mark.django_db


def _validate(client, ticket) -> dict:
    response = client.get(reverse("cas:p3_service_validate"), {"service": TRACES_SERVICE, "ticket": ticket,
                                                               "format": "JSON"})
    return json.loads(response.content)["serviceResponse"]["authenticationSuccess"]["attributes"]


def _eulogin(client, ticket) -> dict:
    response = client.get(reverse("cas:ticket_validation_service"), {"service": TRACES_SERVICE, "ticket": ticket,
                                                                     "format": "JSON"})
    return json.loads(response.content)["serviceResponse"]["authenticationSuccess"]


def test_a_medium_service_steps_a_password_session_up_to_the_key(client, key_user, key, traces):
    next_url = signin_next(cas_login(client, TRACES_SERVICE))
    sign_in(client, key_user.email, next_url=next_url)
    step_up = client.get(client.get(next_url)["Location"])
    assert step_up["Location"].startswith(reverse("mfa_webauthn:verify"))  # the only factor held
    page = client.get(step_up["Location"])
    done = client.post(step_up["Location"], {"credential": key.get(page.context["options"]),
                                             "next": query_value(step_up["Location"], "next")})
    ticket = query_value(client.get(done["Location"])["Location"], "ticket")
    attributes = _validate(client, ticket)
    assert attributes["strength"] in ("PASSWORD_WEBAUTHN", ["PASSWORD_WEBAUTHN"])
    assert attributes["authenticationLevel"] in ("MEDIUM", ["MEDIUM"])
    assert "WEBAUTHN" in attributes["authenticationFactors"]


def test_guided_enrolment_offers_a_key_and_goes_on_to_the_service(client, user, key, traces):
    next_url = signin_next(cas_login(client, TRACES_SERVICE))
    sign_in(client, user.email, next_url=next_url)
    guided = client.get(client.get(next_url)["Location"])
    html = guided.content.decode()
    assert 'id="add-key"' in html and 'id="add-phone"' in html
    assert html.index('id="add-key"') < html.index('id="add-phone"')  # strongest first
    add = html.split('id="add-key"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    enrol = client.get(add)
    assert enrol.status_code == 200
    hidden = {name: query_value(add, name) for name in ("type", "next", "cancel")}
    done = client.post(reverse("mfa_webauthn:key_add"), {**hidden, "credential": key.create(enrol.context["options"])})
    # A first second factor: recovery codes are offered, "Not now" goes on to the service.
    assert done["Location"].startswith(reverse("mfa_recovery:offer") + "?")
    assert query_value(done["Location"], "next") == hidden["next"] and hidden["next"].startswith("/cas/login?")
    ticket = query_value(client.get(hidden["next"])["Location"], "ticket")
    data = _eulogin(client, ticket)
    assert data["strengths"][0] == "PASSWORD_WEBAUTHN" and data["authenticationLevel"] == "MEDIUM"
    assert data["authenticationFactors"]["securityKeyName"] == "Security key"


def test_a_passkey_sign_in_names_the_account_to_the_service(client, user, passkey, traces):
    sign_in(client, user.email)
    register(client, passkey, kind="passkey", name="Phone")
    client.logout()
    next_url = signin_next(cas_login(client, TRACES_SERVICE))
    page = client.get(reverse("mfa_webauthn:passkey"), {"next": next_url})
    done = client.post(reverse("mfa_webauthn:passkey"), {"credential": passkey.get(page.context["options"])})
    assert done["Location"] == next_url
    data = _eulogin(client, query_value(client.get(next_url)["Location"], "ticket"))
    assert data["strengths"] == ["PASSWORD_WEBAUTHN"] and data["authenticationLevel"] == "MEDIUM"
    assert data["authenticationFactors"]["moniker"] == user.email


def test_a_webauthn_requirement_is_achievable_here():
    from accounts.strengths import Requirement

    assert Requirement.parse("PASSWORD_WEBAUTHN").is_achievable


def test_the_email_step_offers_the_passkey_sign_in(client, db):
    html = client.get(reverse("accounts:login"), {"next": "/cas/login?service=x"}).content.decode()
    assert 'id="passwordless-passkey"' in html and "Sign in with a passkey" in html
    assert reverse("mfa_webauthn:passkey") + "?next=%2Fcas%2Flogin%3Fservice%3Dx" in html


def test_binding_a_phone_needs_a_fresh_proof_of_the_key(client, key_user, key):
    sign_in(client, key_user.email)
    response = client.get(reverse("mfa_sms:phone_add"))
    assert response["Location"].startswith(reverse("mfa_webauthn:verify"))
    page = client.get(response["Location"])
    client.post(response["Location"], {"credential": key.get(page.context["options"]),
                                       "next": query_value(response["Location"], "next")})
    assert client.get(reverse("mfa_sms:phone_add")).status_code == 200


@pytest.mark.django_db(transaction=True)  # the SMS leaves on commit
def test_binding_a_key_needs_a_fresh_sms_when_a_phone_is_held(client, user):
    phone = PhoneDevice.objects.create(user=user, number="+32470000001", confirmed=True)
    sign_in(client, user.email)
    response = client.get(reverse("mfa_webauthn:key_add"))
    assert response["Location"].startswith(reverse("mfa_sms:verify"))
    client.post(response["Location"], {"device": phone.pk, "next": query_value(response["Location"], "next")})
    client.post(reverse("mfa_sms:verify_challenge"), {"action": "verify", "code": last_code("+32470000001")})
    assert client.get(reverse("mfa_webauthn:key_add")).status_code == 200


def test_panic_removes_every_key(client, key_user, password):
    sign_in(client, key_user.email)
    assert client.post(reverse("accounts:panic"), {"password": password}).status_code == 200
    assert not WebAuthnDevice.objects.filter(user=key_user).exists()


def test_mon_compte_shows_the_tile(signed_in_client):
    html = signed_in_client.get(reverse("accounts:my_account")).content.decode()
    assert "tile-security-keys" in html and reverse("mfa_webauthn:keys") in html


def test_admin_lists_and_removes_a_key_audited_and_emailed(admin_client, key_user):
    device = WebAuthnDevice.objects.get(user=key_user)
    page = admin_client.get(reverse("admin:mfa_webauthn_webauthndevice_changelist"))
    assert "Blue key" in page.content.decode()
    mail.outbox.clear()
    response = admin_client.post(reverse("admin:mfa_webauthn_webauthndevice_delete", args=[device.pk]),
                                 {"post": "yes"})
    assert response.status_code == 302 and not WebAuthnDevice.objects.exists()
    assert [m.to for m in mail.outbox] == [[key_user.email]]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MFA_DEVICE_REMOVED, user=key_user).exists()
