from contextlib import contextmanager

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import UserSession
from tests.accounts.conftest import is_signed_in, later
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

CHROME_ON_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                     "Chrome/126.0.0.0 Safari/537.36")


@pytest.fixture
def chrome_client(user, password):
    c = Client(HTTP_USER_AGENT=CHROME_ON_WINDOWS, REMOTE_ADDR="198.51.100.7")
    assert sign_in(c, user.email, password).status_code == 302
    return c


def test_it_lists_each_session_with_browser_os_ip_and_marks_this_one(user, chrome_client, second_client):
    html = chrome_client.get(reverse("accounts:sessions")).content.decode()
    assert html.count('class="session') == 2
    assert "Chrome 126" in html and "Windows 10" in html and "198.51.100.7" in html
    assert "Firefox 128" in html and "Linux" in html
    current = UserSession.objects.get(session_key=chrome_client.session.session_key)
    assert f'class="session session-current" data-session="{current.pk}"' in html
    assert html.count("session-current") == 1
    assert second_client.session.session_key not in html and current.session_key not in html


def test_ending_another_session_signs_that_browser_out(user, chrome_client, second_client, ended_sessions):
    other = UserSession.objects.get(session_key=second_client.session.session_key)
    response = chrome_client.post(reverse("accounts:session_end", args=[other.pk]))
    assert response.status_code == 302
    assert not is_signed_in(second_client)
    assert is_signed_in(chrome_client)
    assert ended_sessions == [(user.pk, other.session_key)]


def test_ending_this_session_signs_out(user, chrome_client):
    current = UserSession.objects.get(session_key=chrome_client.session.session_key)
    response = chrome_client.post(reverse("accounts:session_end", args=[current.pk]))
    assert response.status_code == 200
    assert not is_signed_in(chrome_client)


def test_someone_elses_session_is_a_404_and_stays_open(make_user, chrome_client, password):
    stranger = make_user(email="stranger@example.org")
    theirs = Client()
    sign_in(theirs, stranger.email, password)
    session = UserSession.objects.get(user=stranger)
    assert chrome_client.post(reverse("accounts:session_end", args=[session.pk])).status_code == 404
    assert chrome_client.post(reverse("accounts:session_end", args=[999999])).status_code == 404
    assert is_signed_in(theirs)


def test_ending_all_other_sessions_keeps_this_one(user, password, chrome_client, second_client, ended_sessions):
    third = Client()
    sign_in(third, user.email, password)
    response = chrome_client.post(reverse("accounts:sessions_end_others"))
    assert response.status_code == 302
    assert "2 other sessions have been ended." in chrome_client.get(response["Location"]).content.decode()
    assert is_signed_in(chrome_client)
    assert not is_signed_in(second_client) and not is_signed_in(third)
    assert len(ended_sessions) == 2


def test_ending_needs_a_post(chrome_client):
    current = UserSession.objects.get(session_key=chrome_client.session.session_key)
    assert chrome_client.get(reverse("accounts:session_end", args=[current.pk])).status_code == 405
    assert chrome_client.get(reverse("accounts:sessions_end_others")).status_code == 405


def test_a_session_without_user_agent_is_listed(user, client, password):
    sign_in(client, user.email, password)
    assert client.get(reverse("accounts:sessions")).status_code == 200


def test_a_hostile_user_agent_is_stored_without_error(user, password):
    c = Client(HTTP_USER_AGENT="Mozilla/5.0\x00" + "A" * 2000)
    assert sign_in(c, user.email, password).status_code == 302
    session = UserSession.objects.get(session_key=c.session.session_key)
    assert "\x00" not in session.user_agent and len(session.user_agent) == 512
    assert c.get(reverse("accounts:sessions")).status_code == 200


@contextmanager
def _next_look(session_key: str):
    """A minute later, for this process and for Redis (whose TTLs do not travel in time)."""
    from django.core.cache import cache

    from accounts.activity import _cache_key

    with later(61):
        cache.delete(_cache_key(session_key))
        yield


def test_a_session_ended_while_the_cache_could_not_hear_it_is_signed_out_at_its_next_look(
        user, chrome_client, second_client):
    """The other session is ended, but its cached copy could not be removed (a Redis
    partition): only its rows go. Read back from the cache, it is still signed in; the
    next look at its record (once per ACCOUNTS_SESSION_TOUCH_SECONDS) signs it out before
    the page answers, and takes its SSO sessions along."""
    from django.contrib.sessions.models import Session

    key = second_client.session.session_key
    UserSession.objects.filter(session_key=key).delete()
    Session.objects.filter(session_key=key).delete()
    assert second_client.session.get("_auth_user_id")  # the cached copy lives on
    assert second_client.get(reverse("accounts:my_account")).status_code == 200  # until its next look
    with _next_look(key):
        response = second_client.get(reverse("accounts:my_account"))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
        assert not is_signed_in(second_client)
        assert is_signed_in(chrome_client)  # another session of the person is not touched


def test_a_session_signed_in_before_records_existed_is_recorded_not_signed_out(user, chrome_client):
    key = chrome_client.session.session_key
    UserSession.objects.filter(session_key=key).delete()
    session = chrome_client.session
    del session["_eulogin_recorded"]
    session.save()
    with _next_look(key):
        assert chrome_client.get(reverse("accounts:my_account")).status_code == 200
    assert UserSession.objects.filter(session_key=key, user=user).exists()
