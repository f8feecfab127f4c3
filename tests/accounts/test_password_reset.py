import pytest
from django.test import Client
from django.urls import reverse

from accounts import throttling
from accounts.models import AuditEvent, SignInThrottle, UserSession
from tests.accounts.conftest import NEW_PASSWORD, csrf_free, is_signed_in, later, link_path
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def ask_reset(client, on_commit, email, **headers):
    with on_commit():
        return client.post(reverse("accounts:password_reset"), {"email": email}, **headers)


def set_password(client, path, password=NEW_PASSWORD):
    return client.post(path, {"new_password1": password, "new_password2": password})


def test_the_password_step_links_to_lost_password(client):
    client.post(reverse("accounts:login"), {"email": "anyone@example.org"})
    assert reverse("accounts:password_reset") in client.get(reverse("accounts:login_password")).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email(user, on_commit, mailoutbox):
    answers = []
    for email in (user.email, "nobody.here@example.org"):
        c = Client()
        response = ask_reset(c, on_commit, email)
        page = c.get(response["Location"])
        answers.append((response.status_code, response["Location"], page.status_code, csrf_free(page.content.decode())))
    assert answers[0] == answers[1]
    assert [m.to for m in mailoutbox] == [[user.email]]
    requested = AuditEvent.objects.get(kind=AuditEvent.Kind.PASSWORD_RESET_REQUESTED)
    assert (requested.user, requested.ip_address) == (user, "127.0.0.1")


def test_the_reset_link_sets_the_password_ends_every_session_lifts_the_lock_and_tells_the_person(
    user, client, second_client, on_commit, mailoutbox, ended_sessions, settings
):
    settings.ACCOUNTS_LOCKOUT_ACCOUNT_FREE_FAILURES = 2
    for _ in range(3):
        throttling.signin_failure_record(email=user.email, ip="192.0.2.10")
    assert throttling.signin_locked_until(email=user.email, ip=None)
    session_key = UserSession.objects.get(user=user).session_key

    ask_reset(client, on_commit, user.email)
    path = link_path(mailoutbox[0].body)
    assert client.get(path).status_code == 200
    with on_commit():
        response = set_password(client, path)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not is_signed_in(second_client)
    assert not UserSession.objects.filter(user=user).exists()
    assert ended_sessions == [(user.pk, session_key)]
    assert not SignInThrottle.objects.filter(scope="account", key=f"user:{user.pk}").exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PASSWORD_RESET, user=user).exists()
    notice = mailoutbox[-1]
    assert notice.to == [user.email] and "has been reset" in notice.subject
    assert sign_in(Client(), user.email, NEW_PASSWORD).status_code == 302


def test_the_reset_link_works_once(user, client, on_commit, mailoutbox):
    ask_reset(client, on_commit, user.email)
    path = link_path(mailoutbox[0].body)
    assert set_password(client, path).status_code == 302
    assert client.get(path).status_code == 400
    assert set_password(client, path, "yet another passphrase 9").status_code == 400
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_the_reset_link_expires(user, client, on_commit, mailoutbox, settings, password):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    ask_reset(client, on_commit, user.email)
    path = link_path(mailoutbox[0].body)
    with later(3600 - 30):
        assert client.get(path).status_code == 200
    with later(3600 + 30):
        assert client.get(path).status_code == 400
        assert set_password(client, path).status_code == 400
    user.refresh_from_db()
    assert user.check_password(password)


def test_an_earlier_link_dies_once_a_later_one_is_used(user, client, on_commit, mailoutbox):
    ask_reset(client, on_commit, user.email)
    ask_reset(client, on_commit, user.email)
    first, second = (link_path(m.body) for m in mailoutbox)
    assert set_password(client, second).status_code == 302
    assert client.get(first).status_code == 400


@pytest.mark.parametrize("uidb64, token", [
    ("AAAA", "abc-def"),
    ("MQ", "nope"),
    ("YWJj", "abc-123"),  # "abc": not a number
    ("OTk5OTk5", "abc-123"),  # a user that does not exist
    ("%C3%A9%C3%A9", "%C3%A9"),
    ("A" * 500, "b" * 500),
    ("OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "abc-123"),  # overflowing number
])
def test_bad_uids_and_tokens_are_refused_without_error(client, user, uidb64, token):
    url = f"/account/password/reset/{uidb64}/{token}/"
    assert client.get(url).status_code in (400, 404)
    assert set_password(client, url).status_code in (400, 404)


def test_a_link_for_another_user_is_refused(client, user, make_user, on_commit, mailoutbox):
    other = make_user(email="other.person@example.org")
    ask_reset(client, on_commit, user.email)
    path = link_path(mailoutbox[0].body)
    token = path.rstrip("/").rsplit("/", 1)[1]
    from accounts.tokens import password_reset_uid

    url = reverse("accounts:password_reset_confirm", args=[password_reset_uid(other), token])
    assert client.get(url).status_code == 400


@pytest.mark.parametrize("email", ["", "x" * 300 + "@example.org", "not-an-email", "é\x00@example.org"])
def test_malformed_requests_get_a_400(client, on_commit, mailoutbox, email):
    assert ask_reset(client, on_commit, email).status_code == 400
    assert mailoutbox == []


def test_requests_are_limited_per_address_silently_and_per_ip_openly(user, client, on_commit, mailoutbox, settings):
    settings.ACCOUNTS_EMAIL_REQUESTS_PER_ADDRESS = 2
    settings.ACCOUNTS_EMAIL_REQUESTS_PER_IP = 3
    for _ in range(3):
        assert ask_reset(client, on_commit, user.email).status_code == 302
    assert len(mailoutbox) == 2
    refused = ask_reset(client, on_commit, "someone@example.org")
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()


def test_the_email_speaks_the_persons_language(make_user, client, on_commit, mailoutbox):
    person = make_user(email="luc.martin@example.org", preferred_language="fr")
    ask_reset(client, on_commit, person.email, HTTP_ACCEPT_LANGUAGE="en")
    assert "réinitialisez votre mot de passe" in mailoutbox[0].subject
