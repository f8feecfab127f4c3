"""One code submitted by several requests at once: django-otp's last_t, read under a row
lock, lets exactly one pass."""

import threading

import pytest
from django.db import connection

from mfa_totp import services
from tests.mfa_recovery.conftest import new_request

from .conftest import code_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SQLite serialises writers)")
def test_parallel_submissions_of_one_code_give_one_success(user, app):
    code = code_for(app)
    barrier = threading.Barrier(4)
    results = []

    def submit():
        try:
            barrier.wait()
            result, _device = services.totp_verify(request=new_request(), user=user, code=code, purpose="signin")
            results.append(result.value)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == sorted(["ok"] + ["wrong"] * 3)
