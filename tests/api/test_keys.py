"""API keys: made with the command or in admin (shown once, stored hashed), listed, revoked."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from api.keys import token_digest
from api.models import ApiKey

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("api_key", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_create_prints_the_key_once_and_stores_its_digest():
    token, note = run("create", "HR provisioning", "--scopes", "users:read,users:write", "--expires-in-days", "30")
    key = ApiKey.objects.get()
    assert token.startswith("eul_") and key.digest == token_digest(token) and token not in str(key.__dict__)
    assert key.scopes == ["users:read", "users:write"] and "shown only now" in note
    assert APIClient().get("/api/v1/users/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    listed, _ = run("list")
    assert "HR provisioning" in listed and token not in listed and "active" in listed
    run("revoke", "HR provisioning")
    assert APIClient().get("/api/v1/users/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert "revoked" in run("list")[0]


@pytest.mark.parametrize("args", [
    ["create", "x", "--scopes", "users:everything"],
    ["create", "x", "--scopes", ""],
    ["create", "x", "--scopes", "users:read", "--expires-in-days", "0"],
    ["create", "x", "--scopes", "users:read", "--expires-in-days", "9999"],
    ["revoke", "nobody"],
])
def test_bad_input_is_refused_with_a_clear_message(args):
    with pytest.raises(CommandError):
        run(*args)
    assert not ApiKey.objects.exists()


def test_the_same_name_twice_is_refused():
    run("create", "x", "--scopes", "users:read")
    with pytest.raises(CommandError):
        run("create", "x", "--scopes", "users:read")


def test_admin_makes_a_key_and_shows_it_once(admin_client):
    response = admin_client.post("/admin/api/apikey/add/", {"name": "Governance", "scopes": ["audit:read"],
                                                             "expires_at": ""}, follow=True)
    assert response.status_code == 200
    key = ApiKey.objects.get(name="Governance")
    token = next(m.message for m in response.context["messages"]).split(" is ")[1].split(" ")[0]
    assert key.digest == token_digest(token) and key.scopes == ["audit:read"]
    assert token not in admin_client.get(f"/admin/api/apikey/{key.pk}/change/").content.decode()
    admin_client.post("/admin/api/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_at is not None
