"""Who may do what: each scope opens only its endpoints; unknown, expired and revoked keys
get 401; a person never sees another's sessions, factors or audit."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.audit import audit_event_record
from accounts.models import AuditEvent, UserSession
from api.keys import api_key_revoke
from api.models import ApiKey
from mfa_sms.models import PhoneDevice
from tests.conftest import force_sign_in

from .conftest import client_with

pytestmark = pytest.mark.django_db

# (method, path, body) for every provisioning endpoint, with the scope each needs.
ENDPOINTS = {
    "users:read": [("get", "/api/v1/users/"), ("get", "/api/v1/users/{user}/")],
    "users:write": [("post", "/api/v1/users/"), ("patch", "/api/v1/users/{user}/"),
                    ("post", "/api/v1/users/{user}/lock/"), ("post", "/api/v1/users/{user}/unlock/"),
                    ("post", "/api/v1/users/{user}/password-reset/"), ("post", "/api/v1/users/{user}/sessions/end/"),
                    ("delete", "/api/v1/users/{user}/")],
    "services:write": [("get", "/api/v1/services/"), ("post", "/api/v1/services/"),
                       ("get", "/api/v1/services/{service}/"), ("patch", "/api/v1/services/{service}/"),
                       ("delete", "/api/v1/services/{service}/")],
    "audit:read": [("get", "/api/v1/audit/"), ("get", "/api/v1/audit/{event}/")],
}


@pytest.fixture
def targets(make_user):
    from cas_server.models import Service

    user = make_user("target@example.org")
    service = Service.objects.create(name="App", pattern="https://app.example.org/")
    event = audit_event_record(kind=AuditEvent.Kind.SIGNIN_SUCCEEDED, user=user)
    return {"user": user.pk, "service": service.pk, "event": event.pk}


@pytest.mark.parametrize("scope", list(ENDPOINTS))
def test_each_scope_opens_only_its_endpoints(make_key, targets, scope):
    _key, token = make_key(scope)
    client = client_with(token)
    for endpoint_scope, endpoints in ENDPOINTS.items():
        for method, path in endpoints:
            response = getattr(client, method)(path.format(**targets), {}, format="json")
            if endpoint_scope == scope:
                assert response.status_code not in (401, 403), (scope, method, path, response.json())
            else:
                assert response.status_code == 403, (scope, method, path, response.status_code)
                assert response.json()["code"] == "scope_missing"


def test_self_service_is_not_opened_by_a_key(key_client):
    assert key_client.get("/api/v1/me/").status_code == 401
    assert key_client.get("/api/v1/me/sessions/").status_code == 401


@pytest.mark.parametrize("header", ["Bearer eul_unknown", "Bearer", "Bearer a b", "Bearer " + "x" * 500,
                                    "Bearer eul_\u00e9"])
def test_unknown_or_malformed_keys_get_401(db, header):
    client = APIClient()
    response = client.get("/api/v1/users/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] in ("invalid_key", "authentication_failed", "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_no_key_gets_401(db):
    response = APIClient().get("/api/v1/users/")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_an_expired_key_gets_401(make_key):
    key, token = make_key("users:read")
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client_with(token).get("/api/v1/users/").status_code == 401


def test_a_revoked_key_dies_at_once(make_key):
    key, token = make_key("users:read")
    client = client_with(token)
    assert client.get("/api/v1/users/").status_code == 200
    api_key_revoke(key=key)
    assert client.get("/api/v1/users/").status_code == 401
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.API_KEY_REVOKED, detail__api_key=key.name).exists()


def test_last_used_is_recorded(make_key):
    key, token = make_key("users:read")
    assert key.last_used_at is None
    client_with(token).get("/api/v1/users/")
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_wrong_keys_from_one_ip_are_throttled_like_wrong_passwords(db, settings):
    settings.API_KEY_FAILURES_PER_IP_PER_HOUR = 3
    client = APIClient()
    statuses = [client.get("/api/v1/users/", HTTP_AUTHORIZATION="Bearer eul_guess").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]


def test_keys_and_people_share_the_request_rate(key_client, user, settings):
    settings.API_REQUESTS_PER_MINUTE = 2
    person_client = APIClient()
    force_sign_in(person_client, user)
    with time_machine.travel(timezone.now().replace(second=5), tick=True):  # all in one minute's window
        by_key = [key_client.get("/api/v1/users/") for _ in range(3)]
        by_person = [person_client.get("/api/v1/me/sessions/") for _ in range(3)]
    for responses in (by_key, by_person):
        assert [r.status_code for r in responses] == [200, 200, 429]
        assert responses[-1].json()["code"] == "throttled" and 1 <= int(responses[-1]["Retry-After"]) <= 60


def _person(make_user, email):
    person = make_user(email)
    client = APIClient()
    force_sign_in(client, person)
    client.get("/api/v1/me/")  # records the session
    return person, client


def test_a_person_never_sees_anothers_sessions_factors_or_audit(make_user):
    anna, anna_client = _person(make_user, "anna@example.org")
    bo, bo_client = _person(make_user, "bo@example.org")
    bo_phone = PhoneDevice.objects.create(user=bo, number="+32470000002", confirmed=True)
    audit_event_record(kind=AuditEvent.Kind.SIGNIN_FAILED, user=bo, reason="test")
    bo_session = UserSession.objects.get(user=bo)

    sessions = anna_client.get("/api/v1/me/sessions/").json()
    assert [s["id"] for s in sessions] == [UserSession.objects.get(user=anna).pk]
    assert anna_client.get("/api/v1/me/factors/").json() == []
    events = anna_client.get("/api/v1/me/audit/").json()["results"]
    assert all(e["kind"] != "signin_failed" for e in events)
    # Another's ids answer like ids that never were.
    csrf = {"HTTP_X_CSRFTOKEN": "x"}  # the client does not enforce CSRF here: the id check is what is tested
    assert anna_client.delete(f"/api/v1/me/sessions/{bo_session.pk}/", **csrf).status_code == 404
    assert anna_client.patch(f"/api/v1/me/factors/SMS/{bo_phone.pk}/", {"name": "mine"}, format="json").status_code == 404
    assert anna_client.delete(f"/api/v1/me/factors/SMS/{bo_phone.pk}/").status_code == 404
    assert UserSession.objects.filter(pk=bo_session.pk).exists()
    assert PhoneDevice.objects.filter(pk=bo_phone.pk, name="").exists()


def test_self_service_needs_a_session_and_csrf_on_writes(user):
    assert APIClient().get("/api/v1/me/").status_code == 401
    client = APIClient(enforce_csrf_checks=True)
    force_sign_in(client, user)
    assert client.get("/api/v1/me/").status_code == 200
    refused = client.patch("/api/v1/me/", {"first_name": "Mallory"}, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["message"]
    user.refresh_from_db()
    assert user.first_name == "Anna"
