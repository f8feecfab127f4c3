"""Who may do what: each scope opens only its endpoints; unknown, expired and revoked keys
get 401; a person never sees another's sessions, factors or audit."""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.audit import audit_event_record
from accounts.models import AuditEvent, UserSession
from api.keys import api_key_revoke
from api.models import ApiKey, Scope
from mfa_sms.models import PhoneDevice
from tests.conftest import force_sign_in

from .conftest import client_with

pytestmark = pytest.mark.django_db

PERSON = "the browser session"

# Every operation of the API, with what opens it: a key's scope, or the person's session.
# test_the_table_names_every_operation keeps it complete: a new endpoint must say here
# who may call it, and the tests below then try it with every other way in.
OPERATIONS = {
    ("get", "/api/v1/users/"): "users:read",
    ("get", "/api/v1/users/{user}/"): "users:read",
    ("post", "/api/v1/users/"): "users:write",
    ("put", "/api/v1/users/{user}/"): "users:write",
    ("patch", "/api/v1/users/{user}/"): "users:write",
    ("delete", "/api/v1/users/{user}/"): "users:write",
    ("post", "/api/v1/users/{user}/lock/"): "users:write",
    ("post", "/api/v1/users/{user}/unlock/"): "users:write",
    ("post", "/api/v1/users/{user}/password-reset/"): "users:write",
    ("post", "/api/v1/users/{user}/sessions/end/"): "users:write",
    ("get", "/api/v1/services/"): "services:write",
    ("post", "/api/v1/services/"): "services:write",
    ("get", "/api/v1/services/{service}/"): "services:write",
    ("put", "/api/v1/services/{service}/"): "services:write",
    ("patch", "/api/v1/services/{service}/"): "services:write",
    ("delete", "/api/v1/services/{service}/"): "services:write",
    ("get", "/api/v1/audit/"): "audit:read",
    ("get", "/api/v1/audit/{event}/"): "audit:read",
    ("get", "/api/v1/me/"): PERSON,
    ("patch", "/api/v1/me/"): PERSON,
    ("post", "/api/v1/me/reauthenticate/"): PERSON,
    ("get", "/api/v1/me/sessions/"): PERSON,
    ("post", "/api/v1/me/sessions/end-others/"): PERSON,
    ("delete", "/api/v1/me/sessions/{session}/"): PERSON,
    ("get", "/api/v1/me/factors/"): PERSON,
    ("patch", "/api/v1/me/factors/SMS/{phone}/"): PERSON,
    ("delete", "/api/v1/me/factors/SMS/{phone}/"): PERSON,
    ("post", "/api/v1/me/phones/"): PERSON,
    ("post", "/api/v1/me/phones/confirm/"): PERSON,
    ("post", "/api/v1/me/phones/resend/"): PERSON,
    ("get", "/api/v1/me/recovery-codes/"): PERSON,
    ("post", "/api/v1/me/recovery-codes/"): PERSON,
    ("post", "/api/v1/me/verification/sms/"): PERSON,
    ("post", "/api/v1/me/verification/sms/confirm/"): PERSON,
    ("get", "/api/v1/me/audit/"): PERSON,
}
SCOPES = list(Scope.values)
BY_KEY = [op for op, opener in OPERATIONS.items() if opener != PERSON]
BY_PERSON = [op for op, opener in OPERATIONS.items() if opener == PERSON]
OP_ID = "{0[0]} {0[1]}".format


def _shape(path: str) -> str:
    return re.sub(r"\{\w+\}|/SMS/", lambda m: "/{}/" if m.group() == "/SMS/" else "{}", path)


def test_the_table_names_every_operation():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    documented = {(method, _shape(path)) for path, operations in paths.items() for method in operations
                  if method in ("get", "put", "post", "patch", "delete")}
    assert {(method, _shape(path)) for method, path in OPERATIONS} == documented


@pytest.fixture
def targets(make_user):
    from cas_server.models import Service

    user = make_user("target@example.org")
    service = Service.objects.create(name="App", pattern="https://app.example.org/")
    event = audit_event_record(kind=AuditEvent.Kind.SIGNIN_SUCCEEDED, user=user)
    phone = PhoneDevice.objects.create(user=user, number="+32470000003", confirmed=True)
    return {"user": user.pk, "service": service.pk, "event": event.pk, "phone": phone.pk, "session": 1}


def _call(client, operation, targets, **extra):
    method, path = operation
    return getattr(client, method)(path.format(**targets), {}, format="json", **extra)


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("operation", BY_KEY, ids=OP_ID)
def test_each_scope_opens_only_its_endpoints(make_key, targets, scope, operation):
    _key, token = make_key(scope)
    response = _call(client_with(token), operation, targets)
    if OPERATIONS[operation] == scope:
        assert response.status_code not in (401, 403), response.json()
    else:
        assert response.status_code == 403, response.status_code
        assert response.json()["code"] == "scope_missing"
        assert scope not in response.json()["message"] and OPERATIONS[operation] in response.json()["message"]


@pytest.mark.parametrize("operation", BY_PERSON, ids=OP_ID)
def test_no_key_opens_self_service(key_client, targets, operation):
    response = _call(key_client, operation, targets)
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("operation", list(OPERATIONS), ids=OP_ID)
def test_a_browser_session_opens_only_self_service_even_a_staff_one(admin_user, targets, operation):
    client = APIClient()
    force_sign_in(client, admin_user)
    response = _call(client, operation, targets)
    if OPERATIONS[operation] == PERSON:
        assert response.status_code not in (401, 403), response.json()
    else:
        assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


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


def _revoke_by_service(key, admin_client):
    api_key_revoke(key=key)


def _revoke_in_admin(key, admin_client):
    response = admin_client.post(reverse("admin:api_apikey_changelist"),
                                 {"action": "revoke", "_selected_action": [key.pk]})
    assert response.status_code == 302


def _revoke_by_command(key, admin_client):
    call_command("api_key", "revoke", key.name, stdout=io.StringIO())


@pytest.mark.parametrize("revoke", [_revoke_by_service, _revoke_in_admin, _revoke_by_command],
                         ids=["service", "admin action", "manage.py api_key revoke"])
def test_a_revoked_key_dies_at_once(make_key, targets, admin_client, revoke, settings):
    """Whatever a key's earlier requests left behind (its last use noted, its rate counted
    in the cache, an ETag held by the client), its next request after the revocation is a
    401, even with this process's read caches trusted for a minute: a key is never one of
    the rows they keep."""
    settings.READ_CACHE_CHECK_SECONDS = 60
    key, token = make_key("users:read", "users:write")
    client = client_with(token)
    for _ in range(3):
        assert client.get("/api/v1/users/").status_code == 200
    read = client.get(f"/api/v1/users/{targets['user']}/")
    assert read.status_code == 200
    revoke(key, admin_client)
    assert client.get("/api/v1/users/").status_code == 401
    assert client.get(f"/api/v1/users/{targets['user']}/", HTTP_IF_NONE_MATCH=read["ETag"]).status_code == 401
    locked = client.post(f"/api/v1/users/{targets['user']}/lock/")
    assert locked.status_code == 401 and locked.json()["code"] == "invalid_key"
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCOUNT_LOCKED).exists()
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
