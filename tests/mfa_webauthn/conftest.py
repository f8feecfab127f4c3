import pytest
from django.urls import reverse

from tests.conftest import sign_in
from tests.mfa_sms.conftest import sms_locmem  # noqa: F401  (autouse fixture: SMS to locmem)
from tests.traces_gateway.conftest import traces  # noqa: F401  (fixture)

from .authenticator import SoftAuthenticator

ORIGIN = "http://localhost:8000"


@pytest.fixture(autouse=True)
def relying_party(settings):
    settings.MFA_WEBAUTHN_RP_ID = "localhost"
    settings.MFA_WEBAUTHN_ORIGINS = [ORIGIN]


@pytest.fixture
def key() -> SoftAuthenticator:
    return SoftAuthenticator(origin=ORIGIN)


@pytest.fixture
def passkey() -> SoftAuthenticator:
    return SoftAuthenticator(origin=ORIGIN, resident=True, user_verification=True)


def register(client, authenticator: SoftAuthenticator, *, kind: str = "key", name: str = "", **query):
    """Register `authenticator` on the signed-in account of `client`; the last response."""
    page = client.get(reverse("mfa_webauthn:key_add"), {"type": kind, **query})
    assert page.status_code == 200, page
    return client.post(reverse("mfa_webauthn:key_add"), {"type": kind, "name": name, **query,
                                                         "credential": authenticator.create(page.context["options"])})


def sign_in_with_key(client, email: str, authenticator: SoftAuthenticator, **answer):
    """Password + key; the response to the key's answer."""
    response = sign_in(client, email, method="WEBAUTHN")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_webauthn:signin"), response
    page = client.get(response["Location"])
    assert page.status_code == 200
    return client.post(reverse("mfa_webauthn:signin"), {"action": "verify",
                                                        "credential": authenticator.get(page.context["options"], **answer)})


@pytest.fixture
def key_user(user, client, key):
    """`user` with `key` registered; `client` signed out afterwards."""
    sign_in(client, user.email)
    assert register(client, key, name="Blue key").status_code == 302
    client.logout()
    return user
