"""With the cache (Redis) unreachable, eulogin keeps answering from PostgreSQL: sign-in,
ticket issue, validation, the request limits; the one use that fails closed (registration
links) answers a translated 503; the log says the cache is down in one line.

The cache is the production configuration (django-redis, eulogin/settings.py) pointed at
a loopback port where nothing listens."""

import logging
import time
from contextlib import contextmanager

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, RateWindow, User
from cas_server.models import ServiceTicket
from eulogin import cache as cache_health
from eulogin import ratelimit
from tests.accounts.conftest import link_path
from tests.cas_server.conftest import SERVICE_URL, cas_sign_in, sso_ticket
from tests.conftest import sign_in
from tests.processes import free_port

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("django_redis" not in django_settings.CACHES["default"]["BACKEND"],
                       reason="the production cache (REDIS_URL) is what is tested here"),
]


def caches_at(url: str) -> dict:
    return {alias: {**config, "LOCATION": url} for alias, config in django_settings.CACHES.items()}


@pytest.fixture
def dead_cache(settings):
    """Every cache alias points at a port nothing listens on (as after Redis died)."""
    settings.CACHES = caches_at(f"redis://127.0.0.1:{free_port()}/0")
    # What this process saw of the cache before (an earlier test's outage, its last log
    # line) must not decide whether this outage is logged.
    cache_health.cache_state_reset()
    yield
    for alias in settings.CACHES:
        caches[alias].close()
    cache_health.cache_state_reset()


@contextmanager
def cache_down_log():
    """The records of the eulogin.cache logger during the block, as the handler sees them."""
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("eulogin.cache")
    logger.addHandler(handler)
    # Fixtures may already have met the dead cache (saving a service tells the other
    # processes through it): the block starts as a fresh outage, so its one line is seen.
    cache_health.cache_state_reset()
    try:
        yield records
    finally:
        logger.removeHandler(handler)


def validate(ticket: str) -> str:
    response = Client().get(reverse("cas:service_validate"), {"service": SERVICE_URL, "ticket": ticket})
    assert response.status_code == 200
    return response.content.decode()


def test_sign_in_ticket_issue_and_validation_answer_from_postgresql(dead_cache, client, user, service):
    with cache_down_log() as records:
        started = time.monotonic()
        ticket = cas_sign_in(client, user.email)
        assert "<cas:authenticationSuccess>" in validate(ticket)
        second = sso_ticket(client)  # the session, read back from PostgreSQL
        assert "<cas:authenticationSuccess>" in validate(second)
        assert "INVALID_TICKET" in validate(second)  # still single use
        elapsed = time.monotonic() - started
    assert ServiceTicket.objects.filter(validated=True).count() == 2
    down = [r for r in records if r.getMessage().startswith("cache down")]
    assert down and all(r.exc_info is None for r in records), [r.getMessage() for r in records]
    assert len(down) == 1  # one line, not one per failed call
    print(f"\ncache down: password sign-in, 2 tickets issued and 3 validations in {elapsed:.2f} s; "
          f"{cache_health.cache_state()['failures']} cache call tried and failed (the rest skipped), 1 log line")


def test_the_password_limits_still_lock_without_the_cache(dead_cache, client, user, settings):
    settings.ACCOUNTS_LOCKOUT_ACCOUNT_FREE_FAILURES = 2
    for _ in range(3):
        sign_in(client, user.email, "not the password at all")
    response = sign_in(client, user.email)
    assert response.status_code != 302  # locked, in PostgreSQL
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGNIN_LOCKED).exists()


def test_cache_held_limits_fall_back_to_postgresql_and_still_refuse(dead_cache):
    counts = [ratelimit.window_hit(scope="test", key="k", window=60) for _ in range(3)]
    assert counts == [1, 2, 3]
    assert RateWindow.objects.get().count == 3
    ratelimit.window_release(scope="test", key="k", window=60)
    assert RateWindow.objects.get().count == 2


def test_the_api_request_rate_still_refuses_without_the_cache(dead_cache, settings):
    """The API's per-minute limit is counted in PostgreSQL while Redis is down, as the
    other request limits are: it does not fail open (DRF's own throttle, on the cache
    that ignores errors, let every request through)."""
    from rest_framework.test import APIClient

    from api.keys import api_key_create

    settings.API_REQUESTS_PER_MINUTE = 2
    _key, token = api_key_create(name="script", scopes=["users:read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    with time_machine.travel(timezone.now().replace(second=5), tick=True):  # the three in one minute
        responses = [client.get("/api/v1/users/") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[-1].json()["code"] == "throttled" and int(responses[-1]["Retry-After"]) > 0
    assert RateWindow.objects.get(key__startswith="ratelimit:api:requests:").count == 3


def test_a_registration_link_fails_closed_with_a_translated_503(settings, client, mailoutbox,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:register"),
                    {"first_name": "Jeanne", "last_name": "Dupont", "email": "jeanne.dupont@example.org"})
    path = link_path(mailoutbox[0].body)
    live = settings.CACHES
    settings.CACHES = caches_at(f"redis://127.0.0.1:{free_port()}/0")
    response = client.post(path, {"new_password1": "a long fine passphrase", "new_password2": "a long fine passphrase"},
                           HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 503 and response["Retry-After"]
    assert "Momentanément indisponible" in response.content.decode()
    assert not User.objects.exists()
    settings.CACHES = live  # Redis is back: the same link works
    response = client.post(path, {"new_password1": "a long fine passphrase", "new_password2": "a long fine passphrase"})
    assert response.status_code == 302 and User.objects.filter(email="jeanne.dupont@example.org").exists()


def test_the_counters_measured_in_redis_and_in_postgresql(settings):
    """The figures behind the choice of store (eulogin.ratelimit): printed, not asserted."""
    rounds = 200
    figures = {}
    for store in (ratelimit.CACHE, ratelimit.DATABASE):
        started = time.perf_counter()
        for i in range(rounds):
            ratelimit.window_hit(scope="measure", key=str(i % 10), window=3600, store=store)
        figures[store] = (time.perf_counter() - started) / rounds * 1000
    settings.CACHES = caches_at(f"redis://127.0.0.1:{free_port()}/0")
    started = time.perf_counter()
    for i in range(rounds):
        ratelimit.window_hit(scope="measure-down", key=str(i % 10), window=3600)
    figures["cache down"] = (time.perf_counter() - started) / rounds * 1000
    for alias in settings.CACHES:
        caches[alias].close()
    assert RateWindow.objects.filter(key__startswith="ratelimit:measure-down:").count() == 10
    print("\nrequest counter, ms per hit: " + ", ".join(f"{name} {ms:.3f}" for name, ms in figures.items()))


def test_a_hung_redis_costs_one_timeout_a_second_not_one_per_call(settings, client, user, service, tmp_path):
    """SIGSTOP: Redis accepts connections and never answers, the worst kind of down."""
    import os
    import signal

    from tests.processes import RedisServer

    with RedisServer(tmp_path) as redis:
        settings.CACHES = caches_at(redis.url(0))
        ticket = cas_sign_in(client, user.email)
        os.kill(redis.process.pid, signal.SIGSTOP)
        try:
            started, validated, rounds = time.monotonic(), 0, 20
            for _ in range(rounds):
                validated += "<cas:authenticationSuccess>" in validate(ticket)
                ticket = sso_ticket(client)
            elapsed = time.monotonic() - started
            state = cache_health.cache_state()
        finally:
            os.kill(redis.process.pid, signal.SIGCONT)
            for alias in settings.CACHES:
                caches[alias].close()
    assert validated == rounds and not state["up"]
    print(f"\nhung Redis: {rounds} validations and tickets in {elapsed:.2f} s, "
          f"{state['failures']} cache calls timed out (0.5 s each), the others skipped")
