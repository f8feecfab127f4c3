import json
import uuid
from datetime import datetime
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from .. import conf
from .base import BaseSmsBackend, SmsAccepted


class SmsBackend(BaseSmsBackend):
    """Writes each SMS as one JSON file in MFA_SMS_FILE_PATH (like the filebased email
    backend); several processes can share the directory."""

    def __init__(self, path: str | None = None):
        path = path or conf.get("MFA_SMS_FILE_PATH")
        if not path:
            raise ImproperlyConfigured("The filebased SMS backend needs MFA_SMS_FILE_PATH.")
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)

    def send(self, *, to: str, body: str) -> SmsAccepted:
        provider_id = f"file-{uuid.uuid4().hex}"
        now = timezone.now()
        record = {"id": provider_id, "to": to, "body": body, "at": now.isoformat()}
        target = self.path / f"{now:%Y%m%d-%H%M%S}-{provider_id}.json"
        partial = target.with_suffix(".part")
        partial.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        partial.rename(target)  # readers never see half a file
        return SmsAccepted(provider_id=provider_id)

    def find_accepted(self, *, to: str, body: str, since: datetime) -> str | None:
        for file in sorted(self.path.glob("*.json"), reverse=True):
            record = json.loads(file.read_text(encoding="utf-8"))
            if record["to"] == to and record["body"] == body and datetime.fromisoformat(record["at"]) >= since:
                return record["id"]
        return None
