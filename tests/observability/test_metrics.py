"""/metrics: closed to the public, and its counters move with a sign-in journey (password,
SMS code, a CAS ticket issued and validated, refusals)."""

import pytest
from django.test import Client
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from tests.cas_server.conftest import SERVICE_URL, cas_login, query_value, signin_next
from tests.conftest import sign_in
from tests.mfa_sms.conftest import last_code, post_code

pytestmark = pytest.mark.django_db(transaction=True)  # the SMS leaves on commit

TOKEN = "scrape-token-for-tests-0123456789"


@pytest.fixture(autouse=True)
def metrics_settings(settings):
    settings.METRICS_BEARER_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = ["10.9.0.0/16"]
    settings.MFA_SMS_PRICE_PER_MESSAGE = "0.0500"


def scrape(**extra) -> dict[tuple, float]:
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **extra)
    assert response.status_code == 200, response.status_code
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, *sorted(sample.labels.items()))] = sample.value
    return samples


def moved(before: dict, after: dict, name: str, **labels) -> float:
    key = (name, *sorted(labels.items()))
    return after.get(key, 0.0) - before.get(key, 0.0)


def test_metrics_are_closed_to_the_public():
    assert Client().get("/metrics").status_code == 404
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    assert Client(REMOTE_ADDR="10.9.4.2").get("/metrics").status_code == 200


def test_counters_move_during_a_journey(client, user, phone, service):
    before = scrape()

    sign_in(Client(), user.email, password="not the password")  # a wrong password

    next_url = signin_next(cas_login(client))
    sign_in(client, user.email, method="SMS", next_url=next_url, **{"sms-phone": "+33 6 12 34 56 78"})
    post_code(client, "mfa_sms:signin", "AAAA-AAAA" if last_code() != "AAAA-AAAA" else "BBBB-BBBB")  # wrong code
    assert post_code(client, "mfa_sms:signin", last_code()).status_code == 302
    response = client.get(next_url)
    ticket = query_value(response["Location"], "ticket")
    validation = Client().get(reverse("cas:service_validate"), {"service": SERVICE_URL, "ticket": ticket})
    assert b"authenticationSuccess" in validation.content
    Client().get(reverse("cas:service_validate"), {"service": SERVICE_URL, "ticket": ticket})  # replayed

    after = scrape()
    assert moved(before, after, "eulogin_signins_total", method="PASSWORD", outcome="failed") == 1
    assert moved(before, after, "eulogin_signins_total", method="PASSWORD+SMS", outcome="succeeded") == 1
    assert moved(before, after, "eulogin_second_factor_challenges_total", kind="SMS", outcome="failed") == 1
    assert moved(before, after, "eulogin_second_factor_challenges_total", kind="SMS", outcome="succeeded") == 1
    assert moved(before, after, "eulogin_sms_total", status="queued", error_code="") == 1
    assert moved(before, after, "eulogin_sms_total", status="sent", error_code="") == 1
    assert moved(before, after, "eulogin_sms_cost_total", currency="EUR") == pytest.approx(0.05)
    assert moved(before, after, "eulogin_tickets_total", endpoint="cas:login", outcome="issued") == 1
    assert moved(before, after, "eulogin_tickets_total", endpoint="cas:service_validate", outcome="validated") == 1
    assert moved(before, after, "eulogin_tickets_total", endpoint="cas:service_validate",
                 outcome="INVALID_TICKET") == 1
    assert moved(before, after, "eulogin_request_duration_seconds_count", view="cas:service_validate",
                 method="GET", status="2xx") == 2


def test_throttle_refusals_are_counted(settings, user):
    settings.ACCOUNTS_LOCKOUT_ACCOUNT_FREE_FAILURES = 2
    before = scrape()
    for _ in range(5):
        sign_in(Client(), user.email, password="not the password")
    after = scrape()
    assert moved(before, after, "eulogin_throttle_refusals_total", limit="signin") >= 1


@pytest.mark.django_db(transaction=False)
def test_a_price_that_is_not_a_number_stops_the_start_not_an_sms(tmp_path):
    """Read once at start: a typo in the price is said there, rather than raised by the
    cost metric in the middle of an SMS being sent."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "MFA_SMS_PRICE_PER_MESSAGE": "7,5 cents", "DJANGO_SETTINGS_MODULE": "eulogin.settings"}
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0
    assert "MFA_SMS_PRICE_PER_MESSAGE must be a number" in done.stderr
