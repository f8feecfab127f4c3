"""What a validation or a proxy request comes to: the CAS error codes and the results
the views render."""

from dataclasses import dataclass, field

from .models import ServiceTicket

INVALID_REQUEST = "INVALID_REQUEST"
INVALID_TICKET_SPEC = "INVALID_TICKET_SPEC"
UNAUTHORIZED_SERVICE_PROXY = "UNAUTHORIZED_SERVICE_PROXY"
INVALID_PROXY_CALLBACK = "INVALID_PROXY_CALLBACK"
INVALID_TICKET = "INVALID_TICKET"
INVALID_SERVICE = "INVALID_SERVICE"
INTERNAL_ERROR = "INTERNAL_ERROR"
UNAUTHORIZED_SERVICE = "UNAUTHORIZED_SERVICE"
# EU Login's code: the sign-in behind the ticket is weaker than the service accepts.
INVALID_STRENGTH = "INVALID_STRENGTH"


@dataclass
class ValidationResult:
    """The outcome of one validation; `ticket` is set on success."""

    code: str = ""
    description: str = ""
    ticket: ServiceTicket | None = None
    pgt_iou: str = ""
    proxies: list[str] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return not self.code and self.ticket is not None


@dataclass
class ProxyResult:
    code: str = ""
    description: str = ""
    ticket: str = ""
