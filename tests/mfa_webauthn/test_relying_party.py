"""The RP ID and origins: what browsers would refuse is refused by a system check, and
the key method is hidden while it would not work."""

import pytest

from accounts.factors import factor_get, signin_method_get, signin_passwordless
from mfa_webauthn.checks import webauthn_relying_party_check
from mfa_webauthn.rp import origin_problem, rp_id_problem


@pytest.mark.parametrize("rp_id", ["localhost", "eulogin.example.org", "example.org", "xn--bcher-kva.example"])
def test_domain_names_are_rp_ids(rp_id):
    assert rp_id_problem(rp_id) is None


@pytest.mark.parametrize("rp_id", ["", "127.0.0.1", "[::1]", "::1", "Example.org", "https://example.org",
                                   "example.org:8000", "example.org/x", "-bad.example.org", "a..b"])
def test_ip_addresses_and_urls_are_not_rp_ids(rp_id):
    assert rp_id_problem(rp_id)


@pytest.mark.parametrize("origin, rp_id", [
    ("https://eulogin.example.org", "eulogin.example.org"),
    ("https://login.eulogin.example.org", "eulogin.example.org"),
    ("https://eulogin.example.org:8443", "example.org"),
    ("http://localhost:8000", "localhost"),
    ("http://eulogin.localhost:8000", "localhost"),
])
def test_origins_on_the_rp_id(origin, rp_id):
    assert origin_problem(origin, rp_id) is None


@pytest.mark.parametrize("origin, rp_id", [
    ("http://eulogin.example.org", "eulogin.example.org"),  # plain http outside localhost
    ("https://example.org", "eulogin.example.org"),  # a parent of the RP ID
    ("https://eulogin.example.org.evil.example", "eulogin.example.org"),
    ("https://evileulogin.example.org", "eulogin.example.org"),
    ("https://eulogin.example.org/", "eulogin.example.org"),  # a path
    ("https://EULOGIN.example.org", "eulogin.example.org"),  # not as browsers send it
    ("https://eulogin.example.org:443", "eulogin.example.org"),
    ("https://eulogin.example.org:99999", "eulogin.example.org"),
    ("eulogin.example.org", "eulogin.example.org"),
])
def test_origins_browsers_would_not_send_or_off_the_rp_id(origin, rp_id):
    assert origin_problem(origin, rp_id)


def test_the_system_check_refuses_a_bad_configuration(settings):
    settings.DEBUG = False
    settings.MFA_WEBAUTHN_RP_ID, settings.MFA_WEBAUTHN_ORIGINS = "eulogin.example.org", ["https://eulogin.example.org"]
    assert webauthn_relying_party_check(None) == []
    settings.MFA_WEBAUTHN_ORIGINS = ["https://eulogin.example.org", "http://eulogin.example.org"]
    assert [e.id for e in webauthn_relying_party_check(None)] == ["mfa_webauthn.E003"]
    settings.MFA_WEBAUTHN_ORIGINS = []
    assert [e.id for e in webauthn_relying_party_check(None)] == ["mfa_webauthn.E002"]
    settings.MFA_WEBAUTHN_ORIGINS, settings.MFA_WEBAUTHN_ATTESTATION = ["https://eulogin.example.org"], "always"
    assert [e.id for e in webauthn_relying_party_check(None)] == ["mfa_webauthn.E004"]
    settings.MFA_WEBAUTHN_RP_ID = "127.0.0.1"
    assert [e.id for e in webauthn_relying_party_check(None)] == ["mfa_webauthn.E001"]


def test_on_an_ip_address_in_development_a_warning_and_no_key_method_or_passkey(settings):
    settings.DEBUG = True
    settings.MFA_WEBAUTHN_RP_ID, settings.MFA_WEBAUTHN_ORIGINS = "127.0.0.1", ["http://127.0.0.1:8000"]
    assert [e.id for e in webauthn_relying_party_check(None)] == ["mfa_webauthn.W001"]
    assert signin_method_get("WEBAUTHN") is None and factor_get("PASSKEY") not in signin_passwordless()
    settings.MFA_WEBAUTHN_RP_ID, settings.MFA_WEBAUTHN_ORIGINS = "localhost", ["http://localhost:8000"]
    assert signin_method_get("WEBAUTHN") is not None and factor_get("PASSKEY") in signin_passwordless()


def test_attestation_is_none_by_default():
    from mfa_webauthn import conf

    assert conf.get("MFA_WEBAUTHN_ATTESTATION") == "none"
