"""Fixed-window counters in the shared Django cache (Redis in production), for the limits
every app sets on requests (emails asked for, SMS sent, login transactions opened).

A counter per (scope, key, window) lives for its window; the key is hashed, so no email
address, phone number or IP address is kept in clear. Incrementing first and comparing
after means two processes racing for the last slot cannot both get it.
"""

import hashlib

from django.core.cache import cache
from django.utils import timezone


def _cache_key(scope: str, key: str, window: int) -> str:
    bucket = int(timezone.now().timestamp() // window)
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


def window_release(*, scope: str, key: str, window: int) -> None:
    """Give back a request counted by window_hit (it was refused by another limit)."""
    try:
        cache.decr(_cache_key(scope, key, window))
    except ValueError:
        pass
