"""Rarely-changing rows read on every request (the CAS service registry, the strength
policies), kept in each web process and dropped when they change.

Each value is stored with the *generation* it was read under, a token in the shared cache
(Redis in production). A change of the rows draws a new generation: at once (this
process, and the others that look) and again once its transaction commits, so no process
keeps rows read before the commit. A process looks at the generation at most once per
READ_CACHE_CHECK_SECONDS (1 s), so a change reaches every process within that time and
costs no round trip to the cache on most requests. Without a shared cache (a failure, or
none configured), rows are read from the database each time.
"""

import secrets
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

_GENERATION_KEY = "eulogin:readcache:generation"


class ReadCache:
    def __init__(self, name: str, load: Callable[[], object]):
        self.name, self.load = name, load
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._checked_at = float("-inf")
        self._value: object = None

    def get(self):
        now = time.monotonic()
        if self._generation is not None and now - self._checked_at < _check_seconds():
            return self._value
        generation = _generation()
        if generation is None:
            return self.load()
        with self._lock:
            if generation != self._generation:
                value = self.load()  # read *after* the generation: a later change draws another
                self._value, self._generation = value, generation
            self._checked_at = now
            return self._value

    def forget(self) -> None:
        with self._lock:
            self._generation, self._value = None, None


_caches: list[ReadCache] = []


def read_cache(name: str, load: Callable[[], object]) -> ReadCache:
    cached = ReadCache(name, load)
    _caches.append(cached)
    return cached


def _check_seconds() -> float:
    return settings.READ_CACHE_CHECK_SECONDS


def cache_is_process_local() -> bool:
    """A cache private to this process: another one would never hear of a change."""
    return isinstance(cache, (LocMemCache, DummyCache))


def _generation() -> str | None:
    if cache_is_process_local():
        return None
    try:
        generation = cache.get(_GENERATION_KEY)
        if generation is None:
            cache.add(_GENERATION_KEY, secrets.token_hex(8), timeout=None)
            generation = cache.get(_GENERATION_KEY)
    except Exception:  # noqa: BLE001 — no shared cache: read the database
        return None
    return generation


def _new_generation() -> None:
    for cached in _caches:
        cached.forget()
    try:
        cache.set(_GENERATION_KEY, secrets.token_hex(8), timeout=None)
    except Exception:  # noqa: BLE001 — the other processes re-read when the cache is back
        pass


def read_caches_forget() -> None:
    """Drop what this process holds (tests: the database rolled back under it)."""
    for cached in _caches:
        cached.forget()


def read_caches_changed(**kwargs) -> None:
    """Receiver of post_save / post_delete of the rows behind the caches."""
    _new_generation()
    transaction.on_commit(_new_generation)
