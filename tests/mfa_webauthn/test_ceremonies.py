"""The ceremonies, end to end through the views with a software authenticator: real
signatures, challenges single use and short-lived, the counter, RP ID and origins."""

from urllib.parse import urlencode

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.factors import session_factor_kinds, strengths_for
from accounts.models import AuditEvent
from mfa_webauthn.models import WebAuthnDevice
from tests.conftest import sign_in

from .authenticator import SoftAuthenticator
from .conftest import ORIGIN, register, sign_in_with_key


def _kinds(client) -> set[str]:
    request = type("R", (), {"session": client.session})()
    return session_factor_kinds(request)


def test_a_key_registers_with_a_name_and_signs_in_after_the_password(client, user, key):
    sign_in(client, user.email)
    mail.outbox.clear()
    response = register(client, key, name="Blue key")
    # A first second factor: recovery codes are offered, then the keys page.
    assert response.status_code == 302 and response["Location"] == (
        reverse("mfa_recovery:offer") + "?" + urlencode({"next": reverse("mfa_webauthn:keys")}))
    assert 'href="%s" id="offer-later"' % reverse("mfa_webauthn:keys") in client.get(response["Location"]).content.decode()
    device = WebAuthnDevice.objects.get(user=user)
    assert (device.name, device.confirmed, device.sign_count, device.transports) == ("Blue key", True, 0, ["usb"])
    assert device.created_at and device.last_used_at is None
    assert "Blue key" in client.get(reverse("mfa_webauthn:keys")).content.decode()
    assert [m.to for m in mail.outbox] == [[user.email]] and "Blue key" in mail.outbox[0].body
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MFA_DEVICE_ADDED, user=user, detail__method="WEBAUTHN").exists()

    client.logout()
    response = sign_in_with_key(client, user.email, key)
    assert response.status_code == 302, response.content[:400]
    assert _kinds(client) == {"PASSWORD", "WEBAUTHN"}
    assert strengths_for(_kinds(client))[0] == "PASSWORD_WEBAUTHN"
    device.refresh_from_db()
    assert device.sign_count == 1 and device.last_used_at is not None


def test_a_counter_that_does_not_grow_refuses_the_sign_in_and_emails_the_person(client, key_user, key):
    assert sign_in_with_key(client, key_user.email, key, sign_count=5).status_code == 302
    client.logout()
    mail.outbox.clear()
    response = sign_in_with_key(client, key_user.email, key, sign_count=3)
    assert response.status_code == 403
    assert "signature counter went backwards" in response.content.decode()
    assert not _kinds(client) & {"WEBAUTHN"} and "_auth_user_id" not in client.session
    assert [m.to for m in mail.outbox] == [[key_user.email]] and "Blue key" in mail.outbox[0].body
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MFA_FAILED, user=key_user, detail__reason="counter").exists()
    assert WebAuthnDevice.objects.get(user=key_user).sign_count == 5  # unchanged
    # The same count again is no better: a clone answers with the count it copied.
    assert sign_in_with_key(client, key_user.email, key, sign_count=5).status_code == 403


def test_a_challenge_older_than_its_lifetime_is_refused(client, key_user, key):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, key_user.email, method="WEBAUTHN")
        page = client.get(reverse("mfa_webauthn:signin"))
        clock.shift(5 * 60 + 1)
        response = client.post(reverse("mfa_webauthn:signin"),
                               {"action": "verify", "credential": key.get(page.context["options"])})
    assert response.status_code == 400 and "This request has expired" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_challenge_answers_once_and_a_replayed_answer_is_refused(client, key_user, key):
    sign_in(client, key_user.email, method="WEBAUTHN")
    page = client.get(reverse("mfa_webauthn:signin"))
    answer = key.get(page.context["options"])
    # A second page view replaced the challenge: the old answer is for a dead one.
    client.get(reverse("mfa_webauthn:signin"))
    response = client.post(reverse("mfa_webauthn:signin"), {"action": "verify", "credential": answer})
    assert response.status_code == 400 and "could not be verified" in response.content.decode()
    # A refused answer used the challenge up too; the next page has a new one.
    response = client.post(reverse("mfa_webauthn:signin"), {"action": "verify", "credential": answer})
    assert response.status_code == 400
    # Replayed after it worked: the challenge is gone from the session.
    client.logout()
    assert sign_in_with_key(client, key_user.email, key).status_code == 302
    session_answer = client.post(reverse("mfa_webauthn:verify"), {"credential": answer})
    assert session_answer.status_code == 400 and "This request has expired" in session_answer.content.decode()


def test_an_answer_for_another_rp_id_or_from_another_origin_does_not_sign_in(client, key_user, key):
    for rp_id, origin in (("evil.example.org", ORIGIN), (None, "https://eulogin.evil.example.org")):
        key.rp_id, key.origin = rp_id, origin
        client.logout()
        response = sign_in_with_key(client, key_user.email, key)
        assert response.status_code == 400 and "could not be verified" in response.content.decode(), origin
        assert "_auth_user_id" not in client.session


def test_registration_from_another_rp_id_or_origin_is_refused(client, user):
    sign_in(client, user.email)
    for authenticator in (SoftAuthenticator(origin=ORIGIN, rp_id="evil.example.org"),
                          SoftAuthenticator(origin="https://eulogin.evil.example.org")):
        response = register(client, authenticator)
        assert response.status_code == 400 and "could not be verified" in response.content.decode()
    assert not WebAuthnDevice.objects.exists()


def test_a_registration_challenge_is_single_use(client, user, key):
    sign_in(client, user.email)
    page = client.get(reverse("mfa_webauthn:key_add"))
    answer = key.create(page.context["options"])
    assert client.post(reverse("mfa_webauthn:key_add"), {"credential": answer}).status_code == 302
    replay = client.post(reverse("mfa_webauthn:key_add"), {"credential": answer})
    assert replay.status_code == 400 and "This request has expired" in replay.content.decode()
    assert WebAuthnDevice.objects.count() == 1


def test_the_same_key_cannot_be_registered_twice(client, user, key):
    sign_in(client, user.email)
    assert register(client, key).status_code == 302
    # Registering proved the key: still fresh, so the page opens without a new proof.
    response = register(client, key)
    assert response.status_code == 400 and "already registered" in response.content.decode()


def test_no_answer_from_the_browser_is_a_clear_400(client, key_user):
    sign_in(client, key_user.email, method="WEBAUTHN")
    for junk in ("", "not json", '{"id": 1}', "x" * 70_000):
        response = client.post(reverse("mfa_webauthn:signin"), {"action": "verify", "credential": junk})
        assert response.status_code == 400, junk[:20]
    assert "_auth_user_id" not in client.session


def test_passkey_sign_in_without_a_password(client, user, passkey):
    sign_in(client, user.email)
    assert register(client, passkey, kind="passkey").status_code == 302
    device = WebAuthnDevice.objects.get(user=user)
    assert device.discoverable and device.user_verified and device.is_passkey
    client.logout()

    page = client.get(reverse("mfa_webauthn:passkey"), {"next": "/account/my-account/"})
    assert page.context["options"]["allowCredentials"] == [] and page.context["options"]["userVerification"] == "required"
    response = client.post(reverse("mfa_webauthn:passkey"), {"credential": passkey.get(page.context["options"])})
    assert response.status_code == 302 and response["Location"] == "/account/my-account/"
    assert _kinds(client) == {"PASSKEY"} and client.session["_auth_user_id"] == str(user.pk)
    # Possession and PIN/biometrics at once: MEDIUM without a password.
    assert strengths_for(_kinds(client)) == ["PASSWORD_WEBAUTHN"]


def test_a_passkey_sign_in_needs_user_verification_and_a_discoverable_key(client, user, passkey, key_user, key):
    for authenticator in (key,):  # not discoverable: returns no user handle
        page = client.get(reverse("mfa_webauthn:passkey"))
        response = client.post(reverse("mfa_webauthn:passkey"), {"credential": authenticator.get(page.context["options"])})
        assert response.status_code == 400 and "_auth_user_id" not in client.session
    # A discoverable key that did not verify the person (no PIN, no biometrics).
    key.resident, key.user_handle = True, _handle(key_user)
    page = client.get(reverse("mfa_webauthn:passkey"))
    response = client.post(reverse("mfa_webauthn:passkey"), {"credential": key.get(page.context["options"])})
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def _handle(user) -> bytes:
    from .authenticator import unb64url

    return unb64url(WebAuthnDevice.objects.get(user=user).user_handle)


def test_passkey_answers_are_limited_per_address(client, db, settings, passkey):
    settings.MFA_WEBAUTHN_PASSKEY_LIMIT_PER_IP = (2, 600)
    for expected in (400, 400, 429):
        page = client.get(reverse("mfa_webauthn:passkey"))
        response = client.post(reverse("mfa_webauthn:passkey"), {"credential": passkey.get(page.context["options"])})
        assert response.status_code == expected
    assert "Too many attempts" in response.content.decode()


def test_rename_and_remove_are_audited_and_emailed(client, key_user, key):
    sign_in_with_key(client, key_user.email, key)
    device = WebAuthnDevice.objects.get(user=key_user)
    mail.outbox.clear()
    response = client.post(reverse("mfa_webauthn:key_rename", args=[device.pk]), {f"k{device.pk}-name": "Red key"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.name == "Red key"
    assert client.get(reverse("mfa_webauthn:key_remove", args=[device.pk])).status_code == 200
    assert client.post(reverse("mfa_webauthn:key_remove", args=[device.pk])).status_code == 302
    assert not WebAuthnDevice.objects.exists()
    assert [m.subject for m in mail.outbox] == ["A security key of your EU Login account was renamed",
                                                "A security key was removed from your EU Login account"]
    kinds = list(AuditEvent.objects.filter(user=key_user, detail__method="WEBAUTHN").values_list("kind", flat=True))
    assert AuditEvent.Kind.ACCOUNT_UPDATED in kinds and AuditEvent.Kind.MFA_DEVICE_REMOVED in kinds


def test_another_account_s_key_cannot_be_renamed_removed_or_used(client, make_user, key_user, key):
    other = make_user(email="other@example.org")
    device = WebAuthnDevice.objects.get(user=key_user)
    sign_in(client, other.email)
    assert client.post(reverse("mfa_webauthn:key_rename", args=[device.pk]), {f"k{device.pk}-name": "x"}).status_code == 404
    assert client.get(reverse("mfa_webauthn:key_remove", args=[device.pk])).status_code == 404
    client.logout()
    # The other account's password with this key: not its key.
    response = sign_in(client, other.email, method="WEBAUTHN")
    page = client.get(response["Location"])
    assert page.status_code == 400  # it has no key at all
    assert "_auth_user_id" not in client.session


def test_adding_a_key_when_another_factor_exists_needs_a_fresh_proof_of_it(client, key_user, key, settings):
    sign_in_with_key(client, key_user.email, key)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=11), tick=False):
        sign_in(client, key_user.email)  # the password again, but the key proved 11 minutes ago
        response = client.get(reverse("mfa_webauthn:key_add"))
    assert response.status_code == 302 and "/webauthn/verify/" in response["Location"]


def test_a_key_added_when_the_account_holds_recovery_codes_goes_straight_on(client, key_user, key):
    from mfa_recovery import services as recovery
    from tests.mfa_recovery.conftest import new_request

    recovery.recovery_codes_generate(request=new_request(), user=key_user)
    sign_in_with_key(client, key_user.email, key)
    response = register(client, SoftAuthenticator(origin=ORIGIN), name="Spare key")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_webauthn:keys")


def _passkey_sign_in(client, passkey):
    page = client.get(reverse("mfa_webauthn:passkey"))
    response = client.post(reverse("mfa_webauthn:passkey"), {"credential": passkey.get(page.context["options"])})
    assert response.status_code == 302 and _kinds(client) == {"PASSKEY"}


@pytest.fixture
def passkey_user(client, user, passkey, settings):
    """`user` with `passkey` registered, `client` signed out; a 10-minute window for a
    recent authentication."""
    settings.ACCOUNTS_REAUTHENTICATION_SECONDS = 600
    sign_in(client, user.email)
    assert register(client, passkey, kind="passkey").status_code == 302
    client.logout()
    return user


def test_a_passkey_sign_in_counts_as_a_recent_authentication_for_its_window(client, passkey_user, passkey):
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=1), tick=False) as clock:
        _passkey_sign_in(client, passkey)
        # No password was asked, and none is asked for a change within the window.
        assert client.get(reverse("mfa_webauthn:key_add")).status_code == 200
        assert client.get(reverse("mfa_recovery:generate"))["Location"] == reverse("mfa_recovery:codes")
        clock.shift(601)
        response = client.get(reverse("mfa_webauthn:key_add"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:reauthenticate"))


def test_past_the_window_a_passkey_confirms_instead_of_the_password(client, passkey_user, passkey):
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=1), tick=False) as clock:
        _passkey_sign_in(client, passkey)
        clock.shift(601)
        asked = client.get(reverse("mfa_webauthn:key_add"))
        assert asked["Location"].startswith(reverse("accounts:reauthenticate"))
        page = client.get(asked["Location"])
        # The page offers the passkey, coming back to the change that asked.
        passkey_url = page.context["passwordless"][0]["url"]
        assert passkey_url == reverse("mfa_webauthn:passkey") + "?" + urlencode({"next": reverse("mfa_webauthn:key_add")})
        assert b'id="reauthenticate-passkey"' in page.content
        ceremony = client.get(passkey_url)
        answer = client.post(reverse("mfa_webauthn:passkey"), {"credential": passkey.get(ceremony.context["options"])})
        assert answer.status_code == 302 and answer["Location"] == reverse("mfa_webauthn:key_add")
        assert client.get(answer["Location"]).status_code == 200


def test_the_reauthentication_page_offers_a_passkey_only_to_whoever_holds_one(client, key_user, key, settings):
    sign_in_with_key(client, key_user.email, key)  # a security key, not a passkey
    page = client.get(reverse("accounts:reauthenticate"), {"next": reverse("mfa_webauthn:key_add")})
    assert page.status_code == 200 and page.context["passwordless"] == []
    assert b"reauthenticate-passkey" not in page.content


def test_a_key_proved_after_an_old_password_is_no_recent_authentication(client, key_user, key, settings):
    settings.ACCOUNTS_REAUTHENTICATION_SECONDS = 600
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in_with_key(client, key_user.email, key)
        clock.shift(601)
        # A fresh security key (possession only, no user verification) does not renew it.
        page = client.get(reverse("mfa_webauthn:verify"))
        client.post(reverse("mfa_webauthn:verify"), {"credential": key.get(page.context["options"])})
        assert _kinds(client) == {"PASSWORD", "WEBAUTHN"}
        response = client.get(reverse("mfa_webauthn:key_add"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:reauthenticate"))


def test_a_form_sent_without_the_browsers_answer_says_why(client, user):
    """Pressed before the page's script listens (or with JavaScript off), the button sends
    no answer: the page says so instead of coming back unchanged."""
    sign_in(client, user.email)
    client.get(reverse("mfa_webauthn:key_add"), {"type": "passkey"})
    response = client.post(reverse("mfa_webauthn:key_add"), {"type": "passkey", "name": "Laptop", "credential": ""},
                           HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert "Votre navigateur n&#x27;a transmis aucune réponse d&#x27;une clé de sécurité" in response.content.decode()
    assert not WebAuthnDevice.objects.filter(user=user).exists()
