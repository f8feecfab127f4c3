"""Whether the cache (Redis) answers, as this process last saw it, and the log lines that
say so.

The cache is an accelerator: when Redis is down, "default" ignores it (django-redis) and
every answer comes from PostgreSQL. What operators need then is one clear line, not a
traceback per request: the `eulogin.cache` logger (django-redis logs there) goes through
CacheDownFilter, which turns each failure into one WARNING line, at most once every
LOG_EVERY_SECONDS per process, and marks the cache down until something sees it answer
again (cache_answered). `cache_state()` is the figure a health check or metric reads.

A Redis that hangs rather than refuses costs a socket timeout per call (0.5 s, see
eulogin/settings.py). So after a failure this process skips Redis for SKIP_SECONDS
(SkippingClient): calls fail at once, as if refused, then the next one tries again.
"""

import logging
import threading
import time

from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

# What a Redis that is down, refusing or too slow raises through a cache alias that does
# not ignore errors ("strict").
CACHE_ERRORS = (RedisError, OSError)

logger = logging.getLogger("eulogin.cache")

LOG_EVERY_SECONDS = 30.0
SKIP_SECONDS = 1.0

_lock = threading.Lock()
_state = {"down_since": None, "failures": 0, "logged_at": 0.0, "failed_at": 0.0}


class CacheSkipped(RedisConnectionError):
    """Redis was not tried: it failed less than SKIP_SECONDS ago in this process."""


def cache_state() -> dict:
    """{"up": bool, "down_since": epoch seconds or None, "failures": count since down}."""
    with _lock:
        return {"up": _state["down_since"] is None, "down_since": _state["down_since"], "failures": _state["failures"]}


def cache_state_reset() -> None:
    """Forget what this process saw (tests that bring a cache down and up again)."""
    with _lock:
        _state.update(down_since=None, failures=0, logged_at=0.0, failed_at=0.0)


def cache_failed(error: BaseException | None = None) -> bool:
    """Count one failed cache call; True when a line should be logged for it now."""
    now = time.time()
    with _lock:
        _state["failed_at"] = now
        if _state["down_since"] is None:
            _state["down_since"], _state["failures"], _state["logged_at"] = now, 0, 0.0
        _state["failures"] += 1
        if now - _state["logged_at"] >= LOG_EVERY_SECONDS:
            _state["logged_at"] = now
            return True
        return False


def cache_answered() -> None:
    """A cache call succeeded: if the cache was down, say it is back."""
    with _lock:
        down_since, failures = _state["down_since"], _state["failures"]
        _state["down_since"] = None
    if down_since is not None:
        logger.warning("cache reachable again after %.1f s (%d failed calls, served from PostgreSQL)",
                       time.time() - down_since, failures)


def cache_skipping() -> bool:
    with _lock:
        return time.time() - _state["failed_at"] < SKIP_SECONDS


class SkippingClient(DefaultClient):
    """django-redis's client, failing at once (as a refused connection would) while
    cache_skipping(): a hung Redis costs one timeout per SKIP_SECONDS, not one per call."""

    def get_client(self, *args, **kwargs):
        self._skip_check()
        return super().get_client(*args, **kwargs)

    def get_client_with_index(self, *args, **kwargs):
        self._skip_check()
        return super().get_client_with_index(*args, **kwargs)

    @staticmethod
    def _skip_check() -> None:
        if cache_skipping():
            raise ConnectionInterrupted(connection=None) from CacheSkipped("skipped: Redis failed just before")


def cache_error_log(error: BaseException) -> None:
    """For code that catches a cache error itself (eulogin.ratelimit)."""
    if isinstance(error, CacheSkipped):
        return
    if cache_failed(error):
        logger.warning("cache down: %s: %s; serving from PostgreSQL", type(error).__name__, error)


class CacheDownFilter(logging.Filter):
    """On `eulogin.cache`: a record carrying an exception (django-redis's "Exception
    ignored") becomes one traceback-free "cache down" line, repeated at most every
    LOG_EVERY_SECONDS; other records pass unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.exc_info:
            return True
        error = record.exc_info[1]
        cause = getattr(error, "__cause__", None) or error
        record.exc_info, record.exc_text = None, None
        if isinstance(cause, CacheSkipped) or not cache_failed(cause):
            return False
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.msg, record.args = "cache down: %s: %s; serving from PostgreSQL", (type(cause).__name__, cause)
        return True


class CacheUnavailable(Exception):
    """Raised by a use of the cache that must fail closed when Redis does not answer
    (see where it is raised); eulogin.unavailable answers it with a 503 page."""
