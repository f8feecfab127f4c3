"""The account-wide lock after too many wrong codes is the core's now (accounts.locks,
accounts.FactorLock, one row per account and kind): every TotpMethodLock row moves there as kind
"TOTP", locked accounts stay locked, and the TotpMethodLock table goes."""

from django.db import migrations

KIND = "TOTP"
FIELDS = ("consecutive_failures", "last_failure_at", "locked_at")


def rows_to_accounts(apps, schema_editor):
    old = apps.get_model("mfa_totp", "TotpMethodLock")
    new = apps.get_model("accounts", "FactorLock")
    for row in old.objects.all().iterator():
        new.objects.update_or_create(user_id=row.user_id, kind=KIND,
                                     defaults={name: getattr(row, name) for name in FIELDS})


def rows_back(apps, schema_editor):
    old = apps.get_model("mfa_totp", "TotpMethodLock")
    new = apps.get_model("accounts", "FactorLock")
    for row in new.objects.filter(kind=KIND).iterator():
        old.objects.update_or_create(user_id=row.user_id, defaults={name: getattr(row, name) for name in FIELDS})


class Migration(migrations.Migration):

    dependencies = [
        ("mfa_totp", "0001_initial"),
        ("accounts", "0004_factorlock"),
    ]

    operations = [
        migrations.RunPython(rows_to_accounts, rows_back),
        migrations.DeleteModel(name="TotpMethodLock"),
    ]
