import pytest

from tests.cas_server.conftest import make_service  # noqa: F401  (fixture)
from tests.mfa_sms.conftest import sms_locmem  # noqa: F401  (autouse fixture: SMS to locmem)
from traces_gateway.seed import traces_service_seed

TRACES_URL = "https://traces.example.org/"
TRACES_SERVICE = TRACES_URL + "login?next=%2Fcertificates"


@pytest.fixture
def traces(db, settings):
    """TRACES NT, registered as the seed registers it: password before the cutoff, MEDIUM after."""
    settings.TRACES_SERVICE_URL = TRACES_URL
    service, _ = traces_service_seed()
    return service
