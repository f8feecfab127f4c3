"""A loginRequestId is taken once, even by simultaneous requests (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from cas_server.eulogin.login_requests import login_request_create, login_request_take

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-level concurrency is proven against PostgreSQL (CI)"
)

THREADS = 8
ROUNDS = 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_uses_of_one_login_request_id_never_both_succeed(make_service):
    make_service()
    for _ in range(ROUNDS):
        value = login_request_create(query={"service": "https://app.example.org/x"}).login_request_id
        assert value
        barrier = threading.Barrier(THREADS)
        outcomes: list[bool] = []
        errors: list[BaseException] = []

        def take():
            try:
                barrier.wait()
                outcomes.append(login_request_take(value)[0] is not None)
            except BaseException as exc:  # noqa: BLE001 — reported below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=take) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        assert outcomes.count(True) == 1, outcomes
