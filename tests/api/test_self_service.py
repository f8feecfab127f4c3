"""Self-service with the browser session: the rules of "Mon compte", through the API."""

import pytest
from django.core import mail
from django.utils import timezone

from accounts.factors import SESSION_KEY
from accounts.models import AuditEvent, UserSession
from mfa_sms.models import PhoneDevice
from tests.conftest import force_sign_in
from tests.fake_factor.models import FakeToken
from tests.mfa_sms.conftest import last_code, sms_locmem  # noqa: F401  (fixture)

from .conftest import csrf_headers

pytestmark = pytest.mark.django_db


def _age_factors(client, seconds: int) -> None:
    """Make this session's proofs `seconds` old."""
    session = client.session
    at = (timezone.now() - timezone.timedelta(seconds=seconds)).isoformat()
    session[SESSION_KEY] = [{**f, "at": at} for f in session[SESSION_KEY]]
    session.save()


def test_me_reads_and_changes_personal_data(person_client, user):
    me = person_client.get("/api/v1/me/")
    assert me.json()["email"] == user.email and me.json()["strength"] == "PASSWORD_SMS"
    changed = person_client.patch("/api/v1/me/", {"first_name": "Annie", "preferred_language": "fr"}, format="json",
                                  HTTP_IF_MATCH=me["ETag"], **csrf_headers(person_client))
    assert changed.status_code == 200, changed.json()
    user.refresh_from_db()
    assert (user.first_name, user.preferred_language) == ("Annie", "fr")
    stale = person_client.patch("/api/v1/me/", {"first_name": "Anne"}, format="json", HTTP_IF_MATCH=me["ETag"],
                                **csrf_headers(person_client))
    assert stale.status_code == 412
    bad = person_client.patch("/api/v1/me/", {"preferred_method": "TELEPATHY"}, format="json",
                              **csrf_headers(person_client))
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "preferred_method"


def test_errors_speak_the_language_of_accept_language(db):
    from rest_framework.test import APIClient

    english = APIClient().get("/api/v1/users/", HTTP_ACCEPT_LANGUAGE="en").json()
    french = APIClient().get("/api/v1/users/", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert english["code"] == french["code"] == "not_authenticated"
    assert english["message"] != french["message"]
    assert "authentification" in french["message"].lower()
    unknown = APIClient().get("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="fr")
    assert unknown.status_code == 404 and unknown.json() == {"status": 404, "code": "not_found",
                                                              "message": "Non trouvé.", "errors": []}


def test_sessions_list_end_one_and_end_others(person_client, user):
    from django.test import Client

    other = Client()
    force_sign_in(other, user)
    other.get("/api/v1/me/")
    rows = person_client.get("/api/v1/me/sessions/").json()
    assert len(rows) == 2 and rows[0]["is_current"] and not rows[1]["is_current"]
    current = person_client.delete(f"/api/v1/me/sessions/{rows[0]['id']}/", **csrf_headers(person_client))
    assert current.status_code == 409 and current.json()["code"] == "current_session"
    assert person_client.delete(f"/api/v1/me/sessions/{rows[1]['id']}/", **csrf_headers(person_client)).status_code == 204
    assert other.get("/account/my-account/").status_code == 302  # that browser is signed out
    force_sign_in(other, user)
    other.get("/api/v1/me/")
    assert person_client.post("/api/v1/me/sessions/end-others/", **csrf_headers(person_client)).json() == {"ended": 1}
    assert UserSession.objects.filter(user=user).count() == 1


def test_factors_of_every_kind_are_listed_renamed_and_removed(person_client, user, django_capture_on_commit_callbacks):
    phone = PhoneDevice.objects.create(user=user, number="+32470000001", name="Work", confirmed=True)
    token = FakeToken.objects.create(user=user, name="Desk", secret="s3cret", confirmed=True)
    PhoneDevice.objects.create(user=user, number="+32470000009", confirmed=False)  # not enrolled: not listed
    rows = person_client.get("/api/v1/me/factors/").json()
    assert {(r["kind"], r["id"], r["name"]) for r in rows} == {("SMS", phone.pk, "Work"), ("FAKE", token.pk, "Desk")}
    renamed = person_client.patch(f"/api/v1/me/factors/SMS/{phone.pk}/", {"name": "Private"}, format="json",
                                  **csrf_headers(person_client))
    assert renamed.status_code == 200 and renamed.json()["name"] == "Private"
    with django_capture_on_commit_callbacks(execute=True):
        with_sms = person_client.delete(f"/api/v1/me/factors/SMS/{phone.pk}/", **csrf_headers(person_client))
    assert with_sms.status_code == 204
    assert not PhoneDevice.objects.filter(pk=phone.pk).exists()
    assert "removed" in mail.outbox[-1].subject  # the person is told, as from the page
    force_sign_in(person_client, user, kinds=("PASSWORD", "FAKE"))  # the factor left is the one to prove now
    assert person_client.delete(f"/api/v1/me/factors/FAKE/{token.pk}/", **csrf_headers(person_client)).status_code == 204
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MFA_DEVICE_REMOVED, user=user).count() == 2


def test_removing_a_factor_needs_a_recent_password_and_a_fresh_second_factor(person_client, user, password):
    phone = PhoneDevice.objects.create(user=user, number="+32470000001", confirmed=True)
    _age_factors(person_client, 3600)
    url = f"/api/v1/me/factors/SMS/{phone.pk}/"
    refused = person_client.delete(url, **csrf_headers(person_client))
    assert refused.status_code == 403 and refused.json()["code"] == "recent_password_required"
    wrong = person_client.post("/api/v1/me/reauthenticate/", {"password": "nope"}, format="json",
                               **csrf_headers(person_client))
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "password"
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGNIN_FAILED, user=user).exists()
    assert person_client.post("/api/v1/me/reauthenticate/", {"password": password}, format="json",
                              **csrf_headers(person_client)).status_code == 204
    refused = person_client.delete(url, **csrf_headers(person_client))
    assert refused.status_code == 403 and refused.json()["code"] == "second_factor_required"
    assert PhoneDevice.objects.filter(pk=phone.pk).exists()


def test_prove_sms_then_add_a_phone_with_its_code(person_client, user, sms_locmem,  # noqa: F811
                                                   django_capture_on_commit_callbacks):
    phone = PhoneDevice.objects.create(user=user, number="+32470000001", confirmed=True)
    _age_factors(person_client, 3600)
    person_client.post("/api/v1/me/reauthenticate/", {"password": "correct horse battery staple"}, format="json",
                       **csrf_headers(person_client))
    with django_capture_on_commit_callbacks(execute=True):
        sent = person_client.post("/api/v1/me/verification/sms/", {"factor": phone.pk}, format="json",
                                  **csrf_headers(person_client))
    assert sent.status_code == 202, sent.json()
    wrong = person_client.post("/api/v1/me/verification/sms/confirm/", {"code": "AAAA-AAAA"}, format="json",
                               **csrf_headers(person_client))
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "code"
    proved = person_client.post("/api/v1/me/verification/sms/confirm/", {"code": last_code()},
                                format="json", **csrf_headers(person_client))
    assert proved.status_code == 204

    with django_capture_on_commit_callbacks(execute=True):
        added = person_client.post("/api/v1/me/phones/", {"phone": "+32 470 00 00 02", "label": "Spare"},
                                   format="json", **csrf_headers(person_client))
    assert added.status_code == 202, added.json()
    assert added.json()["number"] == "+32 470 00 00 02"
    resent = person_client.post("/api/v1/me/phones/resend/", **csrf_headers(person_client))
    assert resent.status_code == 429  # the resend cooldown of the page
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = person_client.post("/api/v1/me/phones/confirm/", {"code": last_code()}, format="json",
                                       **csrf_headers(person_client))
    assert confirmed.status_code == 201, confirmed.json()
    assert confirmed.json()["kind"] == "SMS" and confirmed.json()["name"] == "Spare"
    assert PhoneDevice.objects.filter(user=user, confirmed=True).count() == 2
    assert "added" in mail.outbox[-1].subject


def test_own_audit_lists_only_mine(person_client, user, make_user):
    from accounts.audit import audit_event_record

    audit_event_record(kind=AuditEvent.Kind.SIGNIN_SUCCEEDED, user=user)
    audit_event_record(kind=AuditEvent.Kind.SIGNIN_SUCCEEDED, user=make_user("bo@example.org"))
    events = person_client.get("/api/v1/me/audit/").json()["results"]
    assert len(events) == 1 and all(set(e) == {"id", "created_at", "kind", "ip_address", "user_agent", "detail"} for e in events)


def test_after_the_last_number_went_a_new_one_needs_the_email_proof(person_client, user):
    from mfa_sms.models import PhoneHistory

    PhoneHistory.objects.create(user=user)  # the account had numbers; none is left
    refused = person_client.post("/api/v1/me/phones/", {"phone": "+32 470 00 00 02"}, format="json",
                                 **csrf_headers(person_client))
    assert refused.status_code == 403 and refused.json()["code"] == "email_confirmation_required"
    assert not PhoneDevice.objects.filter(user=user).exists()


def test_security_keys_are_factors_like_the_others(person_client, user, django_capture_on_commit_callbacks):
    from mfa_webauthn.models import WebAuthnDevice

    device = WebAuthnDevice.objects.create(user=user, name="YubiKey", credential_id="cred-1", public_key=b"k",
                                           user_handle="h", confirmed=True)
    force_sign_in(person_client, user, kinds=("PASSWORD", "WEBAUTHN"))
    (row,) = person_client.get("/api/v1/me/factors/").json()
    assert (row["kind"], row["id"], row["name"]) == ("WEBAUTHN", device.pk, "YubiKey")
    with django_capture_on_commit_callbacks(execute=True):
        renamed = person_client.patch(f"/api/v1/me/factors/WEBAUTHN/{device.pk}/", {"name": "Blue key"},
                                      format="json", **csrf_headers(person_client))
        assert renamed.status_code == 200 and renamed.json()["name"] == "Blue key"
        assert person_client.delete(f"/api/v1/me/factors/WEBAUTHN/{device.pk}/",
                                    **csrf_headers(person_client)).status_code == 204
    assert not WebAuthnDevice.objects.filter(pk=device.pk).exists()
    assert len(mail.outbox) == 2  # renamed, removed: told as from the page


def test_a_code_entered_too_soon_after_wrong_ones_gets_429_with_the_wait(person_client, user, settings,
                                                                          sms_locmem,  # noqa: F811
                                                                          django_capture_on_commit_callbacks):
    settings.MFA_SMS_FREE_WRONG_ENTRIES = 0
    settings.MFA_SMS_THROTTLE_FACTOR = 30
    phone = PhoneDevice.objects.create(user=user, number="+32470000001", confirmed=True)
    with django_capture_on_commit_callbacks(execute=True):
        person_client.post("/api/v1/me/verification/sms/", {"factor": phone.pk}, format="json",
                           **csrf_headers(person_client))
    wrong = person_client.post("/api/v1/me/verification/sms/confirm/", {"code": "AAAA-AAAA"}, format="json",
                               **csrf_headers(person_client))
    assert wrong.status_code == 400
    too_soon = person_client.post("/api/v1/me/verification/sms/confirm/", {"code": last_code()}, format="json",
                                  HTTP_ACCEPT_LANGUAGE="en", **csrf_headers(person_client))
    assert too_soon.status_code == 429 and too_soon.json()["code"] == "throttled"
    assert 1 <= int(too_soon["Retry-After"]) <= 30
    assert "wait" in too_soon.json()["message"] and "Expected available" not in too_soon.json()["message"]


def test_apps_and_recovery_codes_are_removed_through_their_services(person_client, user,
                                                                     django_capture_on_commit_callbacks):
    from mfa_recovery import services as recovery_services
    from mfa_recovery.models import RecoveryCodeSet
    from mfa_totp.models import TOTPDevice
    from tests.mfa_recovery.conftest import new_request

    app = TOTPDevice.objects.create(user=user, name="Phone app", confirmed=True)
    recovery_services.recovery_codes_generate(request=new_request(), user=user)
    codes_set = RecoveryCodeSet.objects.get(user=user)
    force_sign_in(person_client, user, kinds=("PASSWORD", "TOTP"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert person_client.delete(f"/api/v1/me/factors/RECOVERY_CODE/{codes_set.pk}/",
                                    **csrf_headers(person_client)).status_code == 204
        assert person_client.delete(f"/api/v1/me/factors/TOTP/{app.pk}/",
                                    **csrf_headers(person_client)).status_code == 204
    assert not RecoveryCodeSet.objects.filter(user=user).exists() and not TOTPDevice.objects.filter(user=user).exists()
    assert [m.subject for m in mail.outbox] == ["The recovery codes of your EU Login account were removed",
                                                "An authenticator app was removed from your EU Login account"]
    methods = set(AuditEvent.objects.filter(kind=AuditEvent.Kind.MFA_DEVICE_REMOVED, user=user)
                  .values_list("detail__method", flat=True))
    assert methods == {"RECOVERY_CODE", "TOTP"}
