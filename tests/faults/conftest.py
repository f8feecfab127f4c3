"""Fault tests: the product with its parts down, restarted or emptied."""

from tests.cas_server.conftest import http_recorder, make_service, service  # noqa: F401 — fixtures
