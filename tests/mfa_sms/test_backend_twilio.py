"""The Twilio backend with the real SDK over HTTP against a local stub of the Messages API,
through the sending task and the service (tasks run in-process in tests)."""

import pytest
from django.core.checks import run_checks
from django.urls import reverse
from twilio.request_validator import RequestValidator

from mfa_sms.delivery import sms_message_queue
from mfa_sms.models import SmsMessage

from .twilio_stub import AUTH_TOKEN

pytestmark = pytest.mark.django_db(transaction=True)

TO = "+33612345678"
BODY = "Your EU Login challenge code: ABCD-EFGH.\n\n@login.example.org #ABCD-EFGH"


@pytest.fixture
def twilio(settings, twilio_stub):
    settings.SMS_BACKEND = "mfa_sms.backends.twilio.SmsBackend"
    settings.MFA_SMS_SEND_RETRY_BASE_SECONDS = 0
    return twilio_stub


def queue() -> SmsMessage:
    message = sms_message_queue(to=TO, body=BODY, redacted_body=BODY.replace("ABCD-EFGH", "••••-••••"))
    message.refresh_from_db()
    return message


def test_a_message_is_sent_once_with_from_and_status_callback(twilio):
    message = queue()
    assert message.status == "sent" and message.provider_id.startswith("SM") and message.sent_at
    assert len(twilio.requests) == 1
    sent = twilio.requests[0]
    assert sent["To"] == TO and sent["Body"] == BODY and sent["From"] == "+32460000000"
    assert sent["StatusCallback"] == "https://login.example.org/sms/twilio/status/"


def test_a_messaging_service_replaces_from(twilio, settings):
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "1" * 32
    queue()
    assert twilio.requests[0]["MessagingServiceSid"] == "MG" + "1" * 32
    assert "From" not in twilio.requests[0]


def test_the_code_is_never_stored_in_clear(twilio):
    message = queue()
    stored = " ".join(str(getattr(message, f.attname)) for f in SmsMessage._meta.fields)
    assert "ABCD-EFGH" not in stored and "ABCDEFGH" not in stored


def test_an_invalid_number_fails_for_good_without_retry(twilio):
    twilio.script = [("error", 400, 21211)]
    message = queue()
    assert len(twilio.requests) == 1
    assert message.status == "failed" and message.permanent_failure and message.error_code == "21211"


@pytest.mark.parametrize("code", [21610, 21614])
def test_opted_out_and_not_sms_capable_numbers_are_not_retried(twilio, code):
    twilio.script = [("error", 400, code)]
    message = queue()
    assert len(twilio.requests) == 1 and message.status == "failed" and message.error_code == str(code)


@pytest.mark.parametrize("status, code", [(500, 20500), (503, 20503), (429, 20429)])
def test_a_server_error_or_throttling_is_retried_then_sent(twilio, status, code):
    twilio.script = [("error", status, code), "ok"]
    message = queue()
    assert len(twilio.requests) == 2
    assert message.status == "sent" and message.attempts == 2 and message.error_code == ""


def test_retries_are_bounded(twilio, settings):
    settings.MFA_SMS_SEND_MAX_RETRIES = 2
    twilio.script = [("error", 503, 20503)] * 10
    message = queue()
    assert len(twilio.requests) == 3
    assert message.status == "failed" and not message.permanent_failure and message.error_code == "20503"


def test_a_timeout_is_retried_without_sending_twice_what_twilio_accepted(twilio):
    twilio.script = ["timeout", "ok"]
    message = queue()
    # The first request reached Twilio, which kept the message; the retry finds it there.
    assert len(twilio.requests) == 1
    assert message.status == "sent" and message.provider_id == twilio.messages[0]["sid"]


def test_a_redelivered_task_does_nothing_once_sent(twilio):
    from mfa_sms.tasks import sms_send

    message = queue()
    sms_send.apply(args=(message.pk, BODY))
    assert len(twilio.requests) == 1


def test_missing_credentials_are_refused_by_the_system_checks(settings):
    settings.SMS_BACKEND = "mfa_sms.backends.twilio.SmsBackend"
    settings.TWILIO_ACCOUNT_SID = ""
    settings.TWILIO_AUTH_TOKEN = ""
    settings.TWILIO_FROM_NUMBER = ""
    ids = {e.id for e in run_checks()}
    assert {"mfa_sms.E002", "mfa_sms.E003"} <= ids


def test_complete_credentials_pass_the_system_checks(twilio):
    assert not [e for e in run_checks() if e.id.startswith("mfa_sms")]


# --- status callbacks --------------------------------------------------------------------

CALLBACK = "https://login.example.org/sms/twilio/status/"


def post_status(client, params: dict, signature: str | None = None):
    signature = RequestValidator(AUTH_TOKEN).compute_signature(CALLBACK, params) if signature is None else signature
    return client.post(reverse("mfa_sms:twilio_status"), params, HTTP_X_TWILIO_SIGNATURE=signature)


def test_a_signed_delivery_report_marks_the_message_delivered(client, twilio):
    message = queue()
    response = post_status(client, {"MessageSid": message.provider_id, "MessageStatus": "delivered"})
    assert response.status_code == 204
    message.refresh_from_db()
    assert message.status == "delivered" and message.delivered_at


def test_an_unsigned_or_badly_signed_report_is_refused(client, twilio):
    message = queue()
    params = {"MessageSid": message.provider_id, "MessageStatus": "failed"}
    assert post_status(client, params, signature="").status_code == 403
    assert post_status(client, params, signature="bm90IGEgc2lnbmF0dXJl").status_code == 403
    tampered = RequestValidator(AUTH_TOKEN).compute_signature(CALLBACK, {**params, "MessageStatus": "delivered"})
    assert post_status(client, params, signature=tampered).status_code == 403
    message.refresh_from_db()
    assert message.status == "sent"


def test_reports_are_idempotent_and_never_go_backwards(client, twilio):
    message = queue()
    for status in ["delivered", "delivered", "sent", "queued"]:
        assert post_status(client, {"MessageSid": message.provider_id, "MessageStatus": status}).status_code == 204
    message.refresh_from_db()
    assert message.status == "delivered"


def test_an_undelivered_report_records_the_error(client, twilio):
    message = queue()
    post_status(client, {"MessageSid": message.provider_id, "MessageStatus": "undelivered", "ErrorCode": "30003"})
    message.refresh_from_db()
    assert message.status == "undelivered" and message.error_code == "30003" and message.failed_at
