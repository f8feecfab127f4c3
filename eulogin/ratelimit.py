"""Fixed-window counters for the limits every app sets on requests (emails asked for,
SMS sent, login transactions opened).

A counter per (scope, key, window) lives for its window; the key is hashed, so no email
address, phone number or IP address is kept in clear. Incrementing first and comparing
after means two processes racing for the last slot cannot both get it. Two stores:

- CACHE (the default): Redis, the "strict" cache alias, shared by every process and
  expiring by itself. When Redis does not answer, the same counter is kept in
  PostgreSQL instead (accounts.RateWindow): a limit never fails open and never turns a
  request into an error. The PostgreSQL count starts from zero when Redis goes, so
  across an outage a key may get up to twice its limit in one window; an empty Redis
  after a restart likewise starts these counters again. Both are bounded and acceptable
  for these limits (emails asked for per hour, login transactions per minute).
- DATABASE: PostgreSQL always, for the limits whose reset would cost: the SMS abuse
  limits (mfa_sms.limits) cap the bill of an SMS-pumping attack per day, which must
  not start again each time Redis restarts. One upsert per counter: measured at about
  0.5 ms a hit, no slower than Redis's add + incr (0.8 ms; tests/faults/test_cache_down.py
  prints both); an SMS send touches five counters, then calls a provider.
"""

import hashlib
import math
from datetime import datetime, timedelta

from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from .cache import CACHE_ERRORS, cache_answered, cache_error_log

CACHE = "cache"
DATABASE = "database"


def _cache_key(scope: str, key: str, window: int, at: datetime | None = None) -> str:
    bucket = int((at or timezone.now()).timestamp() // window)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{window}:{bucket}"


def _cache_hit(cache_key: str, window: int) -> int:
    cache = caches["strict"]
    cache.add(cache_key, 0, timeout=window + 60)
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, 1, timeout=window + 60)
        return 1


def _table() -> str:
    from accounts.models import RateWindow

    return connection.ops.quote_name(RateWindow._meta.db_table)


def _database_hit(cache_key: str, window: int) -> int:
    table = _table()
    expires_at = timezone.now() + timedelta(seconds=window + 60)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608 — the table name is ours
            f"ON CONFLICT (key) DO UPDATE SET count = {table}.count + 1 RETURNING count",
            [cache_key, expires_at],
        )
        return cursor.fetchone()[0]


def _database_release(cache_key: str) -> None:
    table = _table()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET count = count - 1 WHERE key = %s AND count > 0", [cache_key])  # noqa: S608


def window_hit(*, scope: str, key: str, window: int, store: str = CACHE) -> int:
    """Count one more request in the current window; returns the count, this one included."""
    cache_key = _cache_key(scope, key, window)
    if store == CACHE:
        try:
            count = _cache_hit(cache_key, window)
        except CACHE_ERRORS as error:
            cache_error_log(error)
        else:
            cache_answered()
            return count
    return _database_hit(cache_key, window)


def window_release(*, scope: str, key: str, window: int, store: str = CACHE, at: datetime | None = None) -> None:
    """Give back a request counted by window_hit: refused by another limit, or (with `at`,
    the moment it was counted) one that turned out legitimate. Never below zero; nothing
    when that window is over."""
    cache_key = _cache_key(scope, key, window, at)
    if store == CACHE:
        try:
            if caches["strict"].decr(cache_key) < 0:
                caches["strict"].incr(cache_key)
            return
        except ValueError:
            return
        except CACHE_ERRORS as error:
            cache_error_log(error)
    _database_release(cache_key)


def window_count(*, scope: str, key: str, window: int, store: str = CACHE) -> int:
    """How many requests the current window has counted."""
    cache_key = _cache_key(scope, key, window)
    if store == CACHE:
        try:
            return int(caches["strict"].get(cache_key) or 0)
        except CACHE_ERRORS as error:
            cache_error_log(error)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count FROM {_table()} WHERE key = %s", [cache_key])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else 0


def window_seconds_left(window: int) -> int:
    """Whole seconds (rounded up) until the current window ends and its counters restart."""
    return max(1, math.ceil(window - timezone.now().timestamp() % window))


def windows_purge() -> int:
    """Delete the PostgreSQL counters whose window is over; returns how many went."""
    from accounts.models import RateWindow

    deleted, _ = RateWindow.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
