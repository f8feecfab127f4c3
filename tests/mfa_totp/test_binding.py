"""After PANIC the password alone binds no new factor of any kind: an account that had
factors (an authenticator app here) and has none left confirms a new one by email."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from mfa_sms.models import PhoneDevice
from mfa_totp.models import TOTPDevice
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _link(to: str) -> str:
    message = [m for m in mail.outbox if to in m.to][-1]
    return re.search(r"https?://\S+", message.body).group(0)


def test_after_panic_neither_an_app_nor_a_phone_binds_without_the_email(client, user, password, app):
    sign_in(client, user.email, password)
    assert client.post(reverse("accounts:panic"), {"password": password}).status_code == 200
    sign_in(client, user.email, password)
    for url, data in ((reverse("mfa_totp:device_add"), {"name": "Attacker"}),
                      (reverse("mfa_sms:phone_add"), {"phone": "+32 470 00 00 02"})):
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:rebind_email"))
    assert not TOTPDevice.objects.exists() and not PhoneDevice.objects.exists()

    client.post(reverse("accounts:rebind_email"), {"next": reverse("mfa_totp:device_add")})
    assert client.get(_link(user.email))["Location"] == reverse("mfa_totp:device_add")
    assert client.get(reverse("mfa_totp:device_add")).status_code == 200


def test_a_first_app_on_a_new_account_needs_no_email(enrolling_client):
    assert enrolling_client.get(reverse("mfa_totp:device_add")).status_code == 200


WORDING = {
    "en": {"page": "Your account had second-factor methods and has none left.",
           "sent": "to add your second-factor method.",
           "subject": "Confirm the new second-factor method of your EU Login account",
           "mail": "wants to add a second-factor method, and your account has none left."},
    "fr": {"page": "Votre compte avait des méthodes d'authentification en plus du mot de passe et n'en a plus aucune.",
           "sent": "pour ajouter votre méthode d'authentification.",
           "subject": "Confirmez la nouvelle méthode d'authentification de votre compte EU Login",
           "mail": "souhaite ajouter une méthode d'authentification, et votre compte n'en a plus aucune"},
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_after_panic_the_email_proof_speaks_of_every_kind_of_method_not_only_phones(client, user, password, app,
                                                                                     language):
    from html import unescape

    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    sign_in(client, user.email, password)
    panic = client.get(reverse("accounts:panic")).content.decode()
    assert "mobile phone number" not in panic and "numéro de téléphone" not in panic
    client.post(reverse("accounts:panic"), {"password": password})
    sign_in(client, user.email, password)
    page = client.get(client.get(reverse("mfa_totp:device_add"))["Location"]).content.decode()
    text = WORDING[language]
    assert text["page"] in unescape(page)
    sent = unescape(client.post(reverse("accounts:rebind_email"), {"next": reverse("mfa_totp:device_add")}).content.decode())
    assert text["sent"] in sent
    for words in (page, sent):
        main = unescape(words).split('<main id="main"')[-1]
        assert "mobile phone" not in main and "téléphone portable" not in main
    [message] = [m for m in mail.outbox if m.subject == text["subject"]]
    assert text["mail"] in message.body
    assert "mobile phone" not in message.body and "téléphone portable" not in message.body
