"""A whole journey over real HTTP, with a gunicorn node, a real Celery worker and the Twilio
stub: the logs are JSON, one request id follows the sign-in from the web node into the
worker that sends its SMS, and no password, code, ticket or session key is in them."""

import json
import re
import uuid

import requests
from django.urls import reverse

from mfa_sms.models import PhoneDevice
from tests.cas_server.conftest import SERVICE_URL
from tests.conftest import PASSWORD
from tests.processes import NEEDS_A_SERVER, CeleryWorker, GunicornNode, TwilioStub, product_env, sign_in_over_http

pytestmark = NEEDS_A_SERVER
NUMBER = "+33612345678"


def test_a_journey_logs_json_with_one_request_id_and_no_secret(tmp_path, user, service):
    PhoneDevice.objects.create(user=user, number=NUMBER, name="Work", confirmed=True)
    request_id = "journey-" + uuid.uuid4().hex
    with TwilioStub() as twilio:
        env = product_env(twilio=twilio, LOG_FORMAT="json", LOG_LEVEL="INFO")
        with CeleryWorker(tmp_path / "worker.log", env), \
                GunicornNode(tmp_path / "web.log", env, workers=1) as web:
            session = requests.Session()
            session.headers["X-Request-ID"] = request_id
            ticket = sign_in_over_http(session, web.url, email=user.email, password=PASSWORD,
                                       service_url=SERVICE_URL, twilio=twilio, number=NUMBER)
            validated = requests.get(web.url + reverse("cas:service_validate"),
                                     params={"service": SERVICE_URL, "ticket": ticket}, timeout=10)
            assert "authenticationSuccess" in validated.text
            assert validated.headers["X-Request-ID"]  # made here when the client sends none
            session.get(web.url + reverse("accounts:logout"), timeout=10)
            code = re.search(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", twilio.messages[-1]["body"]).group(0)
            secrets = {"password": PASSWORD, "code": code, "code without dash": code.replace("-", ""),
                       "ticket": ticket, **{f"cookie {c.name}": c.value for c in session.cookies if len(c.value) > 8}}
        web_log, worker_log = web.log_text(), (tmp_path / "worker.log").read_text()

    logs = web_log + worker_log
    for what, value in secrets.items():
        assert value not in logs, f"the {what} is in the logs"
    for prefix in ("ST-", "TGT-", "PGT-", "PGTIOU-"):
        assert not re.search(rf"\b{prefix}[A-Za-z0-9]", logs), f"a {prefix} ticket is in the logs"

    def records(text):
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]

    worker_records = records(worker_log)
    assert worker_records, worker_log[-2000:]
    # The task's own records (its run and outcome; "received" is logged before it starts).
    sent = [r for r in worker_records if "mfa_sms.tasks.sms_send" in r.get("message", "")
            and r["logger"] == "celery.app.trace"]
    assert sent and all(r["request_id"] == request_id for r in sent), sent
    access = [r for r in records(web_log) if r.get("logger") == "gunicorn.access"]
    assert access and {r["request_id"] for r in access if r["path"] != reverse("cas:service_validate")} == {request_id}
    print(f"\nlogs: {len(access)} requests, {len(worker_records)} worker records, "
          f"{len(sent)} SMS task records under request id {request_id}; no secret found")


def test_the_secret_of_a_link_in_a_logged_path_is_blanked(user):
    """Django logs the path of every 4xx and 5xx ("Not Found: /…"): the token of a
    registration link, an invitation or a password reset must not reach the log."""
    import logging

    from django.contrib.auth.tokens import default_token_generator
    from django.core import signing

    from observability.logs import SecretsFilter

    token = signing.dumps({"email": "new@example.org"}, salt="eulogin.register")
    reset = default_token_generator.make_token(user)
    paths = [reverse("accounts:register_confirm", args=[token]),
             reverse("accounts:invitation", args=[token]),
             reverse("accounts:password_reset_confirm", args=["MTIzNDU2", reset]),
             "/cas/login?ticket=ST-abc123def456ghi789"]
    for path in paths:
        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "%s: %s",
                                   ("Service Unavailable", path), None)
        SecretsFilter().filter(record)
        logged = record.getMessage()
        assert token not in logged and reset not in logged and "abc123def456" not in logged, logged
    kept = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s",
                             ("/cas/TicketValidationService/account/my-account/",), None)
    SecretsFilter().filter(kept)
    assert kept.getMessage() == "Not Found: /cas/TicketValidationService/account/my-account/"
