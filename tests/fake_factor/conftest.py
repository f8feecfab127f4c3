from tests.mfa_sms.conftest import sms_locmem  # noqa: F401  (autouse fixture: SMS to locmem)
from tests.traces_gateway.conftest import traces  # noqa: F401  (fixture)
