"""Fault tests: the product with its parts down, restarted or emptied."""

import pytest

from eulogin.cache import cache_state_reset
from tests.cas_server.conftest import http_recorder, make_service, service  # noqa: F401 — fixtures


@pytest.fixture(autouse=True)
def _cache_seen_up():
    """Each test starts, and leaves, with this process seeing the cache up."""
    cache_state_reset()
    yield
    cache_state_reset()
