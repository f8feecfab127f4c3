"""One recovery code submitted by several requests at once: exactly one succeeds."""

import pytest
from django.db import connection

from mfa_recovery import services
from tests.parallel import run_together

from .conftest import new_request

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SQLite serialises writers)")
@pytest.mark.parametrize("round_", range(3))
def test_parallel_uses_of_one_code_give_one_success(user, recovery_codes, round_):
    results = run_together(lambda: services.recovery_code_verify(
        request=new_request(), user=user, code=recovery_codes[0], purpose="signin")[0].value)
    assert sorted(results) == sorted(["ok"] + ["wrong"] * 3)
