"""The admin's SMS dashboard: volume and cost per day and refusals by limit, as SVG drawn
on the server, for admins only."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.audit import audit_event_record
from accounts.models import AuditEvent
from mfa_sms.models import SmsMessage

pytestmark = pytest.mark.django_db
URL = "/admin/sms-dashboard/"


def test_it_plots_sms_volume_cost_and_refusals_per_day(admin_client, settings, user):
    settings.MFA_SMS_PRICE_PER_MESSAGE = "0.1000"
    yesterday = timezone.now() - timedelta(days=1)
    for status in ("sent", "delivered", "failed"):
        SmsMessage.objects.create(to="+33612345678", redacted_body="…", status=status, created_at=yesterday)
    SmsMessage.objects.create(to="+33612345678", redacted_body="…", status="sent")
    for _ in range(3):
        audit_event_record(kind=AuditEvent.Kind.SMS_REFUSED, user=user, limit="per_number")
    audit_event_record(kind=AuditEvent.Kind.SIGNIN_LOCKED, email=user.email, reason="throttle")

    response = admin_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'id="total-sms">4<', html) and re.search(r'id="total-cost">0.30 EUR<', html)
    assert re.search(r'id="total-refusals">4<', html)
    assert html.count('<svg class="chart"') == 4  # volume, cost, two limits
    assert "per_number" in html and "signin" in html
    assert "<script" not in html.split('id="sms-dashboard"')[1]
    assert not re.search(r'(src|href)="https?://', html)  # nothing from elsewhere
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert f"<title>{day}: 3 SMS</title>" in html


def test_it_is_for_admins_only(client, user):
    assert Client().get(URL).status_code == 302
    from tests.conftest import force_sign_in

    force_sign_in(client, user)
    assert client.get(URL).status_code == 302  # not staff: the admin's login


def test_it_speaks_french_to_a_french_admin(admin_client):
    html = admin_client.get(URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "SMS par jour" in html and "Coût par jour" in html and "Les 30 derniers jours." in html
    assert "SMS per day" not in html
