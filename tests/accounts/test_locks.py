"""One account-wide lock for every second-factor kind (accounts.locks): counted, audited,
seen and unlocked in one admin page; the rows of the former per-app tables move into it."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from accounts.locks import factor_failure_record, factor_failures_reset, factor_is_locked
from accounts.models import AuditEvent, FactorLock
from mfa_totp.models import TOTPDevice


def test_wrong_codes_lock_one_kind_only_and_a_right_code_restarts_the_count(user):
    assert factor_failure_record(request=None, user=user, kind="TOTP", lock_after=3) == (False, 1)
    factor_failures_reset(user=user, kind="TOTP")
    assert [factor_failure_record(request=None, user=user, kind="TOTP", lock_after=3)[0] for _ in range(4)] == [
        False, False, True, False]
    assert factor_is_locked(user=user, kind="TOTP") and not factor_is_locked(user=user, kind="SMS")
    factor_failures_reset(user=user, kind="TOTP")
    assert factor_is_locked(user=user, kind="TOTP")  # only an administrator unlocks
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MFA_LOCKED, user=user, detail__method="TOTP").count() == 1


def test_one_admin_page_lists_every_kind_and_unlocks_with_the_device_delays(admin_client, user):
    app = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True, throttling_failure_count=7,
                                    throttling_failure_timestamp=timezone.now())
    totp = FactorLock.objects.create(user=user, kind="TOTP", consecutive_failures=20, locked_at=timezone.now())
    sms = FactorLock.objects.create(user=user, kind="SMS", consecutive_failures=20, locked_at=timezone.now())
    page = admin_client.get(reverse("admin:accounts_factorlock_changelist")).content.decode()
    assert page.count(user.email) >= 2 and "TOTP" in page and "SMS" in page
    response = admin_client.post(reverse("admin:accounts_factorlock_changelist"),
                                 {"action": "unlock", "_selected_action": [totp.pk]})
    assert response.status_code == 302
    totp.refresh_from_db(), sms.refresh_from_db(), app.refresh_from_db()
    assert totp.locked_at is None and totp.consecutive_failures == 0 and sms.locked_at is not None
    assert app.throttling_failure_count == 0
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCOUNT_UNLOCKED, user=user, detail__method="TOTP").exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_locks_of_the_former_sms_and_app_tables(make_user):
    user = make_user(email="locked@example.org")
    before = [("mfa_sms", "0002_phone_history"), ("mfa_totp", "0001_initial")]
    try:
        call_command("migrate", "mfa_sms", "0002_phone_history", verbosity=0)
        call_command("migrate", "mfa_totp", "0001_initial", verbosity=0)
        old = MigrationExecutor(connection).loader.project_state(before).apps
        locked_at = timezone.now()
        old.get_model("mfa_sms", "SmsMethodLock").objects.create(user_id=user.pk, consecutive_failures=20,
                                                                locked_at=locked_at)
        old.get_model("mfa_totp", "TotpMethodLock").objects.create(user_id=user.pk, consecutive_failures=4)
    finally:
        call_command("migrate", verbosity=0)
    assert factor_is_locked(user=user, kind="SMS") and not factor_is_locked(user=user, kind="TOTP")
    assert FactorLock.objects.get(user=user, kind="TOTP").consecutive_failures == 4
    assert FactorLock.objects.get(user=user, kind="SMS").locked_at == locked_at
