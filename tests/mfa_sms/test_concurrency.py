"""Two parallel correct submissions of one code: exactly one succeeds (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from mfa_sms import flows
from mfa_sms.flows import VerifyResult
from mfa_sms.models import Challenge

from .conftest import last_code
from .test_challenges import new_request

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SQLite serialises writers)")
@pytest.mark.parametrize("round_", range(5))
def test_two_parallel_correct_submissions_give_one_success(phone, round_):
    request = new_request()
    flows.challenge_issue(request=request, device=phone, purpose=Challenge.Purpose.ENROL)
    code = last_code()
    state = dict(request.session[flows.SESSION_KEY])
    barrier = threading.Barrier(4)
    results = []

    def submit():
        try:
            mine = new_request()
            mine.session[flows.SESSION_KEY] = dict(state)
            barrier.wait()
            results.append(flows.challenge_verify(request=mine, purpose=Challenge.Purpose.ENROL, code=code))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(r.value for r in results) == sorted([VerifyResult.OK.value] + [VerifyResult.EXPIRED.value] * 3)
