import re
import time
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import TOTP

from mfa_totp.models import TOTPDevice
from tests.conftest import force_sign_in, sign_in

SECRET_RE = re.compile(r'<code id="totp-secret">([A-Z2-7 ]+)</code>')


@pytest.fixture(autouse=True)
def _no_delays(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code_for(secret_or_device, *, at: float | None = None) -> str:
    """The code an app would show now (or at the Unix time `at`), from the base32 secret
    read on the page or from a device row."""
    if isinstance(secret_or_device, TOTPDevice):
        key = secret_or_device.bin_key
    else:
        secret = secret_or_device.replace(" ", "")
        key = b32decode(secret + "=" * (-len(secret) % 8))
    generator = TOTP(key, step=30, t0=0, digits=6)
    generator.time = time.time() if at is None else at
    return f"{generator.token():06d}"


def wrong_code_for(device) -> str:
    """A code no step within the tolerance accepts."""
    now = time.time()
    near = {code_for(device, at=now + 30 * k) for k in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)


def secret_on(page: str) -> str:
    match = SECRET_RE.search(page)
    assert match, page
    return match.group(1)


@pytest.fixture
def app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


@pytest.fixture
def enrolling_client(client, user):
    """Signed in with the password just now (no second factor yet)."""
    force_sign_in(client, user, kinds=("PASSWORD",))
    return client


def totp_signin(client, user):
    return sign_in(client, user.email, method="TOTP")


def post_code(client, url_name: str, code: str, **extra):
    return client.post(reverse(url_name), {"action": "verify", "code": code, **extra})
