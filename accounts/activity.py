"""When a session's "last activity" is due to be written again.

Each web process remembers when it last wrote (or saw written) each session's activity, so
a request in between costs nothing; the shared cache then makes sure that, across
processes, one write per interval happens at most.
"""

import time

from django.core.cache import cache

from . import conf

_MEMORY_MAX = 50_000  # session keys remembered per process; forgotten all at once beyond
_written_at: dict[str, float] = {}


def _cache_key(session_key: str) -> str:
    return f"accounts:session-touch:{session_key}"


def _remember(session_key: str) -> None:
    if len(_written_at) >= _MEMORY_MAX:
        _written_at.clear()
    _written_at[session_key] = time.time()


def activity_write_due(session_key: str) -> bool:
    """True once per ACCOUNTS_SESSION_TOUCH_SECONDS for a session, across every process."""
    interval = conf.get("ACCOUNTS_SESSION_TOUCH_SECONDS")
    if time.time() - _written_at.get(session_key, float("-inf")) < interval:
        return False
    _remember(session_key)
    # The cache marker only spares the database a query. Without the cache (add() answers
    # None: Redis down, ignored) the caller's conditional UPDATE still writes at most once
    # per interval, so activity keeps being recorded.
    return cache.add(_cache_key(session_key), 1, timeout=interval) is not False


def activity_written(session_key: str) -> None:
    """The activity of `session_key` was just written (the session started)."""
    _remember(session_key)
    cache.set(_cache_key(session_key), 1, timeout=conf.get("ACCOUNTS_SESSION_TOUCH_SECONDS"))
