from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent
from tests.conftest import sign_in


def _to_recovery(client, user):
    sign_in(client, user.email, method="TOTP")
    page = client.get(reverse("mfa_totp:signin")).content.decode()
    assert 'id="other-recovery_code"' in page and "use your device?" in page
    response = client.post(reverse("accounts:login_other"), {"kind": "RECOVERY_CODE"})
    assert response.status_code == 302 and response.url == reverse("mfa_recovery:signin")
    return client.get(response.url)


def test_a_recovery_code_signs_in_as_the_second_factor_and_emails(client, user, recovery_codes):
    assert _to_recovery(client, user).status_code == 200
    response = client.post(reverse("mfa_recovery:signin"), {"action": "verify", "code": recovery_codes[0]})
    assert response.status_code == 302
    assert [f["kind"] for f in client.session["eulogin_factors"]] == ["PASSWORD", "RECOVERY_CODE"]
    assert "recovery code" in mail.outbox[-1].subject.lower() and "9 codes are left" in mail.outbox[-1].body
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MFA_SUCCEEDED, detail__method="RECOVERY_CODE").exists()


def test_the_same_code_is_refused_the_second_time(client, user, recovery_codes):
    _to_recovery(client, user)
    client.post(reverse("mfa_recovery:signin"), {"action": "verify", "code": recovery_codes[0]})
    client.post(reverse("accounts:logout"))
    _to_recovery(client, user)
    response = client.post(reverse("mfa_recovery:signin"), {"action": "verify", "code": recovery_codes[0]})
    assert response.status_code == 400
    assert "already been used" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_recovery_step_needs_the_password_first(client, user, recovery_codes):
    client.post(reverse("accounts:login"), {"email": user.email})
    response = client.get(reverse("mfa_recovery:signin"))
    assert response.status_code == 302 and response.url == reverse("accounts:login")
