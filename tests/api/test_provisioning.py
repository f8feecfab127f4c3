"""Provisioning with an API key: accounts, their locks and sessions, the CAS registry."""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import AuditEvent, User, UserSession
from cas_server.models import Service
from tests.conftest import force_sign_in

pytestmark = pytest.mark.django_db


def test_create_an_account_sends_an_invitation_and_is_audited_with_the_key(key_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = key_client.post("/api/v1/users/", {"email": "lena.voigt@example.org", "first_name": "Lena",
                                                      "last_name": "Voigt", "preferred_language": "fr"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["email"] == "lena.voigt@example.org" and body["password_set"] is False
    assert response["Location"].endswith(f"/api/v1/users/{body['id']}/") and response["ETag"]
    user = User.objects.get(pk=body["id"])
    assert not user.has_usable_password()
    (invitation,) = mail.outbox
    assert invitation.to == ["lena.voigt@example.org"] and "/account/invitation/" in invitation.body
    assert "Bonjour" in invitation.body  # in the person's language
    created = AuditEvent.objects.get(kind=AuditEvent.Kind.ACCOUNT_CREATED, user=user)
    assert created.detail["api_key"] == "HR provisioning"


def test_the_same_address_twice_is_a_conflict_whatever_its_case(key_client, user):
    response = key_client.post("/api/v1/users/", {"email": user.email.upper()}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "email"


def test_search_filter_and_paginate(key_client, make_user):
    for i in range(3):
        make_user(f"person{i}@example.org", last_name=f"Nilsson{i}")
    make_user("other@example.org", last_name="Berg", locked_at="2024-01-01T00:00Z")
    page = key_client.get("/api/v1/users/", {"search": "nilsson", "page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    locked = key_client.get("/api/v1/users/", {"locked": "true"}).json()
    assert [u["email"] for u in locked["results"]] == ["other@example.org"]


def test_updates_need_the_etag_they_read(key_client, user):
    url = f"/api/v1/users/{user.pk}/"
    read = key_client.get(url)
    etag = read["ETag"]
    assert key_client.patch(url, {"first_name": "Annie"}, format="json").status_code == 428
    changed = key_client.patch(url, {"first_name": "Annie"}, format="json", HTTP_IF_MATCH=etag)
    assert changed.status_code == 200 and changed.json()["first_name"] == "Annie"
    assert changed["ETag"] != etag
    stale = key_client.patch(url, {"first_name": "Anne"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
    user.refresh_from_db()
    assert user.first_name == "Annie"
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCOUNT_UPDATED, user=user).get()
    assert event.detail == {"fields": ["first_name"], "api_key": "HR provisioning"}


def test_the_email_is_not_changed_through_the_api(key_client, user):
    url = f"/api/v1/users/{user.pk}/"
    etag = key_client.get(url)["ETag"]
    key_client.patch(url, {"email": "thief@example.net"}, format="json", HTTP_IF_MATCH=etag)
    user.refresh_from_db()
    assert user.email == "anna.schmidt@example.org"


def test_lock_ends_every_session_and_unlock_lets_the_person_in_again(key_client, user, client):
    from tests.conftest import sign_in

    assert sign_in(client, user.email).status_code == 302
    assert UserSession.objects.filter(user=user).count() == 1
    response = key_client.post(f"/api/v1/users/{user.pk}/lock/")
    assert response.status_code == 200 and response.json()["locked"] is True
    assert not UserSession.objects.filter(user=user).exists()
    assert client.get("/account/my-account/").status_code == 302  # signed out
    assert sign_in(client, user.email).status_code == 403
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.ACCOUNT_LOCKED).detail["api_key"] == "HR provisioning"
    assert key_client.post(f"/api/v1/users/{user.pk}/unlock/").json()["locked"] is False
    assert sign_in(client, user.email).status_code == 302


def test_forced_password_reset(key_client, user, password, client, django_capture_on_commit_callbacks):
    from tests.conftest import sign_in

    with django_capture_on_commit_callbacks(execute=True):
        response = key_client.post(f"/api/v1/users/{user.pk}/password-reset/")
    assert response.status_code == 200 and response.json()["password_set"] is False
    assert sign_in(client, user.email, password).status_code == 400  # the old password no longer works
    (email,) = mail.outbox
    link = re.search(r"http://testserver(/account/password/reset/\S+)", email.body).group(1)
    assert client.get(link).status_code == 200
    # Both events name the key: the reset it forced, and the link it had sent.
    for kind in (AuditEvent.Kind.PASSWORD_RESET_FORCED, AuditEvent.Kind.PASSWORD_RESET_REQUESTED):
        assert AuditEvent.objects.get(kind=kind, user=user).detail["api_key"] == "HR provisioning"


def test_end_sessions_and_delete(key_client, user, client, django_capture_on_commit_callbacks):
    from tests.conftest import sign_in

    sign_in(client, user.email)
    assert key_client.post(f"/api/v1/users/{user.pk}/sessions/end/").status_code == 200
    assert not UserSession.objects.filter(user=user).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert key_client.delete(f"/api/v1/users/{user.pk}/").status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.ACCOUNT_DELETED).detail == {"api_key": "HR provisioning"}
    assert mail.outbox[-1].to == ["anna.schmidt@example.org"]


def test_staff_accounts_are_read_but_never_changed(key_client, admin_user):
    assert key_client.get(f"/api/v1/users/{admin_user.pk}/").status_code == 200
    for path in ("lock/", "password-reset/", "sessions/end/"):
        response = key_client.post(f"/api/v1/users/{admin_user.pk}/{path}")
        assert response.status_code == 403 and response.json()["code"] == "staff_account"
    assert key_client.delete(f"/api/v1/users/{admin_user.pk}/").status_code == 403


def test_register_a_service_with_its_policy_time_line(key_client):
    response = key_client.post("/api/v1/services/", {
        "name": "Portal", "pattern": "https://portal.example.org/", "released_attributes": ["email"],
        "policy": [{"effective_from": "2024-06-11T00:00:00+02:00", "requirement": "medium"}],
    }, format="json")
    assert response.status_code == 201, response.json()
    service = Service.objects.get(name="Portal")
    assert service.strength_rules.get().requirement == "MEDIUM"
    assert response.json()["policy"][0]["requirement"] == "MEDIUM"
    url = f"/api/v1/services/{service.pk}/"
    etag = key_client.get(url)["ETag"]
    changed = key_client.patch(url, {"policy": []}, format="json", HTTP_IF_MATCH=etag)
    assert changed.status_code == 200 and changed.json()["policy"] == []
    assert not service.strength_rules.exists()
    kinds = list(AuditEvent.objects.filter(detail__api_key="HR provisioning", kind__startswith="service")
                 .values_list("kind", flat=True))
    assert sorted(kinds) == ["service_created", "service_updated"]


@pytest.mark.parametrize("body,field", [
    ({"name": "X", "pattern": "portal.example.org/"}, "pattern"),
    ({"name": "X", "pattern": "(unclosed", "match_kind": "regex"}, "pattern"),
    ({"name": "X", "pattern": "https://a.example.org/", "released_attributes": ["password"]}, "released_attributes.0"),
    ({"name": "X", "pattern": "https://a.example.org/",
      "policy": [{"effective_from": "2024-01-01T00:00Z", "requirement": "SUPERSTRONG"}]}, "policy.0.requirement"),
])
def test_a_bad_service_is_refused_field_by_field(key_client, body, field):
    response = key_client.post("/api/v1/services/", body, format="json")
    assert response.status_code == 400, response.json()
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Service.objects.exists()


def test_audit_trail_filters_and_cursor(key_client, user):
    from accounts.audit import audit_event_record

    for _ in range(3):
        audit_event_record(kind=AuditEvent.Kind.SIGNIN_SUCCEEDED, user=user)
    audit_event_record(kind=AuditEvent.Kind.SIGNIN_FAILED, email="x@example.org")
    first = key_client.get("/api/v1/audit/", {"user": user.pk, "kind": "signin_succeeded", "page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = key_client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    ids = [e["id"] for e in first["results"] + second["results"]]
    assert ids == sorted(ids, reverse=True)
    assert key_client.get("/api/v1/audit/", {"since": "2999-01-01T00:00:00Z"}).json()["results"] == []
    assert key_client.get("/api/v1/audit/", {"kind": "nonsense"}).status_code == 400


# Every write a key can make, with a body that succeeds (the ETag is read first for PUT
# and PATCH): each is recorded in the audit trail with the key's name.
WRITES = {
    ("post", "/api/v1/users/"): {"email": "new.person@example.org", "first_name": "New", "last_name": "Person"},
    ("put", "/api/v1/users/{user}/"): {"first_name": "Anna", "last_name": "Berg", "preferred_language": "fr",
                                       "is_active": True},
    ("patch", "/api/v1/users/{user}/"): {"last_name": "Berg"},
    ("delete", "/api/v1/users/{user}/"): None,
    ("post", "/api/v1/users/{user}/lock/"): None,
    ("post", "/api/v1/users/{user}/unlock/"): None,
    ("post", "/api/v1/users/{user}/password-reset/"): None,
    ("post", "/api/v1/users/{user}/sessions/end/"): None,
    ("post", "/api/v1/services/"): {"name": "Portal", "pattern": "https://portal.example.org/"},
    ("put", "/api/v1/services/{service}/"): {"name": "App", "pattern": "https://app.example.org/other/"},
    ("patch", "/api/v1/services/{service}/"): {"name": "App renamed"},
    ("delete", "/api/v1/services/{service}/"): None,
}


def test_the_writes_table_names_every_write_a_key_can_make():
    from .test_permissions import BY_KEY

    assert set(WRITES) == {op for op in BY_KEY if op[0] != "get"}


@pytest.mark.parametrize("operation", list(WRITES), ids="{0[0]} {0[1]}".format)
def test_every_write_is_audited_with_the_keys_name(key_client, user, operation, django_capture_on_commit_callbacks):
    service = Service.objects.create(name="App", pattern="https://app.example.org/")
    if operation[1].endswith("/unlock/"):
        key_client.post(f"/api/v1/users/{user.pk}/lock/")
    if operation[1].endswith("/sessions/end/"):
        browser = Client()
        force_sign_in(browser, user)
        browser.get("/api/v1/me/")  # a session to end
    method, path = operation
    url = path.format(user=user.pk, service=service.pk)
    headers = {"HTTP_IF_MATCH": key_client.get(url)["ETag"]} if method in ("put", "patch") else {}
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(key_client, method)(url, WRITES[operation], format="json", **headers)
    assert response.status_code < 300, response.json()
    events = AuditEvent.objects.filter(pk__gt=before)
    assert any(e.detail.get("api_key") == "HR provisioning" for e in events), [(e.kind, e.detail) for e in events]
