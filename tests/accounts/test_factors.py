"""The registry's rules for the three shapes of factor: a second factor after the password,
a factor that stands alone (a passkey with user verification), and a backup."""

import pytest
from django.urls import reverse

from accounts import factors
from accounts.factors import Factor, factors_meeting, signin_methods, strengths_for
from accounts.strengths import MEDIUM, Requirement, UnknownRequirement


@pytest.fixture
def registry(monkeypatch):
    def register(factor: Factor) -> Factor:
        monkeypatch.setitem(factors._registry, factor.kind, factor)
        return factor

    return register


def test_a_second_factor_gives_its_strength_only_with_the_password():
    assert strengths_for({"PASSWORD", "SMS"}) == ["PASSWORD_SMS", "PASSWORD"]
    assert strengths_for({"SMS"}) == []
    assert strengths_for({"PASSWORD"}) == ["PASSWORD"]


def test_strengths_are_named_strongest_first(registry):
    registry(Factor(kind="KEYX", label="Key", strength="PASSWORD_WEBAUTHN", order=10))
    assert strengths_for({"PASSWORD", "SMS", "KEYX"}) == ["PASSWORD_WEBAUTHN", "PASSWORD_SMS", "PASSWORD"]


def test_a_factor_that_stands_alone_meets_medium_without_a_password(registry, client):
    registry(Factor(kind="PASSKEYX", label="Passkey", strength="PASSWORD_WEBAUTHN", alone=True,
                    passwordless_url=lambda next_url: f"/passkey/?next={next_url}"))
    assert strengths_for({"PASSKEYX"}) == ["PASSWORD_WEBAUTHN"]
    assert Requirement.level(MEDIUM).is_met_by(strengths_for({"PASSKEYX"}))
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'id="passwordless-passkeyx"' in html and "/passkey/?next=" in html


def test_a_backup_is_neither_a_sign_in_method_nor_offered_at_enrolment(registry):
    registry(Factor(kind="CODESX", label="Recovery codes", strength="PASSWORD_SOFTWARE_TOKEN", backup=True,
                    start=lambda request, user, extra: None))
    assert "CODESX" not in {m.kind for m in signin_methods()}
    assert "CODESX" not in {f.kind for f in factors_meeting(Requirement.level(MEDIUM), proved={"PASSWORD"})}


def test_a_factor_must_name_one_of_eu_logins_strengths(registry):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        factors.factor_register(Factor(kind="ODD", label="Odd", strength="PASSWORD_TELEPATHY"))
    assert factors.factor_get("ODD") is None
    with pytest.raises(UnknownRequirement):
        Requirement.parse("PASSWORD_TELEPATHY")


def test_strengths_not_offered_are_still_known_to_policies():
    assert not Requirement.level("HIGH").is_achievable
    assert str(Requirement.parse("PASSWORD_TOKEN")) == "PASSWORD_TOKEN"


def test_a_factor_alone_signs_in_without_a_password(registry, client, user):
    from accounts import flows

    registry(Factor(kind="PASSKEYX", label="Passkey", strength="PASSWORD_WEBAUTHN", alone=True))
    request = _request(client)
    response = flows.signin_factor_proved(request, user=user, kind="PASSKEYX")
    request.session.save()
    assert response.status_code == 302
    assert [f["kind"] for f in request.session[factors.SESSION_KEY]] == ["PASSKEYX"]
    assert factors.session_strength(request) == "PASSWORD_WEBAUTHN"


def test_a_second_factor_cannot_sign_in_without_the_password(client, user):
    from accounts import flows

    request = _request(client)
    response = flows.signin_factor_proved(request, user=user, kind="SMS")
    assert response["Location"] == reverse("accounts:login")
    assert factors.SESSION_KEY not in request.session


def _request(client):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.user = AnonymousUser()
    return request


def test_a_sign_in_without_password_starts_when_its_factor_was_proved(registry):
    from datetime import datetime

    registry(Factor(kind="PASSKEYX", label="Passkey", strength="PASSWORD_WEBAUTHN", alone=True))
    request = _request(None)
    request.session[factors.SESSION_KEY] = [{"kind": "PASSKEYX", "at": "2024-06-11T08:00:00+00:00"}]
    assert factors.session_signed_in_at(request) == datetime.fromisoformat("2024-06-11T08:00:00+00:00")
    request.session[factors.SESSION_KEY] = [{"kind": "PASSWORD", "at": "2024-06-11T07:00:00+00:00"},
                                            {"kind": "SMS", "at": "2024-06-11T07:01:00+00:00"}]
    assert factors.session_signed_in_at(request) == datetime.fromisoformat("2024-06-11T07:00:00+00:00")
    request.session[factors.SESSION_KEY] = [{"kind": "SMS", "at": "2024-06-11T07:01:00+00:00"}]
    assert factors.session_signed_in_at(request) is None
