"""Every kind at once (phone, authenticator apps, security key, recovery codes): PANIC leaves none, and the admin shows a person's factors and
removes one with an audit entry and an email."""

import re

from django.core import mail
from django.urls import reverse
from django_otp import devices_for_user

from accounts.factors import second_factors
from accounts.models import AuditEvent
from mfa_recovery.models import RecoveryCode, RecoveryCodeSet
from mfa_sms.models import PhoneDevice
from mfa_totp.models import TOTPDevice
from mfa_webauthn.models import WebAuthnDevice
from tests.conftest import force_sign_in
from tests.mfa_recovery.conftest import new_request


def _every_kind(user):
    from mfa_recovery.services import recovery_codes_generate

    PhoneDevice.objects.create(user=user, number="+32470000001", name="Work", confirmed=True)
    TOTPDevice.objects.create(user=user, name="Pixel", confirmed=True)
    TOTPDevice.objects.create(user=user, name="half-enrolled", confirmed=False)
    WebAuthnDevice.objects.create(user=user, name="YubiKey", confirmed=True, credential_id="cred-1",
                                  public_key=b"\x01", user_handle="handle-1")
    recovery_codes_generate(request=new_request(), user=user)


def test_panic_removes_every_kind_of_second_factor(client, user, password):
    _every_kind(user)
    force_sign_in(client, user, kinds=("PASSWORD", "TOTP"))
    assert client.post(reverse("accounts:panic"), {"password": password}).status_code == 200
    assert not list(devices_for_user(user, confirmed=None))
    assert not any(list(factor.devices(user)) for factor in second_factors())
    assert not (PhoneDevice.objects.exists() or TOTPDevice.objects.exists() or WebAuthnDevice.objects.exists()
                or RecoveryCodeSet.objects.exists() or RecoveryCode.objects.exists())
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MFA_PANIC, user=user, detail__removed=5).exists()


def test_admin_lists_a_persons_factors_and_removes_one_with_audit_and_email(admin_client, user):
    _every_kind(user)
    page = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    links = re.findall(r'<a href="([^"]+)" class="second-factor">([^<]+)</a>', page)
    assert len(links) == 5  # the phone, both apps, the key, the recovery codes
    app = TOTPDevice.objects.get(name="Pixel")
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[app.pk])
    assert any(url == reverse("admin:otp_totp_totpdevice_change", args=[app.pk]) for url, _ in links)
    mail.outbox.clear()
    response = admin_client.post(delete, {"post": "yes"})
    assert response.status_code == 302 and not TOTPDevice.objects.filter(pk=app.pk).exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MFA_DEVICE_REMOVED, user=user, detail__method="TOTP").exists()
    assert mail.outbox and mail.outbox[-1].to == [user.email]
