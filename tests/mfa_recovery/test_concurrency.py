"""One recovery code submitted by several requests at once: exactly one succeeds."""

import threading

import pytest
from django.db import connection

from mfa_recovery import services

from .conftest import new_request

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SQLite serialises writers)")
@pytest.mark.parametrize("round_", range(3))
def test_parallel_uses_of_one_code_give_one_success(user, recovery_codes, round_):
    barrier = threading.Barrier(4)
    results = []

    def submit():
        try:
            barrier.wait()
            result, _device = services.recovery_code_verify(request=new_request(), user=user, code=recovery_codes[0],
                                                            purpose="signin")
            results.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(r.value for r in results) == sorted(["ok"] + ["wrong"] * 3)
