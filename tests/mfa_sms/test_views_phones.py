import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, UserSession
from mfa_sms.backends import locmem
from mfa_sms.models import PhoneDevice

from .conftest import NUMBER, OTHER_NUMBER, last_code, post_code

pytestmark = pytest.mark.django_db(transaction=True)


def add_number(client, number="+33 6 12 34 56 78", label="Work"):
    return client.post(reverse("mfa_sms:phone_add"), {"phone": number, "label": label})


def test_the_my_account_tiles_lead_to_phones_and_panic(signed_in_client):
    page = signed_in_client.get(reverse("accounts:my_account")).content.decode()
    assert reverse("mfa_sms:phones") in page
    assert reverse("accounts:panic") in page


def test_adding_a_first_number_sends_a_code_and_finalise_confirms_it(signed_in_client, user):
    response = add_number(signed_in_client)
    assert response.status_code == 302 and response.url == reverse("mfa_sms:phone_confirm")
    page = signed_in_client.get(reverse("mfa_sms:phone_confirm")).content.decode()
    assert "+33 6 12 34 56 78" in page  # the owner's own page shows the number in full
    assert "Finalise" in page and "Cancel" in page
    mail.outbox.clear()
    response = post_code(signed_in_client, "mfa_sms:phone_confirm", last_code(NUMBER))
    assert response.url == reverse("mfa_sms:phones")
    device = PhoneDevice.objects.get(user=user)
    assert device.confirmed and device.number == NUMBER and device.name == "Work"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    assert "+33 6•• •• •• 78" in mail.outbox[0].body
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MFA_DEVICE_ADDED, user=user).exists()
    page = signed_in_client.get(reverse("mfa_sms:phones")).content.decode()
    assert "+33 6 12 34 56 78" in page


def test_cancel_drops_the_unconfirmed_number(signed_in_client, user):
    add_number(signed_in_client)
    signed_in_client.post(reverse("mfa_sms:phone_confirm"), {"action": "cancel"})
    assert not PhoneDevice.objects.filter(user=user).exists()


@pytest.mark.parametrize("typed, reason", [
    ("06 12 34 56 78", "country code"),
    ("+33 1 23 45 67 89", "cannot receive SMS"),
    ("+33 8 00 12 34 56", "cannot receive SMS"),
    ("+1 202 555 0123", "this country"),
    ("+33 6 12", "not a valid phone number"),
    ("call me maybe", "international format"),
    ("+33 6 12 34 56 78 99 99 99 99 99 99 99 99", "at most 32 characters"),
])
def test_unusable_numbers_are_refused_with_a_reason(signed_in_client, typed, reason):
    response = add_number(signed_in_client, typed)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert locmem.outbox == []


def test_a_number_already_confirmed_is_refused(signed_in_client, user, phone, settings):
    # The session proved SMS a moment ago (so the fresh-verification gate is open).
    from mfa_sms.factor import SMS

    session = signed_in_client.session
    session["eulogin_factors"] = session["eulogin_factors"] + [{"kind": SMS, "at": timezone.now().isoformat()}]
    session.save()
    response = add_number(signed_in_client, "0033 6.12.34.56.78")
    assert response.status_code == 400
    assert "already registered" in response.content.decode()


def test_adding_needs_a_recent_password(signed_in_client):
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=11)):
        response = signed_in_client.get(reverse("mfa_sms:phone_add"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:reauthenticate"))


def test_adding_a_second_number_needs_a_fresh_sms_on_an_existing_one(signed_in_client, user, phone):
    response = signed_in_client.get(reverse("mfa_sms:phone_add"))
    assert response.status_code == 302 and response.url.startswith(reverse("mfa_sms:verify"))
    response = signed_in_client.post(response.url, {"device": phone.pk, "next": reverse("mfa_sms:phone_add")})
    assert response.url == reverse("mfa_sms:verify_challenge")
    assert locmem.outbox[-1].to == NUMBER
    response = post_code(signed_in_client, "mfa_sms:verify_challenge", last_code(NUMBER))
    assert response.url == reverse("mfa_sms:phone_add")
    response = add_number(signed_in_client, "+32 470 00 00 01", label="Private")
    assert response.url == reverse("mfa_sms:phone_confirm")
    post_code(signed_in_client, "mfa_sms:phone_confirm", last_code(OTHER_NUMBER))
    assert PhoneDevice.objects.filter(user=user, confirmed=True).count() == 2


def test_the_verify_page_masks_the_numbers(signed_in_client, phone):
    page = signed_in_client.get(reverse("mfa_sms:verify")).content.decode()
    assert "+33 6•• •• •• 78" in page and "+33 6 12 34 56 78" not in page


def test_the_verify_page_never_redirects_off_site(signed_in_client, phone):
    signed_in_client.post(reverse("mfa_sms:verify"), {"device": phone.pk, "next": "https://evil.example.net/"})
    response = post_code(signed_in_client, "mfa_sms:verify_challenge", last_code(NUMBER))
    assert response.url == reverse("accounts:my_account")


def test_removing_a_number_needs_a_fresh_sms_then_removes_it_and_emails(signed_in_client, user, phone):
    url = reverse("mfa_sms:phone_remove", args=[phone.pk])
    assert signed_in_client.post(url).url.startswith(reverse("mfa_sms:verify"))
    assert PhoneDevice.objects.filter(pk=phone.pk).exists()
    signed_in_client.post(reverse("mfa_sms:verify"), {"device": phone.pk, "next": url})
    post_code(signed_in_client, "mfa_sms:verify_challenge", last_code(NUMBER))
    mail.outbox.clear()
    assert signed_in_client.post(url).url == reverse("mfa_sms:phones")
    assert not PhoneDevice.objects.filter(pk=phone.pk).exists()
    assert len(mail.outbox) == 1 and "removed" in mail.outbox[0].subject


def test_nobody_removes_someone_elses_number(signed_in_client, make_user):
    other = make_user(email="bob@example.org")
    theirs = PhoneDevice.objects.create(user=other, number=OTHER_NUMBER, confirmed=True)
    response = signed_in_client.post(reverse("mfa_sms:phone_remove", args=[theirs.pk]))
    assert response.status_code == 404
    assert PhoneDevice.objects.filter(pk=theirs.pk).exists()


def test_a_label_can_be_changed(signed_in_client, phone):
    signed_in_client.post(reverse("mfa_sms:phone_label", args=[phone.pk]), {f"d{phone.pk}-label": "Old Nokia"})
    phone.refresh_from_db()
    assert phone.name == "Old Nokia"


def test_panic_needs_the_password(signed_in_client, user, phone):
    response = signed_in_client.post(reverse("accounts:panic"), {"password": "not it at all"})
    assert response.status_code == 400
    assert PhoneDevice.objects.filter(user=user).exists()


def test_panic_removes_every_phone_ends_every_session_and_emails(client, signed_in_client, user, phone, password):
    from django.test import Client

    from tests.conftest import sign_in

    other_browser = Client()
    sign_in(other_browser, user.email)
    assert UserSession.objects.filter(user=user).count() == 2
    mail.outbox.clear()
    response = signed_in_client.post(reverse("accounts:panic"), {"password": password})
    assert response.status_code == 200
    assert not PhoneDevice.objects.filter(user=user).exists()
    assert not UserSession.objects.filter(user=user).exists()
    assert other_browser.get(reverse("accounts:my_account")).status_code == 302
    assert signed_in_client.get(reverse("accounts:my_account")).status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MFA_PANIC, user=user).exists()
