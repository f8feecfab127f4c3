"""Ticket strings: how they are made, recognised and referred to in logs.

Every ticket is a prefix and characters drawn by get_random_string (the `secrets` CSPRNG)
from [A-Za-z0-9], so tickets and the cookie stay within the specification's character set. Service and proxy tickets
are 32 characters in all, the length every service must accept (3.1.1, 3.2.1): 29 random
characters, about 172 bits. The others carry 32 random characters (about 190 bits).
"""

import re
import string

from django.utils.crypto import get_random_string

from accounts.crypto import digest

from . import conf

SERVICE = "ST"
PROXY = "PT"
PROXY_GRANTING = "PGT"
PROXY_GRANTING_IOU = "PGTIOU"
TICKET_GRANTING = "TGT"

_ALPHABET = string.ascii_letters + string.digits
_BODY_LENGTH = 32
_TOTAL_LENGTH = {SERVICE: 32, PROXY: 32}
_SHAPE = re.compile(r"(ST|PT|PGT|PGTIOU|TGT)-[A-Za-z0-9-]+")


def ticket_new(prefix: str) -> str:
    length = _TOTAL_LENGTH[prefix] - len(prefix) - 1 if prefix in _TOTAL_LENGTH else _BODY_LENGTH
    return f"{prefix}-" + get_random_string(length, allowed_chars=_ALPHABET)


def ticket_kind(value: str) -> str | None:
    """The prefix of a well-formed ticket of acceptable length, else None (never looked up)."""
    if not value or len(value) > conf.get("CAS_TICKET_MAX_LENGTH"):
        return None
    match = _SHAPE.fullmatch(value)
    return match.group(1) if match else None


def ticket_digest(value: str) -> str:
    return digest(value)


def ticket_reference(value: str) -> str:
    """What logs and audit events may say about a ticket: its kind and a short hash."""
    kind = (value or "").split("-", 1)[0][:6]
    return f"{kind}:{ticket_digest(value or '')[:12]}"
