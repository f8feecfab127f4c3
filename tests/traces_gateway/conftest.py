import pytest

from mfa_sms.backends import locmem
from tests.cas_server.conftest import make_service  # noqa: F401  (fixture)
from traces_gateway.seed import traces_service_seed

TRACES_URL = "https://traces.example.org/"
TRACES_SERVICE = TRACES_URL + "login?next=%2Fcertificates"


@pytest.fixture(autouse=True)
def sms_locmem(settings):
    settings.SMS_BACKEND = "mfa_sms.backends.locmem.SmsBackend"
    settings.MFA_SMS_THROTTLE_FACTOR = 0
    locmem.outbox.clear()
    yield locmem.outbox
    locmem.outbox.clear()


@pytest.fixture
def traces(db, settings):
    """TRACES NT, registered as the seed registers it: password before the cutoff, MEDIUM after."""
    settings.TRACES_SERVICE_URL = TRACES_URL
    service, _ = traces_service_seed()
    return service
