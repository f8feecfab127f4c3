"""Faults of the parts eulogin talks to, each on its own processes (a gunicorn node, a
real Celery worker, the Twilio stub) over loopback, bounded in time, printing what it
measured:

- every PostgreSQL connection cut (pg_terminate_backend) three times under a ticket
  load: requests recover at once, and no ticket is ever validated twice;
- the SMS provider answering 5xx and timing out for a while: the retries stay bounded,
  the person sees the usual "can take a while" page (no error), and the message leaves
  exactly once when the provider is back.
"""

import threading
import time
from collections import Counter

import pytest
import requests
from django.db import connection
from django.urls import reverse

from mfa_sms.models import PhoneDevice, SmsMessage
from tests.cas_server.conftest import SERVICE_URL
from tests.conftest import PASSWORD
from tests.processes import (
    NEEDS_A_SERVER,
    CeleryWorker,
    GunicornNode,
    TwilioStub,
    product_env,
    sign_in_over_http,
    sso_login_over_http,
    wait_for,
)

pytestmark = [*NEEDS_A_SERVER, pytest.mark.fault]
NUMBER = "+33612345678"


def _cut_every_connection() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0]


def test_postgresql_connections_cut_under_load_recover_at_once_and_no_ticket_validates_twice(tmp_path, user, service):
    # Persistent connections, as in production: a cut leaves each worker a dead one.
    env = product_env(DATABASE_CONN_MAX_AGE="60")
    with GunicornNode(tmp_path / "web.log", env, workers=2) as web:
        session = requests.Session()
        sign_in_over_http(session, web.url, email=user.email, password=PASSWORD, service_url=SERVICE_URL)
        results, stop = [], threading.Event()  # (time, kind, status, Retry-After)
        validations = Counter()  # ticket -> successful validations

        def load():
            own = requests.Session()
            own.cookies.update(session.cookies)
            while not stop.is_set():
                try:
                    login, ticket = sso_login_over_http(own, web.url, SERVICE_URL, timeout=10)
                    results.append((time.monotonic(), "issue", login.status_code if not ticket else 200,
                                    login.headers.get("Retry-After")))
                    if not ticket:
                        continue
                    for _ in range(2):  # the second must be refused
                        answer = own.get(web.url + reverse("cas:service_validate"), timeout=10,
                                         params={"service": SERVICE_URL, "ticket": ticket})
                        results.append((time.monotonic(), "validate", answer.status_code, answer.headers.get("Retry-After")))
                        if "authenticationSuccess" in answer.text:
                            validations[ticket] += 1
                except requests.RequestException:
                    results.append((time.monotonic(), "error", 0, None))

        threads = [threading.Thread(target=load) for _ in range(3)]
        for thread in threads:
            thread.start()
        cut, last_cut = 0, 0.0
        try:
            for _ in range(3):
                time.sleep(1.5)
                cut += _cut_every_connection()
                last_cut = time.monotonic()
            time.sleep(2.5)
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)

    served = len(results)
    errors = [r for r in results if r[2] >= 500 or r[2] == 0]
    after = [r for r in results if r[0] > last_cut + 0.5]
    print(f"\npostgresql cut: {cut} connections terminated in 3 cuts; requests served {served}, "
          f"5xx {len(errors)} (of which 503 with Retry-After {sum(1 for r in errors if r[2] == 503 and r[3])}), 5xx after the last cut {sum(1 for r in after if r[2] >= 500 or r[2] == 0)}, "
          f"tickets validated {sum(validations.values())} (max per ticket {max(validations.values(), default=0)}); "
          f"SMS sent 0, SLO delivered 0")
    assert cut >= 3 and served > 30
    # A request whose connection is cut under it is told to try again (503, Retry-After),
    # in its own form; never a 500.
    assert all(r[2] == 503 and r[3] for r in errors), errors[:5]
    assert after and not [r for r in after if r[2] >= 500 or r[2] == 0], after[:5]
    assert validations and max(validations.values()) == 1
    assert len(errors) <= 6, errors  # at most the requests in flight at each cut


def test_the_sms_provider_failing_for_a_while_retries_bounded_and_the_message_leaves_once(tmp_path, user, service):
    PhoneDevice.objects.create(user=user, number=NUMBER, name="Work", confirmed=True)
    max_retries = 6
    with TwilioStub() as twilio:
        # 5xx, 5xx, then a timeout (the stub keeps the message but answers too late): the next
        # attempt finds it held by the provider and does not send it again.
        twilio.script = [("error", 503, 20500), ("error", 500, 20500), "timeout"]
        env = product_env(twilio=twilio, TWILIO_TIMEOUT_SECONDS="1", MFA_SMS_SEND_MAX_RETRIES=str(max_retries),
                          MFA_SMS_SEND_RETRY_BASE_SECONDS="1", MFA_SMS_SEND_RETRY_MAX_SECONDS="2")
        with CeleryWorker(tmp_path / "worker.log", env), GunicornNode(tmp_path / "web.log", env, workers=1) as web:
            session = requests.Session()
            pages = []

            def look(step):
                if step == "code":  # the code has arrived; what did the page say while it was failing?
                    pages.append(session.get(web.url + reverse("mfa_sms:signin"), timeout=10))

            started = time.monotonic()
            ticket = sign_in_over_http(session, web.url, email=user.email, password=PASSWORD, service_url=SERVICE_URL,
                                       twilio=twilio, number=NUMBER, between=look)
            took = time.monotonic() - started
            wait_for(lambda: SmsMessage.objects.filter(status="sent").exists(), 10)
            time.sleep(1)  # any stray duplicate would arrive now
            accepted = [m for m in twilio.messages if m["to"] == NUMBER]
            posts = len(twilio.requests)
            message = SmsMessage.objects.get()
        access = [line for line in web.log_text().splitlines() if '"logger": "gunicorn.access"' in line]
        server_errors = [line for line in access if '"status": "5' in line]

    print(f"\nsms provider down: {posts} provider calls (5xx, 5xx, a timeout; then found held), SMS sent {len(accepted)} "
          f"(status {message.status}, attempts {message.attempts}), sign-in finished in {took:.1f}s; "
          f"requests served by the node {len(access)}, 5xx {len(server_errors)}, SLO delivered 0")
    assert access and not server_errors, server_errors
    assert ticket.startswith("ST-")
    assert len(accepted) == 1 and message.status == "sent"  # once, not once per attempt
    assert posts <= max_retries + 1
    assert pages and pages[0].status_code == 200
    assert "can take up to 15 minutes" in pages[0].text and "sms-delivery-problem" not in pages[0].text
