import pytest
from rest_framework.test import APIClient

from api.keys import api_key_create
from api.models import Scope
from tests.conftest import force_sign_in

ALL_SCOPES = Scope.values


@pytest.fixture
def make_key(db):
    def make(*scopes, name=None, **extra):
        key, token = api_key_create(name=name or f"key {'+'.join(scopes) or 'all'}", scopes=scopes or ALL_SCOPES,
                                    **extra)
        return key, token

    return make


@pytest.fixture
def key_client(make_key):
    """An API client holding a key with every scope; `.key` is the key."""
    key, token = make_key(name="HR provisioning")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.key = key
    return client


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def person_client(user):
    """The browser of `user`, signed in with a password and an SMS code just now, with CSRF
    checks on as in production."""
    client = APIClient(enforce_csrf_checks=True)
    force_sign_in(client, user)
    client.get("/api/v1/me/")
    return client


def csrf_headers(client) -> dict:
    """The header a single-page app sends on writes: the csrftoken cookie's value."""
    from django.middleware.csrf import _get_new_csrf_string

    token = client.cookies.get("csrftoken")
    if token is None:
        token_value = _get_new_csrf_string()
        client.cookies["csrftoken"] = token_value
    else:
        token_value = token.value
    return {"HTTP_X_CSRFTOKEN": token_value}
