import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import FactorLock
from mfa_sms.models import SmsMessage
from tests.conftest import force_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_client(client, make_user):
    admin = make_user(email="admin@example.org", is_staff=True, is_superuser=True)
    force_sign_in(client, admin)
    return client


def test_devices_are_listed_masked(admin_client, phone):
    page = admin_client.get(reverse("admin:mfa_sms_phonedevice_changelist")).content.decode()
    assert "+33 6•• •• •• 78" in page and "+33612345678" not in page
    page = admin_client.get(reverse("admin:mfa_sms_phonedevice_change", args=[phone.pk])).content.decode()
    assert "+33612345678" not in page


def test_the_sms_log_shows_statuses_and_masked_numbers(admin_client, user):
    SmsMessage.objects.create(to="+33612345678", user=user, redacted_body="code ••••-••••", status="delivered",
                              provider_id="SM123", error_code="")
    page = admin_client.get(reverse("admin:mfa_sms_smsmessage_changelist")).content.decode()
    assert "+33 6•• •• •• 78" in page and "+33612345678" not in page
    assert "SM123" in page and "delivered" in page


def test_an_admin_unlocks_a_locked_sms_method(admin_client, user, phone):
    lock = FactorLock.objects.create(user=user, kind="SMS", consecutive_failures=20, locked_at=timezone.now())
    response = admin_client.post(reverse("admin:accounts_factorlock_changelist"),
                                 {"action": "unlock", "_selected_action": [lock.pk]})
    assert response.status_code == 302
    lock.refresh_from_db()
    assert lock.locked_at is None and lock.consecutive_failures == 0
