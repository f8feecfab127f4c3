"""Relying-service policy plugs into the CAS server through CAS_REQUIREMENT_RESOLVER and
CAS_STEP_UP_HANDLER: with the core's defaults, no policy app is consulted."""

import pytest
from django.urls import reverse

from tests.cas_server.conftest import cas_login, query_value, signin_next
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
TRACES = "https://traces.example.org/"


@pytest.fixture
def core_only(settings):
    settings.CAS_REQUIREMENT_RESOLVER = "cas_server.policy.requirement_from_parameters"
    settings.CAS_STEP_UP_HANDLER = "cas_server.policy.step_up_to_factor"


@pytest.fixture
def traces(db, settings):
    from traces_gateway.seed import traces_service_seed

    settings.TRACES_SERVICE_URL = TRACES
    return traces_service_seed()[0]


def _after_password(client, user, **params):
    next_url = signin_next(cas_login(client, TRACES, **params))
    sign_in(client, user.email, next_url=next_url)
    return client.get(next_url)


def test_the_configured_resolver_applies_the_service_policy(client, user, traces):
    assert _after_password(client, user)["Location"] == reverse("traces_gateway:step_up")


def test_the_core_default_reads_only_the_request(client, user, traces, core_only):
    assert query_value(_after_password(client, user)["Location"], "ticket")


def test_the_core_default_steps_up_through_the_accounts_factor_step(client, user, traces, core_only):
    response = _after_password(client, user, acceptStrengths="PASSWORD_SMS")
    # The only kind meeting PASSWORD_SMS is SMS: its own step, which leads to enrolment.
    assert response["Location"].startswith(reverse("mfa_sms:verify"))
