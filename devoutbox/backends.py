from django.core.mail.backends.base import BaseEmailBackend

from .models import OutboxMessage


class EmailBackend(BaseEmailBackend):
    """Development email backend: every message lands in the dev outbox (/dev/outbox/)."""

    def send_messages(self, email_messages) -> int:
        count = 0
        for message in email_messages:
            OutboxMessage.objects.create(
                channel=OutboxMessage.Channel.EMAIL,
                to=", ".join(message.recipients())[:512],
                subject=str(message.subject)[:512],
                body=str(message.body),
            )
            count += 1
        return count
