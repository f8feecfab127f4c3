import pytest
from django.test import Client
from django.urls import reverse

from accounts import throttling
from accounts.models import AuditEvent, SignInThrottle, User
from tests.conftest import force_sign_in, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(make_user):
    admin = make_user(email="ada.admin@example.org", is_staff=True, is_superuser=True)
    c = Client()
    force_sign_in(c, admin)
    return c


def test_users_are_searchable_by_email_and_name(staff_client, make_user):
    make_user(email="jan.kowalski@example.org", first_name="Jan", last_name="Kowalski")
    make_user(email="eva.novak@example.org", first_name="Eva", last_name="Novak")
    url = reverse("admin:accounts_user_changelist")
    for query in ("kowalski", "JAN.KOWALSKI@", "Jan"):
        html = staff_client.get(url, {"q": query}).content.decode()
        assert "jan.kowalski@example.org" in html and "eva.novak@example.org" not in html


def _action(staff_client, action, users):
    return staff_client.post(reverse("admin:accounts_user_changelist"),
                             {"action": action, "_selected_action": [u.pk for u in users]})


def test_locking_stops_sign_in_and_unlocking_restores_it_and_clears_failures(staff_client, user, password, settings):
    assert _action(staff_client, "lock_accounts", [user]).status_code == 302
    user.refresh_from_db()
    assert user.locked_at is not None
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCOUNT_LOCKED, user=user).exists()
    refused = sign_in(Client(), user.email, password)
    assert refused.status_code == 403 and "This account is locked" in refused.content.decode()

    settings.ACCOUNTS_LOCKOUT_ACCOUNT_FREE_FAILURES = 1
    for _ in range(3):
        throttling.signin_failure_record(email=user.email, ip=None)
    assert _action(staff_client, "unlock_accounts", [user]).status_code == 302
    user.refresh_from_db()
    assert user.locked_at is None
    assert not SignInThrottle.objects.filter(key=f"user:{user.pk}").exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCOUNT_UNLOCKED, user=user).exists()
    assert sign_in(Client(), user.email, password).status_code == 302


def test_audit_events_are_browsable_and_searchable_but_not_editable(staff_client, user, password):
    sign_in(Client(), user.email, "a wrong password")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGNIN_FAILED)
    changelist = reverse("admin:accounts_auditevent_changelist")
    assert user.email in staff_client.get(changelist, {"q": user.email}).content.decode()
    assert staff_client.get(changelist, {"kind__exact": "signin_failed"}).status_code == 200
    assert staff_client.get(reverse("admin:accounts_auditevent_change", args=[event.pk])).status_code == 200
    assert staff_client.get(reverse("admin:accounts_auditevent_add")).status_code == 403


def test_the_session_admin_never_shows_session_keys(staff_client, signed_in_client):
    from accounts.models import UserSession

    session = UserSession.objects.get(user__email="anna.schmidt@example.org")
    html = staff_client.get(reverse("admin:accounts_usersession_change", args=[session.pk])).content.decode()
    assert session.session_key not in html
    assert session.session_key not in staff_client.get(reverse("admin:accounts_usersession_changelist")).content.decode()


def test_people_without_staff_status_cannot_open_the_admin(signed_in_client):
    response = signed_in_client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert User.objects.count() == 1


def test_admins_end_a_session_with_the_action(staff_client, user, signed_in_client, ended_sessions):
    from accounts.models import UserSession

    session = UserSession.objects.get(user=user)
    response = staff_client.post(reverse("admin:accounts_usersession_changelist"),
                                 {"action": "end_sessions", "_selected_action": [session.pk]})
    assert response.status_code == 302
    assert signed_in_client.get(reverse("accounts:my_account")).status_code == 302
    assert ended_sessions == [(user.pk, session.session_key)]


def test_a_users_page_lists_their_open_sessions_without_keys(staff_client, user, signed_in_client):
    from accounts.models import UserSession

    session = UserSession.objects.get(user=user)
    html = staff_client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    assert "Open sessions" in html and "127.0.0.1" in html
    assert session.session_key not in html


def test_the_audit_log_offers_no_action_and_cannot_be_erased(staff_client, user):
    from accounts.models import AuditEvent

    event = AuditEvent.objects.create(kind=AuditEvent.Kind.SIGNIN_FAILED, email=user.email)
    changelist = staff_client.get(reverse("admin:accounts_auditevent_changelist"))
    assert 'name="action"' not in changelist.content.decode()
    assert staff_client.get(reverse("admin:accounts_auditevent_delete", args=[event.pk])).status_code == 403


def test_locking_an_account_ends_its_open_sessions(staff_client, user, password):
    victim = Client()
    assert sign_in(victim, user.email, password).status_code == 302
    assert victim.get(reverse("accounts:my_account")).status_code == 200
    _action(staff_client, "lock_accounts", [user])
    assert victim.get(reverse("accounts:my_account")).status_code == 302
