import pytest

from accounts.audit import audit_event_record
from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_nul_characters_from_hostile_input_are_stored_as_replacement_characters(rf):
    request = rf.get("/", HTTP_USER_AGENT="agent\x00x")
    request.user = None
    event = audit_event_record(kind=AuditEvent.Kind.TICKET_REFUSED, request=request, email="a\x00@example.org",
                               service_url="https://svc.example.org/\x00", nested={"k\x00": ["v\x00", 1]})
    event.refresh_from_db()
    assert event.email == "a\ufffd@example.org"
    assert event.user_agent == "agentx"
    assert event.detail == {"service_url": "https://svc.example.org/\ufffd", "nested": {"k\ufffd": ["v\ufffd", 1]}}


def test_an_event_never_holds_more_than_the_column_allows():
    event = audit_event_record(kind=AuditEvent.Kind.SIGNIN_FAILED, email="x" * 1000)
    event.refresh_from_db()
    assert len(event.email) == 254
