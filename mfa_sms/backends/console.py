import sys
import threading
import uuid

from .base import BaseSmsBackend, SmsAccepted


class SmsBackend(BaseSmsBackend):
    """Writes each SMS to standard output (development without a database outbox)."""

    _lock = threading.Lock()

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, *, to: str, body: str) -> SmsAccepted:
        provider_id = f"console-{uuid.uuid4().hex}"
        with self._lock:
            self.stream.write(f"SMS {provider_id} to {to}\n{body}\n{'-' * 40}\n")
            self.stream.flush()
        return SmsAccepted(provider_id=provider_id)
