import re
from urllib.parse import unquote

from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent
from mfa_recovery import codes as codes_module
from mfa_recovery import services
from mfa_recovery.models import RecoveryCode
from mfa_recovery.selectors import recovery_codes_remaining
from tests.conftest import force_sign_in

from .conftest import new_request

CODE_RE = re.compile(r"<code>([A-Z2-9]{5}-[A-Z2-9]{5})</code>")


def test_a_set_is_ten_codes_stored_only_as_hmacs(recovery_codes, user):
    assert len(recovery_codes) == 10 and len(set(recovery_codes)) == 10
    stored = list(RecoveryCode.objects.filter(device__user=user).values_list("code_hmac", flat=True))
    assert len(stored) == 10
    for code in recovery_codes:
        bare = codes_module.code_normalise(code)
        assert all(bare not in value and code not in value for value in stored)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM mfa_recovery_recoverycode")
        dump = repr(cursor.fetchall())
    assert not any(codes_module.code_normalise(code) in dump for code in recovery_codes)


def test_generating_shows_the_codes_once_with_a_download(client, user, app):
    force_sign_in(client, user, kinds=("PASSWORD", "TOTP"))
    response = client.post(reverse("mfa_recovery:generate"))
    assert response.status_code == 302 and response.url == reverse("mfa_recovery:show")
    page = client.get(reverse("mfa_recovery:show")).content.decode()
    shown = CODE_RE.findall(page)
    assert len(shown) == 10
    download = re.search(r'href="(data:text/plain;charset=utf-8,[^"]+)" download="eulogin-recovery-codes.txt"', page)
    assert download and all(code in unquote(download.group(1)) for code in shown)
    # Shown once: a second look has nothing to show.
    again = client.get(reverse("mfa_recovery:show"))
    assert again.status_code == 302 and not CODE_RE.findall(client.get(again.url).content.decode())
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MFA_DEVICE_ADDED, detail__method="RECOVERY_CODE").exists()
    assert mail.outbox[-1].to == [user.email]


def test_new_codes_kill_the_old_ones(recovery_codes, user):
    from mfa_recovery import services

    services.recovery_codes_generate(request=new_request(), user=user)
    result, _device = services.recovery_code_verify(request=new_request(), user=user, code=recovery_codes[0],
                                                    purpose="signin")
    assert result is services.VerifyResult.WRONG
    assert recovery_codes_remaining(user=user) == 10


def test_generating_needs_another_factor_first(client, user):
    force_sign_in(client, user, kinds=("PASSWORD",))
    page = client.get(reverse("mfa_recovery:codes")).content.decode()
    assert 'id="recovery-needs-factor"' in page and 'id="generate-button"' not in page
    client.post(reverse("mfa_recovery:generate"))
    assert not RecoveryCode.objects.exists()


def test_generating_needs_a_fresh_proof_of_the_other_factor(client, user, app):
    force_sign_in(client, user, kinds=("PASSWORD",))
    response = client.post(reverse("mfa_recovery:generate"))
    assert response.status_code == 302 and response.url.startswith(reverse("mfa_totp:verify"))
    assert not RecoveryCode.objects.exists()


def test_the_codes_page_warns_at_three_left(client, user, recovery_codes):
    from mfa_recovery import services

    force_sign_in(client, user, kinds=("PASSWORD", "TOTP"))
    for code in recovery_codes[:6]:
        services.recovery_code_verify(request=new_request(), user=user, code=code, purpose="signin")
    page = client.get(reverse("mfa_recovery:codes")).content.decode()
    assert "4 recovery codes left" in page and "alert-info" in page
    services.recovery_code_verify(request=new_request(), user=user, code=recovery_codes[6], purpose="signin")
    page = client.get(reverse("mfa_recovery:codes")).content.decode()
    assert "3 recovery codes left" in page and "Generate new codes before you run out" in page


def test_a_code_is_typed_in_any_case_with_or_without_its_dash(recovery_codes, user):
    from mfa_recovery import services

    typed = recovery_codes[0].replace("-", " ").lower()
    result, _device = services.recovery_code_verify(request=new_request(), user=user, code=typed, purpose="signin")
    assert result is services.VerifyResult.OK


def test_the_person_removes_their_codes_with_a_fresh_proof(client, user, recovery_codes):
    force_sign_in(client, user, kinds=("PASSWORD", "TOTP"))
    page = client.get(reverse("mfa_recovery:codes")).content.decode()
    assert 'id="remove-codes-button"' in page
    mail.outbox.clear()
    response = client.post(reverse("mfa_recovery:remove"))
    assert response.status_code == 302 and response.url == reverse("mfa_recovery:codes")
    assert not RecoveryCode.objects.filter(device__user=user).exists()
    assert AuditEvent.objects.filter(user=user, kind=AuditEvent.Kind.MFA_DEVICE_REMOVED, detail__method="RECOVERY_CODE").exists()
    assert len(mail.outbox) == 1 and user.email in mail.outbox[0].to
    page = client.get(response.url).content.decode()
    assert "none of them signs you in any more" in page and 'id="remove-codes-button"' not in page
    # None of the old codes signs in any more.
    result, _set = services.recovery_code_verify(request=new_request(), user=user, code=recovery_codes[0], purpose="signin")
    assert result is services.VerifyResult.WRONG


def test_removing_the_codes_needs_a_fresh_proof_and_a_post(client, user, recovery_codes):
    force_sign_in(client, user, kinds=("PASSWORD",))
    response = client.post(reverse("mfa_recovery:remove"))
    assert response.status_code == 302 and response.url.startswith(reverse("mfa_totp:verify"))
    force_sign_in(client, user, kinds=("PASSWORD", "TOTP"))
    assert client.get(reverse("mfa_recovery:remove")).url == reverse("mfa_recovery:codes")
    assert RecoveryCode.objects.filter(device__user=user).count() == 10
