"""In Chromium (fr and en) with a CDP virtual authenticator: register a security key,
sign out, sign in with password + key at the demo TRACES NT (PASSWORD_WEBAUTHN, MEDIUM)
and see the signature counter grow; register a passkey and sign in with it alone, no
password, at TRACES NT too."""

import re

import pytest
from playwright.sync_api import expect

from mfa_webauthn.models import WebAuthnDevice
from tests.conftest import PASSWORD
from tests.e2e import test_traces_journey
from tests.e2e.conftest import sign_in_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "fr": {"keys": "Gérer mes clés de sécurité et plateformes sécurisées",
           "registered": "Votre clé de sécurité est désormais enregistrée sur votre compte EU Login.",
           "method": "Clé de sécurité ou plateforme sécurisée", "passkey": "Se connecter avec une clé d'accès",
           "kind_key": "Clé de sécurité", "kind_passkey": "Clé d'accès", "success": "Authentification réussie",
           "offer": "Conservez des codes de récupération"},
    "en": {"keys": "Manage my security keys and trusted platforms",
           "registered": "Your security key is now registered on your EU Login account.",
           "method": "Security key or trusted platform", "passkey": "Sign in with a passkey",
           "kind_key": "Security key", "kind_passkey": "Passkey", "success": "Authentication succeeded",
           "offer": "Save recovery codes"},
}


@pytest.fixture
def relying_party(live_server, settings):
    """The live server is reached as http://localhost:PORT: a domain, as an RP ID must be."""
    assert live_server.url.startswith("http://localhost:"), live_server.url
    settings.MFA_WEBAUTHN_RP_ID = "localhost"
    settings.MFA_WEBAUTHN_ORIGINS = [live_server.url]


demo_traces = test_traces_journey.demo_traces  # the journey's demo TRACES NT, in its own process


@pytest.fixture
def traces(request):
    return request.getfixturevalue("demo_traces")


def virtual_authenticator(page, *, passkey: bool):
    """A CTAP2 authenticator attached to `page`: a USB security key, or a platform
    authenticator holding discoverable credentials and verifying the person."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    options = {"protocol": "ctap2", "transport": "internal" if passkey else "usb", "hasResidentKey": passkey,
               "hasUserVerification": passkey, "isUserVerified": passkey, "automaticPresenceSimulation": True}
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"]
    return lambda: cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]


def ceremony_start(page) -> None:
    """Press the ceremony's button once the page's script listens: pressed before, it sends
    the form with no answer (and the page says so)."""
    expect(page.locator("form[data-webauthn-ready]")).to_have_count(1)
    page.locator("#webauthn-button").click()


def add_key(page, base_url: str, *, kind: str, name: str, text: dict) -> None:
    page.goto(f"{base_url}/webauthn/keys/")
    expect(page.locator("h1")).to_have_text(text["keys"])
    page.locator("#add-passkey" if kind == "passkey" else "#add-key").click()
    page.locator("#id_name").fill(name)
    ceremony_start(page)
    expect(page.locator(".messages")).to_contain_text(text["registered"])
    # A first second factor: recovery codes are offered before going back to the keys.
    expect(page).to_have_url(re.compile(r"/recovery/offer/"))
    expect(page.locator("h1")).to_have_text(text["offer"])
    page.locator("#offer-later").click()
    expect(page.locator(".key-row")).to_contain_text(text["kind_passkey" if kind == "passkey" else "kind_key"])


def sign_out(page) -> None:
    page.locator(".user-menu summary").click()
    page.locator("#signout-button").click()
    expect(page.locator("#signout-button")).to_have_count(0)


def enrolled_and_signed_out(page, base_url: str, user, *, kind: str, name: str, text: dict):
    """Sign in with the password, register a key of `kind` on a virtual authenticator,
    sign out; the credential the authenticator holds, and how to read it again."""
    credentials = virtual_authenticator(page, passkey=kind == "passkey")
    sign_in_in_browser(page, base_url, user.email, PASSWORD)
    add_key(page, base_url, kind=kind, name=name, text=text)
    [credential] = credentials()
    assert WebAuthnDevice.objects.get(user=user).name == name
    sign_out(page)
    return credential, credentials


def _attribute(page, name: str) -> str:
    return page.locator(f"#attributes td[data-attribute='{name}']").inner_text()


def test_a_security_key_then_password_and_key_at_traces(page_in, live_server, make_user, relying_party, traces):
    page, text = page_in, TEXT[page_in.locale]
    user = make_user(email="lucas.dubois@example.org")
    credential, credentials = enrolled_and_signed_out(page, live_server.url, user, kind="key", name="Clé bleue",
                                                      text=text)
    assert not credential["isResidentCredential"]

    page.goto(traces.url)
    page.locator("#signin").click()
    page.locator("#id_email").fill(user.email)
    page.locator("#next-button").click()
    page.locator("#id_password").fill(PASSWORD)
    method = page.locator(".method[data-method='WEBAUTHN']")
    expect(method).to_contain_text(text["method"])
    method.locator("input[type=radio]").check()
    page.locator("#signin-button").click()
    expect(page).to_have_url(re.compile(r"/webauthn/signin/"))
    ceremony_start(page)

    expect(page).to_have_url(re.compile(re.escape(traces.url)))
    expect(page.locator("#signed-in-as")).to_contain_text(user.email)
    assert _attribute(page, "strength") == "PASSWORD_WEBAUTHN"
    assert _attribute(page, "authenticationLevel") == "MEDIUM"
    assert "WEBAUTHN" in _attribute(page, "authenticationFactors")
    [now] = credentials()
    assert now["signCount"] > credential["signCount"]
    assert WebAuthnDevice.objects.get(user=user).sign_count == now["signCount"]


def test_a_passkey_signs_in_without_a_password_at_traces(page_in, live_server, make_user, relying_party, traces):
    page, text = page_in, TEXT[page_in.locale]
    user = make_user(email="sofia.rossi@example.org")
    credential, _ = enrolled_and_signed_out(page, live_server.url, user, kind="passkey", name="Portable", text=text)
    assert credential["isResidentCredential"]

    page.goto(traces.url)
    page.locator("#signin").click()
    page.get_by_role("link", name=text["passkey"]).click()
    ceremony_start(page)
    expect(page).to_have_url(re.compile(re.escape(traces.url)))
    expect(page.locator("#signed-in-as")).to_contain_text(user.email)
    assert _attribute(page, "strength") == "PASSWORD_WEBAUTHN"
    assert _attribute(page, "authenticationLevel") == "MEDIUM"
    assert "PASSKEY" in _attribute(page, "authenticationFactors")
