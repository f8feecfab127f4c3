"""One code submitted by several requests at once: django-otp's last_t, read under a row
lock, lets exactly one pass."""

import pytest
from django.db import connection

from mfa_totp import services
from tests.mfa_recovery.conftest import new_request
from tests.parallel import run_together

from .conftest import code_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SQLite serialises writers)")
def test_parallel_submissions_of_one_code_give_one_success(user, app):
    code = code_for(app)
    results = run_together(
        lambda: services.totp_verify(request=new_request(), user=user, code=code, purpose="signin")[0].value)
    assert sorted(results) == sorted(["ok"] + ["wrong"] * 3)
