"""An account that had a second factor and has none left (PANIC, or the last removed) adds a
number only after a link sent to its email (accounts.rebind): the password alone binds no phone then."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from mfa_sms.models import PhoneDevice, PhoneHistory
from tests.cas_server.conftest import cas_login, query_value, signin_next
from tests.conftest import sign_in
from traces_gateway.seed import traces_service_seed

from .conftest import NUMBER, last_code

pytestmark = pytest.mark.django_db(transaction=True)
ATTACKER = "+32470000002"


def _link(to: str) -> str:
    message = [m for m in mail.outbox if to in m.to][-1]
    return re.search(r"https?://\S+", message.body).group(0)


def test_panic_then_adding_a_phone_needs_the_email_link(client, user, password, phone):
    PhoneHistory.objects.create(user=user)
    sign_in(client, user.email, password)
    assert client.post(reverse("accounts:panic"), {"password": password}).status_code == 200
    assert not PhoneDevice.objects.filter(user=user).exists()

    sign_in(client, user.email, password)
    response = client.get(reverse("mfa_sms:phone_add"))
    assert response["Location"].startswith(reverse("accounts:rebind_email"))
    # Posting the number directly is refused the same way: nothing is sent.
    client.post(reverse("mfa_sms:phone_add"), {"phone": "+32 470 00 00 02"})
    assert not PhoneDevice.objects.filter(user=user).exists()

    client.post(reverse("accounts:rebind_email"), {"next": reverse("mfa_sms:phone_add")})
    other = Client()  # the link is for this person only: another account's session gets nothing
    sign_in(other, "someone.else@example.org", password)
    link = _link(user.email)
    assert client.get(link)["Location"] == reverse("mfa_sms:phone_add")
    assert client.get(reverse("mfa_sms:phone_add")).status_code == 200


def test_the_email_link_asked_for_with_no_page_named_leads_to_my_account(client, user, password, phone):
    """The proof guards every kind of method: with no page to go back to, the link leads to
    "Mon compte", where the person picks the kind, not to the phone form."""
    PhoneHistory.objects.create(user=user)
    sign_in(client, user.email, password)
    client.post(reverse("accounts:panic"), {"password": password})
    sign_in(client, user.email, password)
    client.post(reverse("accounts:rebind_email"))
    assert client.get(_link(user.email))["Location"] == reverse("accounts:my_account")


def test_the_password_alone_cannot_reach_two_factor_strength_after_panic(client, user, password, phone, settings):
    """The reviewer's sequence: PANIC with the password, then enrol the attacker's phone."""
    PhoneHistory.objects.create(user=user)
    settings.TRACES_SERVICE_URL = "https://traces.example.org/"
    traces_service_seed()
    service = "https://traces.example.org/app"
    next_url = signin_next(cas_login(client, service))
    sign_in(client, user.email, password, next_url=next_url)
    client.post(reverse("accounts:panic"), {"password": password})
    next_url = signin_next(cas_login(client, service))
    sign_in(client, user.email, password, next_url=next_url)
    step_up = client.get(client.get(next_url)["Location"])
    add_url = re.search(r'href="([^"]+)" id="add-phone"', step_up.content.decode()).group(1).replace("&amp;", "&")
    response = client.post(add_url, {"phone": "+32 470 00 00 02", "next": query_value(add_url, "next")})
    assert response["Location"].startswith(reverse("accounts:rebind_email"))
    assert not PhoneDevice.objects.filter(number=ATTACKER).exists()
    assert "ticket=" not in client.get(next_url).get("Location", "")


def test_a_first_phone_needs_no_email(signed_in_client):
    assert signed_in_client.get(reverse("mfa_sms:phone_add")).status_code == 200


def test_confirming_a_number_records_the_history(signed_in_client, user):
    signed_in_client.post(reverse("mfa_sms:phone_add"), {"phone": "+33 6 12 34 56 78"})
    signed_in_client.post(reverse("mfa_sms:phone_confirm"), {"action": "verify", "code": last_code(NUMBER)})
    assert PhoneHistory.objects.filter(user=user).exists()


def test_an_altered_or_foreign_link_is_refused(client, user, password, make_user):
    PhoneHistory.objects.create(user=user)
    sign_in(client, user.email, password)
    client.post(reverse("accounts:rebind_email"), {})
    link = _link(user.email)
    assert client.get(link.rstrip("/")[:-3] + "xyz/").status_code == 400
    intruder = make_user(email="intruder@example.org")
    other = Client()
    sign_in(other, intruder.email, password)
    assert other.get(link).status_code == 400
    assert other.get(reverse("mfa_sms:phone_add")).status_code == 200  # the intruder's own, phone-less account


def test_emails_are_limited_per_account(client, user, password, settings):
    settings.ACCOUNTS_REBIND_EMAILS_PER_HOUR = 2
    PhoneHistory.objects.create(user=user)
    sign_in(client, user.email, password)
    assert [client.post(reverse("accounts:rebind_email"), {}).status_code for _ in range(3)] == [200, 200, 429]


def test_panic_passwords_count_against_the_sign_in_limits(client, user, password, phone, settings):
    settings.ACCOUNTS_LOCKOUT_ACCOUNT_FREE_FAILURES = 3
    sign_in(client, user.email, password)
    statuses = [client.post(reverse("accounts:panic"), {"password": f"guess {i}"}).status_code for i in range(5)]
    assert statuses[:3] == [400, 400, 400] and statuses[-1] == 429
    assert client.post(reverse("accounts:panic"), {"password": password}).status_code == 429
    assert PhoneDevice.objects.filter(user=user).exists()
