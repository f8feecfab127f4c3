"""Fixed-window counters in the shared Django cache (Redis in production), for the limits
every app sets on requests (emails asked for, SMS sent, login transactions opened).

A counter per (scope, key, window) lives for its window; the key is hashed, so no email
address, phone number or IP address is kept in clear. Incrementing first and comparing
after means two processes racing for the last slot cannot both get it.
"""

import hashlib
import math
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone


def _cache_key(scope: str, key: str, window: int, at: datetime | None = None) -> str:
    bucket = int((at or timezone.now()).timestamp() // window)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{window}:{bucket}"


def window_hit(*, scope: str, key: str, window: int) -> int:
    """Count one more request in the current window; returns the count, this one included."""
    cache_key = _cache_key(scope, key, window)
    cache.add(cache_key, 0, timeout=window + 60)
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, 1, timeout=window + 60)
        return 1


def window_release(*, scope: str, key: str, window: int, at: datetime | None = None) -> None:
    """Give back a request counted by window_hit (refused by another limit, or, with `at`,
    the moment it was counted, one that turned out legitimate). Never below zero."""
    cache_key = _cache_key(scope, key, window, at)
    try:
        if cache.decr(cache_key) < 0:
            cache.incr(cache_key)
    except ValueError:  # the window is over (the counter expired): nothing to give back
        pass


def window_count(*, scope: str, key: str, window: int) -> int:
    """How many requests the current window has counted."""
    return int(cache.get(_cache_key(scope, key, window)) or 0)


def window_seconds_left(window: int) -> int:
    """Whole seconds (rounded up) until the current window ends and its counters restart."""
    return max(1, math.ceil(window - timezone.now().timestamp() % window))
