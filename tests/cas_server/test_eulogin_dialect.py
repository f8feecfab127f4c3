"""EU Login's dialect: /cas/login/init login transactions, the EU Login validation
endpoints and response form, assurance levels per endpoint, and the dialect a registered
service may choose for /cas/serviceValidate."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from defusedxml import ElementTree
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.factors import SESSION_KEY
from cas_server.models import LoginRequest, ServiceTicket
from mfa_sms.phones import phone_mask
from tests.cas_server.conftest import (
    SERVICE_URL,
    asks_for_credentials,
    cas_sign_in,
    query_value,
    signin_next,
    sso_ticket,
)
from tests.conftest import sign_in

EU_NS = "https://ecas.ec.europa.eu/cas/schemas"
NS = {"cas": EU_NS}
CAS2_NS = "http://www.yale.edu/tp/cas"
PHONE = "+32470000001"
ENDPOINTS = {
    "cas:lax_validate": 10,
    "cas:sponsor_validate": 20,
    "cas:interinstitutional_validate": 30,
    "cas:strict_validate": 40,
}


def xml(response):
    assert response["Content-Type"].startswith("application/xml"), response["Content-Type"]
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{{{EU_NS}}}serviceResponse"
    return root


def eu_validate(client, ticket, name="cas:ticket_validation_service", service=SERVICE_URL, **params):
    return client.get(reverse(name), {"ticket": ticket, "service": service, **params})


def failure_code(response) -> str:
    root = xml(response)
    failure = root.find("cas:authenticationFailure", NS)
    assert failure is not None, response.content
    assert failure.text  # a description for people reading logs
    return failure.get("code")


def success(response):
    found = xml(response).find("cas:authenticationSuccess", NS)
    assert found is not None, response.content
    return found


def add_sms_factor(client) -> None:
    """What mfa_sms records once the code is verified: the kind and the masked number."""
    session = client.session
    session[SESSION_KEY] = session[SESSION_KEY] + [
        {"kind": "SMS", "at": timezone.now().isoformat(), "phone": phone_mask(PHONE)}
    ]
    session.save()


def login_init(client, fmt=None, **params):
    data = {"service": SERVICE_URL, **params}
    if fmt:
        data["format"] = fmt
    return client.post(reverse("cas:login_init"), data)


def new_login_request_id(client, **params) -> str:
    response = login_init(client, fmt="JSON", **params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)["serviceResponse"]["loginRequestSuccess"]["loginRequestId"]


# --- Response shapes ---------------------------------------------------------------------

def test_xml_success_carries_every_field_directly_under_authentication_success(client, user, service):
    user.preferred_language = "fr"
    user.save()
    user.groups.add(Group.objects.create(name="TRACES_OPERATOR"))
    Group.objects.create(name="NOT_A_MEMBER")
    cas_sign_in(client, user.email)
    add_sms_factor(client)
    ticket = sso_ticket(client)

    response = eu_validate(client, ticket, groups="*")

    node = success(response)
    children = [child.tag for child in node]
    assert all(tag.startswith(f"{{{EU_NS}}}") for tag in children)
    values = {child.tag.split("}")[1]: child for child in node}
    text = {name: element.text for name, element in values.items()}
    uid = f"n{user.pk:08d}"
    assert children[0] == f"{{{EU_NS}}}user" and text["user"] == user.email
    assert text["email"] == user.email and text["firstName"] == "Anna" and text["lastName"] == "Schmidt"
    assert text["domain"] == "external" and text["domainUsername"] == uid and text["uid"] == uid
    assert text["locale"] == "fr" and text["assuranceLevel"] == "10"
    strengths = values["strengths"]
    assert strengths.get("number") == "2"
    assert [s.text for s in strengths.findall("cas:strength", NS)] == ["PASSWORD_SMS", "PASSWORD"]
    factors = values["authenticationFactors"]
    assert factors.get("number") == "2"
    assert factors.find("cas:moniker", NS).text == user.email
    assert factors.find("cas:mobilePhoneNumber", NS).text == phone_mask(PHONE)
    assert PHONE not in response.content.decode() and "•" in phone_mask(PHONE)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", text["loginDate"])
    assert text["sso"] == "true"  # the second ticket of the SSO session
    assert text["ticketType"] == "SERVICE"
    assert text["authenticationLevel"] == "MEDIUM"
    groups = values["groups"]
    assert groups.get("number") == "1" and [g.text for g in groups] == ["TRACES_OPERATOR"]


def test_xml_reports_a_new_login_and_no_groups_unless_asked(client, user, service):
    ticket = cas_sign_in(client, user.email)
    node = success(eu_validate(client, ticket, name="cas:lax_validate"))
    assert node.find("cas:sso", NS).text == "false"
    assert node.find("cas:groups", NS) is None
    assert node.find("cas:authenticationLevel", NS).text == "BASIC"
    assert [s.text for s in node.find("cas:strengths", NS)] == ["PASSWORD"]
    factors = node.find("cas:authenticationFactors", NS)
    assert factors.get("number") == "1" and factors.find("cas:mobilePhoneNumber", NS) is None


def test_groups_may_name_the_ones_the_service_cares_about(client, user, service):
    user.groups.add(Group.objects.create(name="A"), Group.objects.create(name="B"))
    ticket = cas_sign_in(client, user.email)
    groups = success(eu_validate(client, ticket, groups="B,C")).find("cas:groups", NS)
    assert [g.text for g in groups] == ["B"] and groups.get("number") == "1"


def test_json_success_has_the_same_fields(client, user, service):
    user.groups.add(Group.objects.create(name="TRACES_OPERATOR"))
    cas_sign_in(client, user.email)
    add_sms_factor(client)
    ticket = sso_ticket(client)

    response = eu_validate(client, ticket, format="JSON", groups="*")

    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)["serviceResponse"]["authenticationSuccess"]
    uid = f"n{user.pk:08d}"
    assert data["user"] == user.email and data["email"] == user.email
    assert data["firstName"] == "Anna" and data["lastName"] == "Schmidt"
    assert data["domain"] == "external" and data["domainUsername"] == uid and data["uid"] == uid
    assert data["assuranceLevel"] == "10"
    assert data["strengths"] == ["PASSWORD_SMS", "PASSWORD"]
    assert data["authenticationFactors"] == {"moniker": user.email, "mobilePhoneNumber": phone_mask(PHONE)}
    assert data["sso"] == "true" and data["ticketType"] == "SERVICE" and data["authenticationLevel"] == "MEDIUM"
    assert data["groups"] == ["TRACES_OPERATOR"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", data["loginDate"])


def test_json_failure_shape(client, user, service):
    response = eu_validate(client, "ST-unknown", format="json")
    assert response["Content-Type"] == "application/json"
    failure = json.loads(response.content)["serviceResponse"]["authenticationFailure"]
    assert set(failure) == {"code", "description"}
    assert failure["code"] == "INVALID_TICKET" and "not recognized" in failure["description"]


def test_user_details_false_keeps_only_identifiers_and_sign_in_facts(client, user, service):
    cas_sign_in(client, user.email)
    add_sms_factor(client)
    ticket = sso_ticket(client)
    node = success(eu_validate(client, ticket, userDetails="false"))
    names = [child.tag.split("}")[1] for child in node]
    assert names == ["user", "domain", "assuranceLevel", "uid", "strengths", "authenticationFactors", "loginDate",
                     "sso", "ticketType", "authenticationLevel"]
    factors = node.find("cas:authenticationFactors", NS)
    assert [f.tag.split("}")[1] for f in factors] == ["moniker"] and factors.get("number") == "1"


def test_only_registered_attributes_are_released(client, user, make_service):
    make_service(released_attributes=["email"])
    ticket = cas_sign_in(client, user.email)
    names = {child.tag.split("}")[1] for child in success(eu_validate(client, ticket))}
    assert "email" in names and not names & {"firstName", "lastName", "domain", "locale"}


def test_user_data_that_xml_cannot_carry_does_not_break_the_answer(client, make_user, service):
    person = make_user(first_name="An\x0bna<&>")
    ticket = cas_sign_in(client, person.email)
    assert success(eu_validate(client, ticket)).find("cas:firstName", NS).text == "Anna<&>"


# --- Assurance levels per endpoint ---------------------------------------------------------

@pytest.mark.parametrize("name,level", ENDPOINTS.items())
def test_self_registered_user_passes_only_the_low_endpoint(client, user, service, name, level):
    ticket = cas_sign_in(client, user.email)
    response = eu_validate(client, ticket, name=name)
    if level <= 10:
        assert success(response).find("cas:assuranceLevel", NS).text == "10"
    else:
        assert failure_code(response) == "INVALID_USER"


@pytest.mark.parametrize("name", ENDPOINTS)
def test_internal_user_passes_every_endpoint(client, make_user, service, name):
    person = make_user("marc.dupont@eulogin.example.org")
    ticket = cas_sign_in(client, person.email)
    node = success(eu_validate(client, ticket, name=name))
    assert node.find("cas:assuranceLevel", NS).text == "40"
    assert node.find("cas:domain", NS).text == "internal"
    assert node.find("cas:domainUsername", NS).text == "marc.dupont"


@pytest.mark.parametrize("requested,ok", [
    (None, True), ("LOW", True), ("10", True), ("no_assurance", True), ("MEDIUM", False), ("20", False),
    ("TOP", False),
])
def test_ticket_validation_service_uses_the_requested_assurance_level(client, user, service, requested, ok):
    ticket = cas_sign_in(client, user.email)
    params = {} if requested is None else {"assuranceLevel": requested}
    response = eu_validate(client, ticket, **params)
    if ok:
        success(response)
    else:
        assert failure_code(response) == "INVALID_USER"


def test_assurance_level_cannot_weaken_a_fixed_endpoint_but_can_raise_it(client, user, service):
    ticket = cas_sign_in(client, user.email)
    assert failure_code(eu_validate(client, ticket, name="cas:strict_validate", assuranceLevel="LOW")) == "INVALID_USER"
    ticket = sso_ticket(client)
    assert failure_code(eu_validate(client, ticket, name="cas:lax_validate", assuranceLevel="HIGH")) == "INVALID_USER"


def test_invalid_user_consumes_the_ticket_and_is_not_recorded_as_validated(client, user, service):
    ticket = cas_sign_in(client, user.email)
    assert failure_code(eu_validate(client, ticket, name="cas:strict_validate")) == "INVALID_USER"
    stored = ServiceTicket.objects.get(ticket=ticket)
    assert stored.consumed_at is not None and not stored.validated
    assert failure_code(eu_validate(client, ticket, name="cas:lax_validate")) == "INVALID_TICKET"


def test_assurance_levels_follow_the_setting(client, user, service, settings):
    settings.CAS_EULOGIN_ASSURANCE_BY_DOMAIN = {"internal": 40, "external": 20}
    ticket = cas_sign_in(client, user.email)
    assert success(eu_validate(client, ticket, name="cas:sponsor_validate")).find("cas:assuranceLevel", NS).text == "20"


# --- Strength on the EU Login endpoints ------------------------------------------------------

@pytest.mark.parametrize("name", ["cas:ticket_validation_service", "cas:lax_validate"])
def test_password_only_ticket_fails_with_invalid_strength_when_sms_is_required(client, user, service, name):
    ticket = cas_sign_in(client, user.email)
    assert failure_code(eu_validate(client, ticket, name=name, acceptStrengths="PASSWORD_SMS")) == "INVALID_STRENGTH"
    assert failure_code(eu_validate(client, ticket, name=name)) == "INVALID_TICKET"  # consumed


def test_sms_ticket_passes_the_stricter_accept_strengths(client, user, service):
    cas_sign_in(client, user.email)
    add_sms_factor(client)
    ticket = sso_ticket(client)
    success(eu_validate(client, ticket, acceptStrengths="PASSWORD_SMS"))


def test_ticket_types_restrict_what_is_accepted(client, user, service):
    ticket = cas_sign_in(client, user.email)
    assert failure_code(eu_validate(client, ticket, ticketTypes="PROXY")) == "INVALID_TICKET_SPEC"
    ticket = sso_ticket(client)
    assert success(eu_validate(client, ticket, ticketTypes="SERVICE,PROXY")).find("cas:ticketType", NS).text == "SERVICE"


# --- Bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("params", [
    {"format": "YAML"}, {"assuranceLevel": "SUPREME"}, {"assuranceLevel": "15"}, {"assuranceLevel": "9" * 5000},
    {"ticketTypes": "GRANTING"}, {"ticketTypes": "SERVICE," * 100}, {"acceptStrengths": "PASSWORD_TELEPATHY"},
    {"acceptStrengths": "PASSWORD," * 100}, {"groups": "G," * 1000},
])
def test_bad_parameters_are_invalid_request_and_consume_the_ticket(client, user, service, params):
    ticket = cas_sign_in(client, user.email)
    response = eu_validate(client, ticket, **params)
    assert response.status_code == 200
    assert failure_code(response) == "INVALID_REQUEST"
    assert ServiceTicket.objects.get(ticket=ticket).consumed_at is not None
    assert failure_code(eu_validate(client, ticket)) == "INVALID_TICKET"


@pytest.mark.parametrize("ticket", ["", "ST-" + "x" * 5000, "garbage\x00", "PGT-abc"])
def test_unknown_or_oversized_tickets_are_refused(client, db, ticket):
    for name in ["cas:ticket_validation_service", *ENDPOINTS]:
        response = eu_validate(client, ticket, name=name)
        assert response.status_code == 200
        assert failure_code(response) in ("INVALID_TICKET", "INVALID_REQUEST")


def test_wrong_service_fails(client, user, service):
    ticket = cas_sign_in(client, user.email)
    assert failure_code(eu_validate(client, ticket, service="https://app.example.org/other")) == "INVALID_SERVICE"


def test_validation_is_get_or_post_only(client, db):
    assert client.put(reverse("cas:lax_validate"), {"ticket": "ST-x", "service": SERVICE_URL}).status_code == 405


# --- Dialect of /cas/serviceValidate -------------------------------------------------------------

def test_eulogin_service_gets_the_eulogin_form_on_service_validate(client, user, make_service):
    make_service(dialect="eulogin")
    ticket = cas_sign_in(client, user.email)
    node = success(client.get(reverse("cas:service_validate"), {"ticket": ticket, "service": SERVICE_URL}))
    assert node.find("cas:user", NS).text == user.email
    assert node.find("cas:strengths/cas:strength", NS).text == "PASSWORD"
    ticket = sso_ticket(client)
    response = client.get(reverse("cas:p3_service_validate"), {"ticket": ticket, "service": SERVICE_URL,
                                                                "format": "JSON"})
    assert json.loads(response.content)["serviceResponse"]["authenticationSuccess"]["uid"] == f"n{user.pk:08d}"


def test_eulogin_service_gets_eulogin_failures_on_service_validate(client, user, make_service):
    make_service(dialect="eulogin")
    response = client.get(reverse("cas:service_validate"), {"ticket": "ST-unknown", "service": SERVICE_URL})
    assert failure_code(response) == "INVALID_TICKET"


def test_standard_service_keeps_the_standard_form(client, user, service):
    assert service.dialect == "cas"
    ticket = cas_sign_in(client, user.email)
    response = client.get(reverse("cas:service_validate"), {"ticket": ticket, "service": SERVICE_URL})
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{{{CAS2_NS}}}serviceResponse"
    assert root.find("cas:authenticationSuccess/cas:user", {"cas": CAS2_NS}).text == user.email
    assert EU_NS not in response.content.decode()


# --- /cas/login/init ------------------------------------------------------------------------------

def test_login_init_answers_a_random_login_request_id_in_xml(db, service):
    client = Client(enforce_csrf_checks=True)  # server-to-server: no CSRF token
    response = login_init(client)
    assert response.status_code == 200
    node = xml(response).find("cas:loginRequestSuccess", NS)
    value = node.find("cas:loginRequestId", NS).text
    assert re.fullmatch(r"LR-[A-Za-z0-9_-]{43}", value)  # 256 random bits
    assert node.find("cas:expiresIn", NS).text == "600"
    stored = LoginRequest.objects.get()
    assert value not in stored.id_digest and len(stored.id_digest) == 64
    assert new_login_request_id(client) != value


def test_login_init_answers_json(client, service):
    response = login_init(client, fmt="JSON", acceptStrengths="PASSWORD_SMS", renew="true", locale="fr")
    data = json.loads(response.content)["serviceResponse"]["loginRequestSuccess"]
    assert data["loginRequestId"].startswith("LR-") and data["expiresIn"] == 600
    stored = LoginRequest.objects.get()
    assert stored.accept_strengths == "PASSWORD_SMS" and stored.renew and stored.locale == "fr"
    assert stored.service_url == SERVICE_URL


@pytest.mark.parametrize("params,status,code", [
    ({"service": ""}, 400, "INVALID_REQUEST"),
    ({"service": "not a url"}, 400, "INVALID_SERVICE"),
    ({"service": "https://app.example.org/" + "a" * 3000}, 400, "INVALID_SERVICE"),
    ({"service": "https://evil.example.net/"}, 403, "UNAUTHORIZED_SERVICE"),
    ({"acceptStrengths": "PASSWORD_TELEPATHY"}, 400, "INVALID_REQUEST"),
    ({"authenticationLevel": "ULTRA"}, 400, "INVALID_REQUEST"),
    ({"acceptStrengths": "PASSWORD," * 100}, 400, "INVALID_REQUEST"),
    ({"method": "PUT"}, 400, "INVALID_REQUEST"),
])
def test_login_init_refuses_bad_requests(client, service, params, status, code):
    for fmt in ("XML", "JSON"):
        response = login_init(client, fmt=fmt, **params)
        assert response.status_code == status
        if fmt == "XML":
            assert xml(response).find("cas:loginRequestFailure", NS).get("code") == code
        else:
            assert json.loads(response.content)["serviceResponse"]["loginRequestFailure"]["code"] == code
    assert not LoginRequest.objects.exists()


def test_login_init_is_get_or_post_only(client, service):
    assert client.delete(reverse("cas:login_init"), {"service": SERVICE_URL}).status_code == 405


def test_login_init_round_trip_steps_up_then_carries_the_strength(client, user, service):
    login_request_id = new_login_request_id(client, acceptStrengths="PASSWORD_SMS")

    response = client.get(reverse("cas:login"), {"loginRequestId": login_request_id})
    next_url = signin_next(response)
    assert next_url and "loginRequestId" not in next_url
    assert sign_in(client, user.email, next_url=next_url)["Location"] == next_url
    # Password alone is not what the service asked for at init: step up, no ticket.
    response = client.get(next_url)
    assert response.status_code == 302 and response["Location"] == reverse("traces_gateway:step_up")
    assert not ServiceTicket.objects.exists()

    add_sms_factor(client)  # the code was proved
    response = client.get(next_url)
    assert response.status_code == 302
    assert response["Location"].startswith(SERVICE_URL.split("?")[0])
    ticket = query_value(response["Location"], "ticket")
    assert ServiceTicket.objects.get(ticket=ticket).accepted_strengths == "PASSWORD_SMS"
    node = success(eu_validate(client, ticket))
    assert node.find("cas:strengths/cas:strength", NS).text == "PASSWORD_SMS"
    assert node.find("cas:sso", NS).text == "false"


def test_login_init_renew_makes_a_signed_in_person_sign_in_again(client, user, service):
    cas_sign_in(client, user.email)
    login_request_id = new_login_request_id(client, renew="true")
    response = client.get(reverse("cas:login"), {"loginRequestId": login_request_id})
    assert asks_for_credentials(response) and signin_next(response)
    assert "ticket" not in response.get("Location", "")


def test_login_init_without_options_issues_a_ticket_from_the_sso_session(client, user, service):
    cas_sign_in(client, user.email)
    login_request_id = new_login_request_id(client)
    response = client.get(reverse("cas:login"), {"loginRequestId": login_request_id})
    ticket = query_value(response["Location"], "ticket")
    assert ticket and response["Location"].startswith("https://app.example.org/protected?lang=en&ticket=")


def _assert_refused_login_request(client, value, language="en"):
    response = client.get(reverse("cas:login"), {"loginRequestId": value}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert "Location" not in response
    return response.content.decode()


def test_login_request_id_is_single_use(client, user, service):
    cas_sign_in(client, user.email)
    login_request_id = new_login_request_id(client)
    assert client.get(reverse("cas:login"), {"loginRequestId": login_request_id}).status_code == 302
    page = _assert_refused_login_request(client, login_request_id)
    assert "unknown, has expired or was already used" in page


def test_login_request_id_expires_after_ten_minutes(client, service):
    early = new_login_request_id(client)
    late = new_login_request_id(client)
    with time_machine.travel(timezone.now() + timedelta(seconds=599)):
        assert asks_for_credentials(client.get(reverse("cas:login"), {"loginRequestId": early}))
    with time_machine.travel(timezone.now() + timedelta(seconds=601)):
        _assert_refused_login_request(client, late)


@pytest.mark.parametrize("value", ["", "LR-unknown", "LR-" + "a" * 5000, "x" * 8000, "LR-\x00"])
def test_unknown_or_oversized_login_request_ids_get_a_clear_error(client, db, value):
    page = _assert_refused_login_request(client, value)
    assert "Please go back to the service and try again." in page


def test_login_request_error_is_translated(client, db):
    page = _assert_refused_login_request(client, "LR-unknown", language="fr")
    assert "Veuillez retourner sur le service" in page


def test_login_requests_are_purged_after_a_day(client, service):
    from cas_server.eulogin.login_requests import login_requests_purge

    new_login_request_id(client)
    assert login_requests_purge() == 0
    assert login_requests_purge(now=timezone.now() + timedelta(days=1, minutes=11)) == 1


def test_parameters_beside_a_login_request_id_cannot_change_the_service(client, user, service, other_service):
    cas_sign_in(client, user.email)
    login_request_id = new_login_request_id(client)
    response = client.get(reverse("cas:login"), {"loginRequestId": login_request_id,
                                                 "service": "https://other.example.org/"})
    assert response.status_code == 302 and response["Location"].startswith(SERVICE_URL)


def test_login_init_is_limited_per_client_address(db, service, settings):
    settings.CAS_EULOGIN_LOGIN_INIT_PER_IP_PER_MINUTE = 3
    client = Client()
    for _ in range(3):
        assert login_init(client).status_code == 200
    refused = login_init(client, fmt="JSON")
    assert refused.status_code == 429
    assert "Too many" in refused.content.decode()
    assert LoginRequest.objects.count() == 3


@pytest.mark.parametrize("locale", ["fr", "fr_BE", "fr-be"])
def test_the_locale_parameter_chooses_the_language_of_the_login_pages(client, service, settings, locale):
    response = client.get(reverse("cas:login"), {"service": SERVICE_URL, "locale": locale})
    assert response.cookies["eulogin_service_language"].value == "fr"  # below the person's own choice
    assert asks_for_credentials(response)  # the sign-in form, served in place
    assert "Connectez-vous pour continuer" in response.content.decode()


def test_an_unknown_locale_changes_nothing(client, service, settings):
    response = client.get(reverse("cas:login"), {"service": SERVICE_URL, "locale": "tlh"})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert "eulogin_service_language" not in response.cookies
    assert asks_for_credentials(response)


@pytest.mark.parametrize("value", [{"internal": 40}, {"internal": 40, "external": 15}, "LOW"])
def test_a_wrong_assurance_mapping_is_refused_at_start(settings, value):
    from cas_server.eulogin.checks import cas_eulogin_assurance_check

    assert not cas_eulogin_assurance_check(None)
    settings.CAS_EULOGIN_ASSURANCE_BY_DOMAIN = value
    assert [p.id for p in cas_eulogin_assurance_check(None)] == ["cas.E004"]


@pytest.mark.parametrize("locale", ["\x00", "fr\x00", "x" * 50, "<fr>"])
def test_a_malformed_locale_is_ignored_not_stored(db, service, locale):
    response = login_init(Client(), fmt="JSON", locale=locale)
    assert response.status_code == 200
    assert LoginRequest.objects.get().locale == ""
