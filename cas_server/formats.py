"""The one way the CAS server writes a moment: ISO 8601 in UTC."""

from datetime import datetime
from datetime import timezone as dt_timezone


def utc_timestamp(value: datetime, *, milliseconds: bool = False, offset: str = "Z") -> str:
    """'2024-06-11T08:30:00Z' ('…:00.123Z' with `milliseconds`); EU Login's responses
    write the offset as '+00:00'."""
    text = value.astimezone(dt_timezone.utc).isoformat(timespec="milliseconds" if milliseconds else "seconds")
    return text.replace("+00:00", offset)
