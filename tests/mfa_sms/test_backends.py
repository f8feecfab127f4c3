"""One contract, every backend: send returns the provider's id, and find_accepted finds a
message that was accepted (or says it cannot tell)."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from devoutbox.models import OutboxMessage
from mfa_sms.backends import locmem, sms_backend_get
from mfa_sms.backends.base import SmsAccepted

TO = "+33612345678"
BODY = "Your EU Login challenge code: ABCD-EFGH.\n\n@login.example.org #ABCD-EFGH"


@pytest.fixture(params=["console", "filebased", "locmem", "outbox", "twilio"])
def backend(request, settings, tmp_path, db):
    name = request.param
    if name == "twilio":
        stub = request.getfixturevalue("twilio_stub")
        backend = sms_backend_get("mfa_sms.backends.twilio.SmsBackend")
        backend.delivered = lambda: [(m["To"], m["Body"]) for m in stub.requests]
    elif name == "console":
        from mfa_sms.backends.console import SmsBackend

        stream = io.StringIO()
        backend = SmsBackend(stream=stream)
        backend.delivered = lambda: [(TO, BODY)] if f"to {TO}\n{BODY}\n" in stream.getvalue() else []
    elif name == "filebased":
        settings.MFA_SMS_FILE_PATH = str(tmp_path / "sms")
        backend = sms_backend_get("mfa_sms.backends.filebased.SmsBackend")
        import json

        backend.delivered = lambda: [(json.loads(f.read_text())["to"], json.loads(f.read_text())["body"])
                                     for f in (tmp_path / "sms").glob("*.json")]
    elif name == "locmem":
        backend = sms_backend_get("mfa_sms.backends.locmem.SmsBackend")
        backend.delivered = lambda: [(s.to, s.body) for s in locmem.outbox]
    else:
        backend = sms_backend_get("devoutbox.sms.SmsBackend")
        backend.delivered = lambda: [(m.to, m.body) for m in OutboxMessage.objects.filter(channel="sms")]
    backend.name = name
    return backend


class TestSmsBackendContract:
    def test_send_delivers_the_text_and_returns_the_provider_id(self, backend):
        result = backend.send(to=TO, body=BODY)
        assert isinstance(result, SmsAccepted) and result.provider_id
        assert backend.delivered() == [(TO, BODY)]

    def test_two_sends_get_two_ids(self, backend):
        assert backend.send(to=TO, body=BODY).provider_id != backend.send(to=TO, body=BODY).provider_id

    def test_find_accepted_finds_a_sent_message_or_cannot_tell(self, backend):
        since = timezone.now() - timedelta(seconds=1)
        assert backend.find_accepted(to=TO, body=BODY, since=since) is None
        sent = backend.send(to=TO, body=BODY).provider_id
        found = backend.find_accepted(to=TO, body=BODY, since=since)
        assert found in {sent, None}
        if backend.name != "console":
            assert found == sent
        assert backend.find_accepted(to=TO, body=BODY + " other", since=since) is None
