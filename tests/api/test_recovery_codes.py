"""Recovery codes through the API: how many are left, and a new set shown once, with the
rules, audit and email of the "Codes de récupération" page."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent
from mfa_recovery import codes, services
from mfa_recovery.models import RecoveryCode, RecoveryCodeSet
from mfa_sms.models import PhoneDevice
from tests.mfa_recovery.conftest import _no_delays, new_request  # noqa: F401 — _no_delays: autouse

from .conftest import csrf_headers
from .test_self_service import _age_factors

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/recovery-codes/"


@pytest.fixture
def phone(user) -> PhoneDevice:
    """The factor the codes stand in for (the session proved SMS just now)."""
    return PhoneDevice.objects.create(user=user, number="+32470000001", confirmed=True)


def _works(user, code: str) -> bool:
    return RecoveryCodeSet.objects.get(user=user).verify_token(codes.code_normalise(code))


def test_without_a_set_none_are_left_and_nothing_warns(person_client, phone):
    assert person_client.get(URL).json() == {"left": 0, "low": False, "generated_at": None}


def test_the_count_left_warns_at_three_or_fewer(person_client, user, phone):
    shown = services.recovery_codes_generate(request=new_request(), user=user)
    assert person_client.get(URL).json()["left"] == 10
    assert person_client.get(URL).json()["low"] is False
    for code in shown[:6]:
        assert _works(user, code)
    state = person_client.get(URL).json()
    assert (state["left"], state["low"]) == (4, False)
    assert _works(user, shown[6])
    state = person_client.get(URL).json()
    assert (state["left"], state["low"]) == (3, True)
    assert state["generated_at"] is not None


def test_a_new_set_is_returned_once_and_the_old_codes_die(person_client, user, phone,
                                                          django_capture_on_commit_callbacks):
    old = services.recovery_codes_generate(request=new_request(), user=user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = person_client.post(URL, **csrf_headers(person_client))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["left"], body["low"]) == (10, False)
    new = body["codes"]
    assert len(new) == len(set(new)) == 10 and not set(new) & set(old)
    # Only HMACs are stored, by the recovery codes' own service.
    assert not RecoveryCode.objects.filter(code_hmac__in=[codes.code_normalise(c) for c in new]).exists()
    assert not any(_works(user, code) for code in old)
    assert _works(user, new[0])
    # Audited and emailed as from the page; not shown again on the page.
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.MFA_DEVICE_ADDED, user=user).latest("pk")
    assert event.detail["method"] == "RECOVERY_CODE"
    assert [m.subject for m in mail.outbox] == ["New recovery codes were generated for your EU Login account"]
    shown_page = person_client.get(reverse("mfa_recovery:show"))
    assert shown_page.status_code == 302


def test_a_new_set_needs_a_recent_password_then_a_fresh_second_factor(person_client, user, phone, password):
    old = services.recovery_codes_generate(request=new_request(), user=user)
    _age_factors(person_client, 3600)
    refused = person_client.post(URL, **csrf_headers(person_client))
    assert refused.status_code == 403 and refused.json()["code"] == "recent_password_required"
    assert person_client.post("/api/v1/me/reauthenticate/", {"password": password}, format="json",
                              **csrf_headers(person_client)).status_code == 204
    refused = person_client.post(URL, **csrf_headers(person_client))
    assert refused.status_code == 403 and refused.json()["code"] == "second_factor_required"
    assert _works(user, old[0])  # nothing changed


def test_a_new_set_needs_another_factor_to_stand_in_for(person_client, user):
    refused = person_client.post(URL, **csrf_headers(person_client))
    assert refused.status_code == 409 and refused.json()["code"] == "second_factor_missing"
    assert not RecoveryCodeSet.objects.filter(user=user).exists()


def test_a_new_set_needs_the_csrf_token(person_client, user, phone):
    refused = person_client.post(URL)
    assert refused.status_code == 403 and "CSRF" in refused.json()["message"]
    assert not RecoveryCodeSet.objects.filter(user=user).exists()


def test_the_refusal_speaks_french(person_client):
    refused = person_client.post(URL, HTTP_ACCEPT_LANGUAGE="fr", **csrf_headers(person_client))
    assert refused.status_code == 409
    assert refused.json()["message"].startswith("Ajoutez d'abord un second facteur")


def test_another_persons_codes_are_never_counted(person_client, make_user, phone):
    other = make_user("bo@example.org")
    PhoneDevice.objects.create(user=other, number="+32470000002", confirmed=True)
    services.recovery_codes_generate(request=new_request(), user=other)
    assert person_client.get(URL).json()["left"] == 0
