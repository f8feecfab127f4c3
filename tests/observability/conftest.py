from tests.cas_server.conftest import make_service, service  # noqa: F401 — fixtures
from tests.mfa_sms.conftest import phone, sms_locmem, sms_signin  # noqa: F401 — fixtures
