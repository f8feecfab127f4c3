"""TRACES NT's two-factor cutoff, and how service policies drive /cas/login and validation."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cas_server.models import Service
from mfa_sms.models import PhoneDevice
from tests.cas_server.conftest import cas_login, query_value, signin_next
from tests.conftest import sign_in
from tests.mfa_sms.conftest import last_code

from .conftest import TRACES_SERVICE

# Transactional: SMS leave through a task enqueued when the transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)
BRUSSELS = ZoneInfo("Europe/Brussels")
JUST_BEFORE = datetime(2024, 6, 10, 23, 59, tzinfo=BRUSSELS)
CUTOFF = datetime(2024, 6, 11, 0, 0, tzinfo=BRUSSELS)
NUMBER = "+32470000001"


def _password_sign_in_for(client, email, service_url=TRACES_SERVICE, **params):
    """/cas/login → password sign-in → back to /cas/login; returns that last response."""
    next_url = signin_next(cas_login(client, service_url, **params))
    response = sign_in(client, email, next_url=next_url)
    assert response["Location"] == next_url
    return client.get(next_url)


def _validate(client, ticket, service_url=TRACES_SERVICE) -> dict:
    response = client.get(reverse("cas:p3_service_validate"), {"service": service_url, "ticket": ticket, "format": "JSON"})
    return json.loads(response.content)["serviceResponse"]


def _attribute(success: dict, name: str) -> list[str]:
    value = success["attributes"][name]
    return value if isinstance(value, list) else [value]


def test_before_the_cutoff_a_password_alone_reaches_traces(client, user, traces):
    with time_machine.travel(JUST_BEFORE, tick=False):
        response = _password_sign_in_for(client, user.email)
        ticket = query_value(response["Location"], "ticket")
        assert response["Location"].startswith(TRACES_SERVICE) and ticket
        success = _validate(client, ticket)["authenticationSuccess"]
    assert _attribute(success, "strength") == ["PASSWORD"]
    assert _attribute(success, "authenticationLevel") == ["BASIC"]


def test_from_the_cutoff_a_password_alone_does_not_reach_traces(client, user, traces):
    with time_machine.travel(CUTOFF, tick=False):
        response = _password_sign_in_for(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("traces_gateway:step_up")
    assert "ticket=" not in response["Location"]


def test_validation_checks_again_a_ticket_issued_just_before_the_cutoff(client, user, traces):
    with time_machine.travel(CUTOFF - timedelta(seconds=3), tick=False):
        ticket = query_value(_password_sign_in_for(client, user.email)["Location"], "ticket")
    with time_machine.travel(CUTOFF + timedelta(seconds=1), tick=False):
        failure = _validate(client, ticket)["authenticationFailure"]
    assert failure["code"] == "INVALID_STRENGTH"


def test_a_password_and_sms_session_gets_a_ticket_carrying_strength_level_and_factors(client, user, traces):
    PhoneDevice.objects.create(user=user, number=NUMBER, confirmed=True)
    next_url = signin_next(cas_login(client, TRACES_SERVICE))
    sign_in(client, user.email, method="SMS", next_url=next_url, **{"sms-phone": "+32 470 00 00 01"})
    response = client.post(reverse("mfa_sms:signin"), {"action": "verify", "code": last_code(NUMBER)})
    assert response["Location"] == next_url
    response = client.get(next_url)
    ticket = query_value(response["Location"], "ticket")
    success = _validate(client, ticket)["authenticationSuccess"]
    assert _attribute(success, "strength") == ["PASSWORD_SMS"]
    assert _attribute(success, "authenticationLevel") == ["MEDIUM"]
    assert _attribute(success, "authenticationFactors") == ["PASSWORD", "SMS"]


def test_a_stricter_accept_strengths_wins_over_a_looser_policy(client, user, make_service):
    make_service("https://open.example.org/")  # no rule: any sign-in
    response = _password_sign_in_for(client, user.email, "https://open.example.org/", acceptStrengths="PASSWORD_SMS")
    assert response["Location"] == reverse("traces_gateway:step_up")


@pytest.mark.parametrize("accept", ["PASSWORD", "PASSWORD,PASSWORD_SMS"])
def test_a_looser_accept_strengths_cannot_weaken_the_policy(client, user, traces, accept):
    response = _password_sign_in_for(client, user.email, acceptStrengths=accept)
    assert response["Location"] == reverse("traces_gateway:step_up")


def test_validation_accept_strengths_is_combined_with_the_policy(client, user, make_service):
    make_service("https://open.example.org/")
    response = _password_sign_in_for(client, user.email, "https://open.example.org/")
    ticket = query_value(response["Location"], "ticket")
    # The login asked nothing special; the ticket's strength is recorded and checked again.
    assert _validate(client, ticket, "https://open.example.org/")["authenticationSuccess"]["user"] == user.email


def test_an_authentication_level_no_method_here_can_meet_gets_a_clear_error_page(client, traces):
    response = cas_login(client, TRACES_SERVICE, authenticationLevel="HIGH")
    assert response.status_code == 403
    assert "cannot offer" in response.content.decode()
    assert "Location" not in response


@pytest.mark.parametrize("params", [{"acceptStrengths": "PASSWORD_TELEPATHY"}, {"authenticationLevel": "ULTRA"},
                                    {"acceptStrengths": "," * 300}])
def test_unknown_strengths_or_levels_are_refused_with_a_400(client, traces, params):
    response = cas_login(client, TRACES_SERVICE, **params)
    assert response.status_code == 400


def test_gateway_with_a_weak_session_goes_back_without_a_ticket(client, user, traces):
    _password_sign_in_for(client, user.email)
    response = cas_login(client, TRACES_SERVICE, gateway="true")
    assert response["Location"] == TRACES_SERVICE


def test_the_step_up_page_names_the_service_and_why(client, user, traces):
    phone = PhoneDevice.objects.create(user=user, number=NUMBER, confirmed=True)
    step_up = client.get(_password_sign_in_for(client, user.email)["Location"])
    page = client.get(step_up["Location"]).content.decode()
    assert "Confirm it is you" in page
    assert "TRACES NT requires two-factor authentication since 11 June 2024." in page
    assert f'value="{phone.pk}"' in page
    client.cookies["eulogin_language"] = "fr"
    french = client.get(step_up["Location"]).content.decode()
    assert "TRACES NT exige une authentification à deux facteurs depuis le 11 juin 2024." in french


def test_the_step_up_reason_shows_only_on_its_own_step_up(signed_in_client, user, traces):
    from mfa_sms.factor import sms_step_up_url

    PhoneDevice.objects.create(user=user, number=NUMBER, confirmed=True)
    page = signed_in_client.get(sms_step_up_url("/account/my-account/")).content.decode()
    assert "requires two-factor authentication" not in page


def test_step_up_with_a_registered_phone_asks_only_for_the_sms_then_goes_on(client, user, traces):
    phone = PhoneDevice.objects.create(user=user, number=NUMBER, confirmed=True)
    response = _password_sign_in_for(client, user.email)
    step_up = client.get(response["Location"])
    assert step_up.status_code == 302 and step_up["Location"].startswith(reverse("mfa_sms:verify"))
    next_url = signin_next(step_up)
    client.post(step_up["Location"], {"device": phone.pk, "next": next_url})
    done = client.post(reverse("mfa_sms:verify_challenge"), {"action": "verify", "code": last_code(NUMBER)})
    assert done["Location"] == next_url
    back = client.get(next_url)
    ticket = query_value(back["Location"], "ticket")
    success = _validate(client, ticket)["authenticationSuccess"]
    assert _attribute(success, "strength") == ["PASSWORD_SMS"]
    # No second password was asked for: the sign-in is the same one.
    assert _attribute(success, "isFromNewLogin") == ["true"]


def test_without_a_phone_the_user_is_told_why_and_led_through_enrolment(client, user, traces):
    response = _password_sign_in_for(client, user.email)
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="fr")
    html = page.content.decode()
    assert page.status_code == 200
    assert "TRACES NT n'accepte que les connexions à double authentification depuis le 11 juin 2024" in html
    add_url = query_value_html(html, "add-phone")
    assert add_url.startswith(reverse("mfa_sms:phone_add"))
    added = client.post(add_url, {"phone": "+32 470 00 00 01", "label": "Mobile",
                                  "next": query_value(add_url, "next"), "cancel": query_value(add_url, "cancel")})
    assert added["Location"] == reverse("mfa_sms:phone_confirm")
    confirmed = client.post(reverse("mfa_sms:phone_confirm"), {"action": "verify", "code": last_code(NUMBER)})
    # Recovery codes are offered after this first second factor; "Not now" goes on.
    assert confirmed["Location"].startswith(reverse("mfa_recovery:offer"))
    back = client.get(query_value(confirmed["Location"], "next"))
    ticket = query_value(back["Location"], "ticket")
    assert back["Location"].startswith(TRACES_SERVICE)
    assert _attribute(_validate(client, ticket)["authenticationSuccess"], "strength") == ["PASSWORD_SMS"]
    assert PhoneDevice.objects.get(user=user).confirmed


def test_cancelling_the_enrolment_says_why_traces_cannot_be_reached(client, user, traces):
    response = _password_sign_in_for(client, user.email)
    client.get(response["Location"])
    page = client.get(reverse("traces_gateway:step_up_cancelled"))
    assert "You cannot reach TRACES NT yet" in page.content.decode()


def test_the_step_up_page_without_a_pending_service_goes_home(signed_in_client):
    assert signed_in_client.get(reverse("traces_gateway:step_up"))["Location"] == reverse("accounts:home")


def test_the_step_up_page_needs_a_sign_in(client):
    assert client.get(reverse("traces_gateway:step_up"))["Location"].startswith(reverse("accounts:login"))


def test_the_seed_registers_traces_with_its_two_rules_once(traces):
    from traces_gateway.seed import traces_service_seed
    from traces_gateway.selectors import service_requirement

    traces_service_seed()
    assert Service.objects.filter(name="TRACES NT").count() == 1
    assert [r.requirement for r in traces.strength_rules.order_by("effective_from")] == ["BASIC", "MEDIUM"]
    assert service_requirement(service=traces, at=JUST_BEFORE).is_met_by(["PASSWORD"])
    assert not service_requirement(service=traces, at=CUTOFF).is_met_by(["PASSWORD"])


def query_value_html(html: str, element_id: str) -> str:
    import html as html_lib
    import re

    match = re.search(rf'href="([^"]+)" id="{element_id}"', html)
    assert match, f"no #{element_id} link"
    return html_lib.unescape(match.group(1))
