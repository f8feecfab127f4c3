"""Every kind of second factor at TRACES NT: step-up offers the authenticator app to a
password-only session, the ticket names the factor used, and SMS can be phased out by the
policy's time line (README's command), on both sides of its date."""

import json
import re
import shlex
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from mfa_sms.models import PhoneDevice
from mfa_totp.models import TOTPDevice
from tests.cas_server.conftest import cas_login, query_value, signin_next
from tests.conftest import sign_in
from tests.mfa_sms.conftest import last_code
from tests.mfa_totp.conftest import code_for, secret_on

from .conftest import TRACES_SERVICE

pytestmark = pytest.mark.django_db(transaction=True)
BRUSSELS = ZoneInfo("Europe/Brussels")
NUMBER = "+32470000001"
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(autouse=True)
def _no_delays(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _validate(client, ticket) -> dict:
    response = client.get(reverse("cas:p3_service_validate"), {"service": TRACES_SERVICE, "ticket": ticket,
                                                               "format": "JSON"})
    return json.loads(response.content)["serviceResponse"]["authenticationSuccess"]


def _eulogin_validate(client, ticket) -> dict:
    response = client.get(reverse("cas:ticket_validation_service"), {"service": TRACES_SERVICE, "ticket": ticket,
                                                                     "format": "JSON"})
    return json.loads(response.content)["serviceResponse"]["authenticationSuccess"]


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]


def _password_sign_in_for_traces(client, email):
    next_url = signin_next(cas_login(client, TRACES_SERVICE))
    assert sign_in(client, email, next_url=next_url)["Location"] == next_url
    return next_url, client.get(next_url)


def test_a_password_only_session_is_offered_the_authenticator_app_first_and_sms_with_a_notice(client, user, traces):
    _next_url, response = _password_sign_in_for_traces(client, user.email)
    assert response["Location"] == reverse("traces_gateway:step_up")
    page = client.get(reverse("traces_gateway:step_up")).content.decode()
    assert 'id="add-totp"' in page and 'id="add-phone"' in page
    assert page.index('id="add-totp"') < page.index('id="add-phone"')  # strongest first
    sms_option = page[page.index('data-factor="SMS"'):]
    assert "least safe" in sms_option
    assert "least safe" not in page[page.index('data-factor="TOTP"'):page.index('data-factor="SMS"')]


def test_a_password_only_session_with_an_app_proves_it_and_the_ticket_names_the_factor(client, user, traces):
    app = TOTPDevice.objects.create(user=user, name="Pixel", confirmed=True)
    next_url, response = _password_sign_in_for_traces(client, user.email)
    response = client.get(response["Location"])  # the step-up page sends to the app's code
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_totp:verify"))
    response = client.post(response["Location"], {"code": code_for(app)})
    assert response.status_code == 302
    response = client.get(response["Location"])
    ticket = query_value(response["Location"], "ticket")
    assert ticket
    success = _validate(client, ticket)
    assert _listed(success["attributes"]["strength"]) == ["PASSWORD_SOFTWARE_TOKEN"]
    assert _listed(success["attributes"]["authenticationLevel"]) == ["MEDIUM"]
    assert _listed(success["attributes"]["authenticationFactors"]) == ["PASSWORD", "TOTP"]


def test_the_eulogin_dialect_names_the_app_used(client, user, traces):
    app = TOTPDevice.objects.create(user=user, name="Pixel", confirmed=True)
    next_url = signin_next(cas_login(client, TRACES_SERVICE))
    sign_in(client, user.email, method="TOTP", next_url=next_url)
    client.post(reverse("mfa_totp:signin"), {"action": "verify", "code": code_for(app)})
    ticket = query_value(client.get(next_url)["Location"], "ticket")
    success = _eulogin_validate(client, ticket)
    assert success["strengths"] == ["PASSWORD_SOFTWARE_TOKEN", "PASSWORD"]
    assert success["authenticationLevel"] == "MEDIUM"
    assert success["authenticationFactors"]["moniker"] == user.email
    assert success["authenticationFactors"]["authenticatorApp"] == "Pixel"


def readme_phase_out_command() -> list[str]:
    """The README's one command that phases SMS out for TRACES NT, as its arguments."""
    line = next(line for line in README.read_text().splitlines() if "service_policy add" in line and "-PASSWORD_SMS" in line)
    args = shlex.split(line)
    return args[args.index("manage.py") + 1:]


def _sms_sign_in_for_traces(client, user):
    next_url = signin_next(cas_login(client, TRACES_SERVICE))
    sign_in(client, user.email, method="SMS", next_url=next_url, **{"sms-phone": NUMBER})
    response = client.post(reverse("mfa_sms:signin"), {"action": "verify", "code": last_code(NUMBER)})
    assert response["Location"] == next_url
    return client.get(next_url)


def test_the_readme_command_phases_sms_out_for_traces_from_its_date(client, user, traces):
    args = readme_phase_out_command()
    call_command(*args)
    date = datetime.fromisoformat(args[args.index("--from") + 1])
    PhoneDevice.objects.create(user=user, number=NUMBER, confirmed=True)

    with time_machine.travel(date - timedelta(minutes=1), tick=False):
        response = _sms_sign_in_for_traces(client, user)
        assert response["Location"].startswith("https://traces.example.org/") and "ticket=" in response["Location"]
        client.post(reverse("accounts:logout"))

    with time_machine.travel(date + timedelta(minutes=1), tick=False):
        response = _sms_sign_in_for_traces(client, user)
        assert response["Location"] == reverse("traces_gateway:step_up")
        page = client.get(reverse("traces_gateway:step_up")).content.decode()
        # Guided to enrol another factor: the app is offered, SMS no longer.
        assert 'id="add-totp"' in page and 'id="add-phone"' not in page
        add = re.search(r'href="([^"]+)" id="add-totp"', page).group(1).replace("&amp;", "&")
        client.post(add, {"name": "Pixel", "next": query_value(add, "next"), "cancel": query_value(add, "cancel")})
        secret = secret_on(client.get(reverse("mfa_totp:device_confirm")).content.decode())
        response = client.post(reverse("mfa_totp:device_confirm"), {"action": "verify", "code": code_for(secret)})
        while response.status_code == 302 and not response["Location"].startswith("https://"):
            if "recovery" in response["Location"]:
                response = client.get(query_value(response["Location"], "next"))
                continue
            response = client.get(response["Location"])
        ticket = query_value(response["Location"], "ticket")
        assert ticket and _listed(_validate(client, ticket)["attributes"]["strength"]) == ["PASSWORD_SOFTWARE_TOKEN"]


def test_a_policy_may_accept_a_level_less_some_strengths():
    from accounts.strengths import Requirement, UnknownRequirement

    requirement = Requirement.parse("medium, -password_sms")
    assert "PASSWORD_SMS" not in requirement.accepted and "PASSWORD" not in requirement.accepted
    assert {"PASSWORD_SOFTWARE_TOKEN", "PASSWORD_WEBAUTHN", "PASSWORD_TOKEN"} <= requirement.accepted
    for bad in ("MEDIUM,-PASSWORD_TELEPATHY", "-PASSWORD_SMS", "PASSWORD_SMS,-PASSWORD_SMS", "MEDIUM,-"):
        with pytest.raises(UnknownRequirement):
            Requirement.parse(bad)


def test_a_setting_stops_new_mobile_numbers_and_guided_enrolment_stops_offering_them(client, user, traces, settings):
    settings.MFA_SMS_ENROLMENT_ENABLED = False
    _next_url, response = _password_sign_in_for_traces(client, user.email)
    page = client.get(reverse("traces_gateway:step_up")).content.decode()
    assert 'id="add-totp"' in page and 'id="add-phone"' not in page
    response = client.get(reverse("mfa_sms:phone_add"))
    assert response.status_code == 403 and 'id="sms-enrolment-closed"' in response.content.decode()
    response = client.post(reverse("mfa_sms:phone_add"), {"phone": "+32 470 00 00 01"})
    assert response.status_code == 403 and not PhoneDevice.objects.exists()
