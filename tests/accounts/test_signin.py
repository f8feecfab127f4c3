import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.factors import STRENGTH_PASSWORD, session_strength
from accounts.models import AuditEvent, SignInThrottle, UserSession
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_it_signs_in_with_email_then_password_and_rotates_the_session_key(client, user, password):
    client.post(reverse("accounts:login"), {"email": user.email})
    key_before = client.session.session_key
    assert key_before

    response = client.post(reverse("accounts:login_password"), {"password": password, "method": "PASSWORD"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    assert client.session.session_key != key_before
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session["eulogin_factors"][0]["kind"] == "PASSWORD"
    assert UserSession.objects.filter(user=user, session_key=client.session.session_key).exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGNIN_SUCCEEDED, user=user).exists()


def test_the_session_strength_after_a_password_is_password(rf, client, user, password):
    sign_in(client, user.email, password)
    request = rf.get("/")
    request.session = client.session
    assert session_strength(request) == STRENGTH_PASSWORD


def test_email_is_matched_whatever_its_case(client, user, password):
    response = sign_in(client, user.email.upper(), password)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_the_welcome_page_shows_the_email_with_its_domain_label(client, settings):
    settings.ACCOUNTS_INTERNAL_DOMAINS = ["staff.example.org"]
    client.post(reverse("accounts:login"), {"email": "pat@staff.example.org"})
    assert "(Internal)" in client.get(reverse("accounts:login_password")).content.decode()
    client.post(reverse("accounts:login"), {"email": "pat@example.org"})
    assert "(External)" in client.get(reverse("accounts:login_password")).content.decode()


def _strip_csrf(html: str) -> str:
    import re

    return re.sub(r'value="[A-Za-z0-9]{64}"', "", html).replace("anna.schmidt@example.org", "EMAIL").replace(
        "nobody.here@example.org", "EMAIL"
    )


def test_an_unknown_email_gets_the_same_pages_and_error_as_a_known_one(user):
    known, unknown = Client(), Client()
    pages = []
    for c, email in ((known, user.email), (unknown, "nobody.here@example.org")):
        first = c.post(reverse("accounts:login"), {"email": email})
        second = c.get(reverse("accounts:login_password"))
        failed = c.post(reverse("accounts:login_password"), {"password": "wrong password!", "method": "PASSWORD"})
        pages.append((first.status_code, first["Location"], _strip_csrf(second.content.decode()),
                      failed.status_code, _strip_csrf(failed.content.decode())))
    assert pages[0] == pages[1]
    assert "The email address or the password is incorrect." in pages[0][4]


def test_it_locks_the_account_after_the_configured_failures(client, user, password, settings):
    settings.ACCOUNTS_LOCKOUT_ACCOUNT_FREE_FAILURES = 3
    for _ in range(3):
        assert sign_in(client, user.email, "not the password").status_code == 400
    locked = sign_in(client, user.email, "not the password")
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()
    # Even the right password is refused while the lock lasts.
    assert sign_in(client, user.email, password).status_code == 429
    assert "_auth_user_id" not in client.session
    throttle = SignInThrottle.objects.get(scope="account", key=f"user:{user.pk}")
    assert throttle.failures == 4 and throttle.is_locked
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGNIN_LOCKED).exists()


def test_an_unknown_email_locks_exactly_like_a_known_one(client, settings):
    settings.ACCOUNTS_LOCKOUT_ACCOUNT_FREE_FAILURES = 2
    for _ in range(2):
        assert sign_in(client, "nobody.here@example.org", "x" * 12).status_code == 400
    assert sign_in(client, "nobody.here@example.org", "x" * 12).status_code == 429


def test_locks_grow_with_each_further_failure():
    from datetime import timedelta

    from accounts.throttling import lock_duration

    assert lock_duration(failures=5, free_failures=5) is None
    assert lock_duration(failures=6, free_failures=5) == timedelta(minutes=1)
    assert lock_duration(failures=7, free_failures=5) == timedelta(minutes=2)
    assert lock_duration(failures=60, free_failures=5) == timedelta(days=1)


def test_the_client_ip_is_limited_across_accounts(client, make_user, settings):
    settings.ACCOUNTS_LOCKOUT_IP_FREE_FAILURES = 3
    for i in range(3):
        assert sign_in(client, f"person{i}@example.org", "wrong password").status_code == 400
    assert sign_in(client, "another@example.org", "wrong password").status_code == 429


def test_a_correct_password_resets_the_account_counter(client, user, password, settings):
    settings.ACCOUNTS_LOCKOUT_ACCOUNT_FREE_FAILURES = 3
    sign_in(client, user.email, "wrong password")
    sign_in(Client(), user.email, password)
    assert not SignInThrottle.objects.filter(scope="account", key=f"user:{user.pk}").exists()


def test_a_user_locked_by_an_admin_is_told_so_only_after_the_right_password(client, user, password):
    from django.utils import timezone

    user.locked_at = timezone.now()
    user.save()
    wrong = sign_in(client, user.email, "wrong password")
    assert "locked" not in wrong.content.decode()
    right = sign_in(client, user.email, password)
    assert right.status_code == 403
    assert "This account is locked" in right.content.decode()


def test_next_url_on_this_site_is_followed(client, user, password):
    response = sign_in(client, user.email, password, next_url="/account/my-account/")
    assert response["Location"] == "/account/my-account/"


@pytest.mark.parametrize("evil", ["https://evil.example.net/", "//evil.example.net/", "/\\evil.example.net", "javascript:alert(1)"])
def test_next_url_elsewhere_is_ignored(client, user, password, evil):
    client.get(reverse("accounts:login"), {"next": evil})
    response = sign_in(client, user.email, password, next_url=evil)
    assert response["Location"] == reverse("accounts:home")


def test_csrf_is_enforced_on_every_step(user, password):
    c = Client(enforce_csrf_checks=True)
    assert c.post(reverse("accounts:login"), {"email": user.email}).status_code == 403
    assert c.post(reverse("accounts:login_password"), {"password": password}).status_code == 403
    assert c.post(reverse("accounts:logout")).status_code == 403


@pytest.mark.parametrize(
    "email",
    ["", " ", "a" * 300 + "@example.org", "ünïcödé@exämple.org\u0000", "not-an-email", "<script>@x"],
)
def test_malformed_emails_get_a_clear_400_never_a_500(client, email):
    response = client.post(reverse("accounts:login"), {"email": email})
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()


@pytest.mark.parametrize("password_value", ["", "p" * 5000, "mot de passe \u0000 nul", "🔑" * 50])
def test_malformed_passwords_never_give_a_500(client, user, password_value):
    client.post(reverse("accounts:login"), {"email": user.email})
    response = client.post(reverse("accounts:login_password"), {"password": password_value, "method": "PASSWORD"})
    assert response.status_code == 400


def test_an_unknown_method_is_refused_cleanly(client, user, password):
    client.post(reverse("accounts:login"), {"email": user.email})
    response = client.post(reverse("accounts:login_password"), {"password": password, "method": "TELEPATHY"})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_the_password_step_without_an_email_goes_back_to_step_one(client):
    assert client.get(reverse("accounts:login_password"))["Location"] == reverse("accounts:login")
    assert client.post(reverse("accounts:login_password"), {"password": "x"})["Location"] == reverse("accounts:login")


def test_sign_out_ends_the_session(signed_in_client, user):
    key = signed_in_client.session.session_key
    response = signed_in_client.post(reverse("accounts:logout"))
    assert response.status_code == 200
    assert "_auth_user_id" not in signed_in_client.session
    assert not UserSession.objects.filter(session_key=key).exists()
    assert signed_in_client.get(reverse("accounts:my_account")).status_code == 302


def test_the_preferred_language_is_applied_at_sign_in(client, make_user, password, settings):
    make_user(email="lena@example.org", preferred_language="fr")
    response = sign_in(client, "lena@example.org", password)
    # Applied, not written into this browser's own choice (accounts.language).
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert "Mon compte" in client.get(reverse("accounts:my_account")).content.decode()


def test_choosing_a_language_while_signed_in_changes_this_browser_not_the_account(signed_in_client, user):
    signed_in_client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == ""
    assert "Mon compte" in signed_in_client.get(reverse("accounts:my_account")).content.decode()


def test_the_accept_language_header_chooses_the_language(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert "Connectez-vous pour continuer" in response.content.decode()


def test_my_account_shows_only_tiles_that_lead_somewhere(signed_in_client):
    from django.urls import NoReverseMatch
    from django.urls import reverse as rev

    from accounts.tiles import TILES

    html = signed_in_client.get(reverse("accounts:my_account")).content.decode()
    for tile in TILES:
        try:
            url = rev(tile.url_name)
        except NoReverseMatch:
            assert f"tile-{tile.key}" not in html
        else:
            assert f'href="{url}"' in html


@pytest.mark.parametrize("spelling", ["ANNA.SCHMIDT@EXAMPLE.ORG", " anna.schmidt@example.org ", "Anna.Schmidt@Example.org"])
def test_another_spelling_of_the_address_gets_no_fresh_attempts(client, user, password, settings, spelling):
    settings.ACCOUNTS_LOCKOUT_ACCOUNT_FREE_FAILURES = 2
    for _ in range(2):
        sign_in(Client(), user.email, "wrong password")
    assert sign_in(Client(), spelling, "wrong password").status_code == 429
    assert sign_in(Client(), spelling, password).status_code == 429


def test_unicode_spellings_of_an_unknown_address_share_one_counter(settings):
    from accounts.throttling import account_key

    assert account_key("ﬁle@example.org") == account_key("FILE@example.org") == "email:file@example.org"


def test_a_unicode_case_variant_of_a_locked_address_is_locked_too(client, make_user, password, settings):
    # 'ſ' (U+017F) upper-cases to 'S': PostgreSQL's case-insensitive match signs
    # 'ſikes@…' in as 'sikes@…', so it must share that account's counter. (SQLite folds
    # ASCII only: there the variant names no account and gets an error anyway.)
    settings.ACCOUNTS_LOCKOUT_ACCOUNT_FREE_FAILURES = 5
    make_user(email="sikes@example.org")
    for _ in range(6):
        sign_in(Client(), "sikes@example.org", "wrong password")
    variant = "\u017fikes@example.org"
    response = sign_in(client, variant, password)
    assert "_auth_user_id" not in client.session
    if connection.vendor == "postgresql":
        assert response.status_code == 429
