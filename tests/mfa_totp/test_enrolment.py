from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent
from mfa_totp.models import TOTPDevice

from .conftest import code_for, post_code, secret_on, wrong_code_for


def _start(client, name="My phone"):
    response = client.post(reverse("mfa_totp:device_add"), {"name": name})
    assert response.status_code == 302 and response.url == reverse("mfa_totp:device_confirm")
    return client.get(reverse("mfa_totp:device_confirm"))


def test_enrolment_shows_a_qr_code_as_svg_and_the_secret_grouped_for_typing(enrolling_client, user):
    page = _start(enrolling_client).content.decode()
    assert 'src="data:image/svg+xml;' in page
    secret = secret_on(page)
    groups = secret.split(" ")
    assert len("".join(groups)) == 32 and all(len(g) == 4 for g in groups)
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed and device.name == "My phone"


def test_the_qr_code_holds_the_otpauth_uri_with_the_issuer(enrolling_client, user):
    from urllib.parse import unquote

    page = _start(enrolling_client).content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert device.config_url.startswith("otpauth://totp/EU%20Login%3A")
    # segno draws the URI: the same text always makes the same SVG.
    from mfa_totp.provisioning import qr_code_data_uri

    assert unquote(qr_code_data_uri(device)) in unquote(page)


def test_a_current_code_confirms_the_app_audits_and_emails(enrolling_client, user):
    secret = secret_on(_start(enrolling_client).content.decode())
    response = post_code(enrolling_client, "mfa_totp:device_confirm", code_for(secret))
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MFA_DEVICE_ADDED, user=user, detail__method="TOTP").exists()
    assert mail.outbox[-1].to == [user.email] and "My phone" in mail.outbox[-1].body
    kinds = [f["kind"] for f in enrolling_client.session["eulogin_factors"]]
    assert "TOTP" in kinds


def test_a_wrong_code_does_not_confirm(enrolling_client, user):
    secret = secret_on(_start(enrolling_client).content.decode())
    device = TOTPDevice.objects.get(user=user)
    response = post_code(enrolling_client, "mfa_totp:device_confirm", wrong_code_for(device))
    assert response.status_code == 400
    assert not TOTPDevice.objects.get(user=user).confirmed
    assert secret_on(response.content.decode()) == secret


def test_cancel_drops_the_unconfirmed_app_and_its_secret(enrolling_client, user):
    _start(enrolling_client)
    response = enrolling_client.post(reverse("mfa_totp:device_confirm"), {"action": "cancel"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_several_apps_with_names(enrolling_client, user, app):
    from tests.conftest import force_sign_in

    force_sign_in(enrolling_client, user, kinds=("PASSWORD", "TOTP"))
    secret = secret_on(_start(enrolling_client, name="Tablet").content.decode())
    assert post_code(enrolling_client, "mfa_totp:device_confirm", code_for(secret)).status_code == 302
    page = enrolling_client.get(reverse("mfa_totp:devices")).content.decode()
    assert 'value="Phone"' in page and 'value="Tablet"' in page


def test_adding_a_second_app_needs_a_fresh_proof_of_the_first(enrolling_client, app):
    response = enrolling_client.get(reverse("mfa_totp:device_add"))
    assert response.status_code == 302 and response.url.startswith(reverse("mfa_totp:verify"))


def test_adding_an_app_needs_a_recent_password(client, user):
    from tests.conftest import force_sign_in

    force_sign_in(client, user, kinds=())
    response = client.get(reverse("mfa_totp:device_add"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:reauthenticate"))


def test_removing_an_app_audits_and_emails(enrolling_client, user, app):
    from tests.conftest import force_sign_in

    force_sign_in(enrolling_client, user, kinds=("PASSWORD", "TOTP"))
    response = enrolling_client.post(reverse("mfa_totp:device_remove", args=[app.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=app.pk).exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MFA_DEVICE_REMOVED, detail__method="TOTP").exists()
    assert "Phone" in mail.outbox[-1].body


def test_someone_elses_app_is_not_found(enrolling_client, make_user):
    other = make_user("other@example.org")
    device = TOTPDevice.objects.create(user=other, name="Theirs", confirmed=True)
    response = enrolling_client.post(reverse("mfa_totp:device_rename", args=[device.pk]), {f"d{device.pk}-name": "x"})
    assert response.status_code == 404
