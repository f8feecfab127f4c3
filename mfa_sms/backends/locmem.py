import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from .base import BaseSmsBackend, SmsAccepted


@dataclass(frozen=True)
class SentSms:
    to: str
    body: str
    provider_id: str
    at: datetime = field(default_factory=timezone.now)


# Like django.core.mail.outbox: every SMS sent in this process. Tests empty it per test.
outbox: list[SentSms] = []


class SmsBackend(BaseSmsBackend):
    """Keeps each SMS in the module-level `outbox` list (tests)."""

    def send(self, *, to: str, body: str) -> SmsAccepted:
        sms = SentSms(to=to, body=body, provider_id=f"locmem-{uuid.uuid4().hex}")
        outbox.append(sms)
        return SmsAccepted(provider_id=sms.provider_id)

    def find_accepted(self, *, to: str, body: str, since: datetime) -> str | None:
        for sms in reversed(outbox):
            if sms.to == to and sms.body == body and sms.at >= since:
                return sms.provider_id
        return None
