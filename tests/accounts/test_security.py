"""CSRF on every form of the accounts app, and no server error on malformed requests."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import UserSession
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

POSTS = [
    ("accounts:register", {"first_name": "A", "last_name": "B", "email": "a.b@example.org"}),
    ("accounts:password_reset", {"email": "a.b@example.org"}),
    ("accounts:password_change", {"old_password": "x", "new_password1": "y", "new_password2": "y"}),
    ("accounts:personal_data", {"first_name": "A", "last_name": "B", "preferred_language": ""}),
    ("accounts:configure", {"preferred_language": "", "preferred_method": ""}),
    ("accounts:delete", {"password": "x"}),
    ("accounts:sessions_end_others", {}),
]


@pytest.fixture
def csrf_client(user, password):
    c = Client(enforce_csrf_checks=True)
    c.force_login(user)
    return c


@pytest.mark.parametrize("name, data", POSTS)
def test_posts_without_a_csrf_token_are_refused(csrf_client, name, data):
    assert csrf_client.post(reverse(name), data).status_code == 403


def test_ending_a_session_without_a_csrf_token_is_refused(user, password):
    c = Client(enforce_csrf_checks=True)
    sign_in(c, user.email, password)  # fails CSRF, so sign in another way
    c.force_login(user)
    c.get(reverse("accounts:sessions"))
    session = UserSession.objects.filter(user=user).first()
    assert session is not None
    assert c.post(reverse("accounts:session_end", args=[session.pk])).status_code == 403
    assert UserSession.objects.filter(pk=session.pk).exists()


JUNK = ["", "é" * 300, "\x00", "x" * 20_000, "<script>alert(1)</script>", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂"]


@pytest.mark.parametrize("junk", JUNK)
def test_malformed_fields_never_cause_a_server_error(signed_in_client, junk):
    for name, data in POSTS[:-1]:
        response = signed_in_client.post(reverse(name), {key: junk for key in data})
        assert response.status_code < 500, (name, junk, response.status_code)
        assert b"<script>alert(1)</script>" not in response.content


@pytest.mark.parametrize("path", [
    "/account/register/confirm/%00/",
    "/account/register/confirm/..%2F..%2Fetc/",
    "/account/password/reset/%00/%00/",
    "/account/password/reset/MQ/" + "z" * 5000 + "/",
    "/account/my-account/sessions/99999999999999999999999/end/",
])
def test_malformed_links_never_cause_a_server_error(signed_in_client, path):
    assert signed_in_client.get(path).status_code < 500
    assert signed_in_client.post(path).status_code < 500
