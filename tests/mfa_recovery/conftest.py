import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from mfa_recovery import services
from mfa_totp.models import TOTPDevice


def new_request():
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.10")
    request.session = SessionStore()
    return request


@pytest.fixture(autouse=True)
def _no_delays(settings):
    settings.MFA_RECOVERY_THROTTLE_FACTOR = 0


@pytest.fixture
def app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


@pytest.fixture
def recovery_codes(user, app) -> list[str]:
    """A set of codes for `user` (who has an authenticator app), as shown to them."""
    return services.recovery_codes_generate(request=new_request(), user=user)
