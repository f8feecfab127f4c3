import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, SignInThrottle, UserSession
from accounts.signals import session_key_rotated
from tests.accounts.conftest import NEW_PASSWORD, is_signed_in
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def change(client, old, new=NEW_PASSWORD, confirm=None):
    return client.post(reverse("accounts:password_change"),
                       {"old_password": old, "new_password1": new, "new_password2": confirm or new})


def test_it_needs_a_signed_in_person(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_the_user_menu_links_to_it(signed_in_client):
    assert reverse("accounts:password_change") in signed_in_client.get(reverse("accounts:home")).content.decode()


def test_changing_keeps_this_session_ends_the_others_and_tells_the_person(
    user, signed_in_client, second_client, password, on_commit, mailoutbox, ended_sessions
):
    rotated = []

    def receiver(sender, user, old_session_key, new_session_key, **kwargs):
        rotated.append((user.pk, old_session_key, new_session_key))

    session_key_rotated.connect(receiver, dispatch_uid="tests.rotated")
    try:
        _change_and_check(user, signed_in_client, second_client, password, on_commit, mailoutbox, ended_sessions, rotated)
    finally:
        session_key_rotated.disconnect(dispatch_uid="tests.rotated")


def _change_and_check(user, signed_in_client, second_client, password, on_commit, mailoutbox, ended_sessions, rotated):
    other_key = second_client.session.session_key
    key_before = signed_in_client.session.session_key
    with on_commit():
        response = change(signed_in_client, password)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:my_account")

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert is_signed_in(signed_in_client)
    assert not is_signed_in(second_client)
    assert ended_sessions == [(user.pk, other_key)]
    # This session has a new key, and the session list follows it.
    key_after = signed_in_client.session.session_key
    assert key_after != key_before
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [key_after]
    assert rotated == [(user.pk, key_before, key_after)]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PASSWORD_CHANGED, user=user).exists()
    assert mailoutbox[-1].to == [user.email] and "has been changed" in mailoutbox[-1].subject
    assert sign_in(Client(), user.email, NEW_PASSWORD).status_code == 302


def test_a_wrong_current_password_is_refused_and_counted(user, signed_in_client, settings):
    settings.ACCOUNTS_LOCKOUT_ACCOUNT_FREE_FAILURES = 2
    for _ in range(2):
        assert change(signed_in_client, "not my password").status_code == 400
    assert SignInThrottle.objects.get(scope="account", key=f"user:{user.pk}").failures == 2
    change(signed_in_client, "not my password")
    locked = change(signed_in_client, "not my password")
    assert locked.status_code == 429
    user.refresh_from_db()
    assert not user.check_password(NEW_PASSWORD)


@pytest.mark.parametrize("new, confirm", [
    ("short", None), ("1234567890", None), (NEW_PASSWORD, NEW_PASSWORD + "!"), ("x" * 5000, None), ("", None),
])
def test_bad_new_passwords_are_refused(user, signed_in_client, password, new, confirm):
    assert change(signed_in_client, password, new, confirm).status_code == 400
    user.refresh_from_db()
    assert user.check_password(password)


def test_an_overlong_current_password_is_a_400(signed_in_client):
    assert change(signed_in_client, "y" * 100_000).status_code == 400
