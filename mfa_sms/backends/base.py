"""The contract every SMS backend keeps."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SmsAccepted:
    """The provider took the message: its id there, and its first status."""

    provider_id: str
    status: str = "sent"


class SmsSendError(Exception):
    """The provider did not take the message. `permanent` says whether trying again could
    ever help (an invalid or opted-out number: no; a timeout or a 5xx: yes)."""

    permanent = False

    def __init__(self, message: str = "", *, code: str = ""):
        super().__init__(message or code)
        self.code = str(code or "")
        self.message = message


class SmsTransientError(SmsSendError):
    permanent = False


class SmsPermanentError(SmsSendError):
    permanent = True


class BaseSmsBackend:
    """Send one SMS.

    `send` returns SmsAccepted once the provider has accepted the message, raises
    SmsTransientError when trying again later may work and SmsPermanentError when it never
    will. `find_accepted` answers, after a worker died mid-send, whether the provider
    already holds this exact message (same number and text, accepted since `since`): the
    sender then records it instead of sending it twice. Backends that cannot tell return
    None, and the message is sent again.
    """

    def send(self, *, to: str, body: str) -> SmsAccepted:  # pragma: no cover - contract
        raise NotImplementedError

    def find_accepted(self, *, to: str, body: str, since: datetime) -> str | None:
        return None
