"""The CAS Protocol 3.0 Specification, section by section (MUST and SHOULD)."""

import json
import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
import time_machine
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from cas_server.models import ServiceTicket, SsoSession
from tests.conftest import sign_in

from .conftest import (
    OTHER_SERVICE_URL,
    SERVICE_URL,
    asks_for_credentials,
    cas_login,
    cas_sign_in,
    query_value,
    signin_next,
    sso_ticket,
)

NS = {"cas": "http://www.yale.edu/tp/cas"}


def xml(response):
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def failure_code(response) -> str:
    node = xml(response).find("cas:authenticationFailure", NS)
    assert node is not None, response.content
    return node.get("code")


def p3_validate(client, ticket, service=SERVICE_URL, **params):
    return client.get(reverse("cas:p3_service_validate"), {"ticket": ticket, "service": service, **params})


# --- 2.1 /login as credential requestor -------------------------------------------------

def test_2_1_1_login_without_sso_asks_for_credentials_and_comes_back(client, service):
    """The sign-in form is served by /cas/login itself (no redirect first); it posts to the
    accounts sign-in, which comes back to /cas/login with the parameters in `resume`."""
    response = cas_login(client)
    assert response.status_code == 200 and asks_for_credentials(response)
    assert query_value(signin_next(response), "resume")
    assert "no-store" in response["Cache-Control"]


def test_2_1_1_login_without_service_and_sso_asks_for_credentials(client, db):
    response = client.get(reverse("cas:login"))
    assert asks_for_credentials(response)


def test_2_1_1_login_without_service_with_sso_says_already_signed_in(client, user, service):
    cas_sign_in(client, user.email)
    response = client.get(reverse("cas:login"))
    assert response.status_code == 200
    assert b'id="cas-signed-in"' in response.content and b"already signed in" in response.content


def test_2_2_4_login_without_service_says_sso_started_after_sign_in(client, user):
    response = client.get(reverse("cas:login"))
    next_url = signin_next(response)
    sign_in(client, user.email, next_url=next_url)
    response = client.get(next_url)
    assert response.status_code == 200 and b"single sign-on session has started" in response.content
    assert client.cookies["TGC-eulogin"].value.startswith("TGT-")


def test_2_1_1_sso_issues_a_ticket_without_prompt(client, user, service):
    cas_sign_in(client, user.email)
    ticket = sso_ticket(client)
    assert ticket.startswith("ST-")
    success = xml(p3_validate(client, ticket)).find("cas:authenticationSuccess", NS)
    assert success.find("cas:attributes/cas:isFromNewLogin", NS).text == "false"


def test_2_1_1_renew_forces_credentials_despite_sso(client, user, service):
    cas_sign_in(client, user.email)
    response = cas_login(client, renew="true")
    assert asks_for_credentials(response)
    # Coming back without presenting credentials again still asks for them.
    next_url = signin_next(response)
    assert asks_for_credentials(client.get(next_url))


def test_2_1_1_renew_ticket_after_fresh_credentials_is_from_new_login(client, user, service):
    cas_sign_in(client, user.email)
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        ticket = cas_sign_in(client, user.email, renew="true")
        response = client.get(reverse("cas:service_validate"), {"ticket": ticket, "service": SERVICE_URL, "renew": "true"})
    assert xml(response).find("cas:authenticationSuccess", NS) is not None


def test_2_1_1_renew_marker_from_before_the_sign_in_does_not_count(client, user, service):
    """A resume token made before the last sign-in cannot pass for fresh credentials."""
    response = cas_login(client, renew="true")
    stale_next = signin_next(response)
    with time_machine.travel(timezone.now() - timedelta(minutes=1)):
        sign_in(client, user.email)
    assert asks_for_credentials(client.get(stale_next))


def test_2_1_1_gateway_without_sso_goes_back_to_the_service_without_ticket(client, service):
    response = cas_login(client, gateway="true")
    assert response.status_code == 302 and response["Location"] == SERVICE_URL


def test_2_1_1_gateway_with_sso_issues_a_ticket(client, user, service):
    cas_sign_in(client, user.email)
    assert sso_ticket(client, gateway="true").startswith("ST-")


def test_2_1_1_gateway_is_ignored_when_renew_is_set(client, user, service):
    response = cas_login(client, gateway="true", renew="true")
    assert asks_for_credentials(response)


def test_2_1_1_gateway_without_service_asks_for_credentials(client, db):
    response = client.get(reverse("cas:login"), {"gateway": "true"})
    assert asks_for_credentials(response)


def test_2_1_1_method_post_answers_with_a_form_posting_the_ticket(client, user, service):
    cas_sign_in(client, user.email)
    response = cas_login(client, method="POST")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="https://app.example.org/protected"' in html
    assert re.search(r'name="ticket" value="ST-[A-Za-z0-9-]+"', html)
    assert 'name="lang" value="en"' in html
    assert "js/cas-post-response.js" in html and "<button" in html
    assert "https://app.example.org" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_2_1_1_unsupported_method_is_refused(client, service):
    response = cas_login(client, method="SMOKE")
    assert response.status_code == 400


def test_2_2_1_warn_prompts_before_sso_and_confirmation_issues_the_ticket(client, user, service):
    cas_sign_in(client, user.email)
    issued = ServiceTicket.objects.count()
    response = cas_login(client, warn="true")
    assert response.status_code == 200 and b'id="cas-continue"' in response.content
    assert ServiceTicket.objects.count() == issued  # nothing issued before the person agrees
    resume = re.search(rb'name="resume" value="([^"]+)"', response.content).group(1).decode()
    response = client.post(reverse("cas:login"), {"resume": resume})
    assert response.status_code == 303  # a POST is followed by a GET to the service
    assert query_value(response["Location"], "ticket").startswith("ST-")


def test_2_2_1_warn_confirmation_needs_csrf(client, user, service):
    from django.test import Client

    cas_sign_in(client, user.email)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    response = cas_login(strict, warn="true")
    resume = re.search(rb'name="resume" value="([^"]+)"', response.content).group(1).decode()
    assert strict.post(reverse("cas:login"), {"resume": resume}).status_code == 403
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content).group(1).decode()
    assert strict.post(reverse("cas:login"), {"resume": resume, "csrfmiddlewaretoken": token}).status_code == 303


def test_2_2_1_unregistered_service_gets_an_error_page_and_no_redirect(client, user, service):
    response = cas_login(client, "https://evil.example.net/")
    assert response.status_code == 403 and b'id="cas-error"' in response.content
    assert "Location" not in response


@pytest.mark.parametrize("language,text", [("en", b"not registered"), ("fr", "n’est pas enregistré".encode())])
def test_2_2_1_unregistered_service_error_is_translated(client, db, language, text):
    response = client.get(reverse("cas:login"), {"service": "https://evil.example.net/"}, HTTP_ACCEPT_LANGUAGE=language)
    assert text in response.content


def test_2_2_1_disabled_service_gets_the_error_page(client, make_service):
    make_service(enabled=False)
    response = cas_login(client, gateway="true")
    assert response.status_code == 403 and "Location" not in response


def test_2_2_4_redirect_to_service_is_a_get_with_no_cache_headers(client, user, service):
    response = cas_login(client)
    next_url = signin_next(response)
    sign_in(client, user.email, next_url=next_url)
    response = client.get(next_url)
    assert response.status_code == 302
    assert response["Location"].startswith("https://app.example.org/protected?lang=en&ticket=ST-")
    assert "no-store" in response["Cache-Control"] and response["Pragma"] == "no-cache"
    assert response["Expires"]


# --- 2.3 /logout -------------------------------------------------------------------------

def test_2_3_logout_destroys_the_sso_session_and_cookie(client, user, service):
    cas_sign_in(client, user.email)
    response = client.get(reverse("cas:logout"))
    assert response.status_code == 200 and b'id="cas-logged-out"' in response.content
    assert client.cookies["TGC-eulogin"].value == ""
    assert SsoSession.objects.get().ended_at is not None
    assert asks_for_credentials(cas_login(client))
    assert "_auth_user_id" not in client.session


def test_2_3_1_logout_redirects_to_a_registered_service(client, user, service):
    cas_sign_in(client, user.email)
    response = client.get(reverse("cas:logout"), {"service": "https://app.example.org/bye"})
    assert response.status_code == 302 and response["Location"] == "https://app.example.org/bye"


def test_2_3_1_logout_honours_url_of_cas2_clients_only_when_registered(client, service):
    assert client.get(reverse("cas:logout"), {"url": "https://app.example.org/"})["Location"] == "https://app.example.org/"
    response = client.get(reverse("cas:logout"), {"url": "https://evil.example.net/"})
    assert response.status_code == 200 and "Location" not in response


def test_2_3_2_logout_never_redirects_to_an_unregistered_service(client, db):
    response = client.get(reverse("cas:logout"), {"service": "https://evil.example.net/"})
    assert response.status_code == 200 and "Location" not in response


# --- 2.4 /validate -----------------------------------------------------------------------

def test_2_4_2_validate_answers_yes_and_the_user(client, user, service):
    ticket = cas_sign_in(client, user.email)
    response = client.get(reverse("cas:validate"), {"ticket": ticket, "service": SERVICE_URL})
    assert response.content == f"yes\n{user.email}\n".encode()


def test_2_4_2_validate_answers_no_on_failure(client, db):
    response = client.get(reverse("cas:validate"), {"ticket": "ST-unknown", "service": SERVICE_URL})
    assert response.content == b"no\n\n"


def test_2_4_1_validate_with_renew_refuses_sso_tickets(client, user, service):
    cas_sign_in(client, user.email)
    ticket = sso_ticket(client)
    response = client.get(reverse("cas:validate"), {"ticket": ticket, "service": SERVICE_URL, "renew": "true"})
    assert response.content == b"no\n\n"


def test_2_4_validate_refuses_proxy_tickets(client, user, service):
    ticket = proxy_ticket_for(client, user, service)
    response = client.get(reverse("cas:validate"), {"ticket": ticket, "service": "https://app.example.org/backend"})
    assert response.content == b"no\n\n"


# --- 2.5 /serviceValidate ----------------------------------------------------------------

def test_2_5_2_service_validate_success_is_cas_xml_without_attributes(client, user, service):
    ticket = cas_sign_in(client, user.email)
    root = xml(client.get(reverse("cas:service_validate"), {"ticket": ticket, "service": SERVICE_URL}))
    assert root.tag == "{http://www.yale.edu/tp/cas}serviceResponse"
    assert root.find("cas:authenticationSuccess/cas:user", NS).text == user.email
    assert root.find("cas:authenticationSuccess/cas:attributes", NS) is None


def test_2_5_2_json_format(client, user, service):
    ticket = cas_sign_in(client, user.email)
    response = client.get(reverse("cas:service_validate"), {"ticket": ticket, "service": SERVICE_URL, "format": "JSON"})
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["serviceResponse"]["authenticationSuccess"]["user"] == user.email
    response = client.get(reverse("cas:service_validate"), {"ticket": ticket, "service": SERVICE_URL, "format": "JSON"})
    failure = json.loads(response.content)["serviceResponse"]["authenticationFailure"]
    assert failure["code"] == "INVALID_TICKET" and failure["description"]


def test_2_5_1_unsupported_format_is_an_error_code(client, user, service):
    ticket = cas_sign_in(client, user.email)
    response = client.get(reverse("cas:service_validate"), {"ticket": ticket, "service": SERVICE_URL, "format": "YAML"})
    assert failure_code(response) == "INVALID_REQUEST"
    assert ServiceTicket.objects.get(ticket=ticket).consumed_at is not None


@pytest.mark.parametrize("params", [{}, {"ticket": "ST-abc"}, {"service": SERVICE_URL}])
def test_2_5_3_invalid_request_when_parameters_are_missing(client, db, params):
    assert failure_code(client.get(reverse("cas:service_validate"), params)) == "INVALID_REQUEST"


def test_2_5_3_invalid_ticket_for_unknown_ticket(client, db):
    response = client.get(reverse("cas:service_validate"), {"ticket": "ST-nothere", "service": SERVICE_URL})
    assert failure_code(response) == "INVALID_TICKET"
    assert b"not recognized" in response.content


def test_2_5_3_invalid_service_consumes_the_ticket(client, user, service, other_service):
    ticket = cas_sign_in(client, user.email)
    assert failure_code(p3_validate(client, ticket, OTHER_SERVICE_URL)) == "INVALID_SERVICE"
    assert failure_code(p3_validate(client, ticket)) == "INVALID_TICKET"


def test_2_5_serviceValidate_refuses_proxy_tickets_and_says_why(client, user, service):
    ticket = proxy_ticket_for(client, user, service)
    response = client.get(reverse("cas:service_validate"), {"ticket": ticket, "service": "https://app.example.org/backend"})
    assert failure_code(response) == "INVALID_TICKET_SPEC"
    assert b"proxy ticket" in response.content


def test_2_5_1_renew_refuses_tickets_from_sso(client, user, service):
    first = cas_sign_in(client, user.email)
    assert xml(p3_validate(client, first, renew="true")).find("cas:authenticationSuccess", NS) is not None
    second = sso_ticket(client)
    assert failure_code(p3_validate(client, second, renew="true")) == "INVALID_TICKET"


def test_2_5_4_pgt_url_needs_a_service_allowed_to_proxy(client, user, service):
    ticket = cas_sign_in(client, user.email)
    response = p3_validate(client, ticket, pgtUrl="https://app.example.org/callback")
    assert failure_code(response) == "UNAUTHORIZED_SERVICE_PROXY"


def test_2_5_4_pgt_url_must_be_https(client, user, make_service):
    make_service(proxy_allowed=True)
    ticket = cas_sign_in(client, user.email)
    response = p3_validate(client, ticket, pgtUrl="http://app.example.org/callback")
    assert failure_code(response) == "INVALID_PROXY_CALLBACK"
    assert xml(response).find(".//cas:proxyGrantingTicket", NS) is None


def test_2_5_4_unreachable_callback_fails_without_pgt(client, user, make_service):
    make_service(proxy_allowed=True)
    ticket = cas_sign_in(client, user.email)
    response = p3_validate(client, ticket, pgtUrl="https://127.0.0.1:1/callback")
    assert failure_code(response) == "INVALID_PROXY_CALLBACK"


def test_2_5_7_p3_attributes(client, user, service):
    user.preferred_language = "fr"
    user.save()
    ticket = cas_sign_in(client, user.email)
    attributes = xml(p3_validate(client, ticket)).find("cas:authenticationSuccess/cas:attributes", NS)
    values = {child.tag.split("}")[1]: child.text for child in attributes}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", values["authenticationDate"])
    assert values["isFromNewLogin"] == "true"
    assert values["longTermAuthenticationRequestTokenUsed"] == "false"
    assert values["email"] == user.email and values["firstName"] == "Anna" and values["lastName"] == "Schmidt"
    assert values["domain"] == "external" and values["locale"] == "fr"
    assert values["strength"] == "PASSWORD" and values["authenticationFactors"] == "PASSWORD"


def test_2_5_7_only_released_attributes_are_sent(client, user, make_service):
    make_service(released_attributes=["email"])
    ticket = cas_sign_in(client, user.email)
    attributes = xml(p3_validate(client, ticket)).find("cas:authenticationSuccess/cas:attributes", NS)
    names = {child.tag.split("}")[1] for child in attributes}
    assert "email" in names and not names & {"firstName", "lastName", "domain", "locale"}


def test_2_5_7_strength_and_factors_recorded_at_issue_are_reported(client, user, service):
    from accounts.factors import SESSION_KEY

    cas_sign_in(client, user.email)
    session = client.session
    session[SESSION_KEY] = session[SESSION_KEY] + [{"kind": "SMS", "at": timezone.now().isoformat()}]
    session.save()
    ticket = sso_ticket(client)
    attributes = xml(p3_validate(client, ticket)).find("cas:authenticationSuccess/cas:attributes", NS)
    assert attributes.find("cas:strength", NS).text == "PASSWORD_SMS"
    assert [f.text for f in attributes.findall("cas:authenticationFactors", NS)] == ["PASSWORD", "SMS"]


# --- 2.6 /proxyValidate, 2.7 /proxy --------------------------------------------------------

def proxy_ticket_for(client, user, service) -> str:
    """A PT issued from a PGT created directly (the callback path is tested on its own)."""
    from cas_server.models import ProxyGrantingTicket
    from cas_server.tickets import ticket_digest, ticket_new

    service.proxy_allowed = True
    service.save()
    cas_sign_in(client, user.email)
    pgt = ticket_new("PGT")
    ProxyGrantingTicket.objects.create(
        ticket_digest=ticket_digest(pgt), sso_session=SsoSession.objects.get(ended_at__isnull=True), service=service,
        proxies=["https://app.example.org/callback"],
    )
    response = client.get(reverse("cas:proxy"), {"pgt": pgt, "targetService": "https://app.example.org/backend"})
    return xml(response).find("cas:proxySuccess/cas:proxyTicket", NS).text


def test_2_6_proxy_validate_accepts_service_and_proxy_tickets(client, user, service):
    ticket = proxy_ticket_for(client, user, service)
    assert ticket.startswith("PT-")
    root = xml(client.get(reverse("cas:proxy_validate"), {"ticket": ticket, "service": "https://app.example.org/backend"}))
    assert root.find("cas:authenticationSuccess/cas:user", NS).text == user.email
    assert [p.text for p in root.findall(".//cas:proxies/cas:proxy", NS)] == ["https://app.example.org/callback"]
    st = sso_ticket(client)
    root = xml(client.get(reverse("cas:proxy_validate"), {"ticket": st, "service": SERVICE_URL}))
    assert root.find("cas:authenticationSuccess", NS) is not None


def test_2_7_3_proxy_needs_both_parameters(client, db):
    root = xml(client.get(reverse("cas:proxy"), {"pgt": "PGT-x"}))
    assert root.find("cas:proxyFailure", NS).get("code") == "INVALID_REQUEST"


def test_2_7_3_proxy_refuses_unregistered_targets(client, user, service):
    proxy_ticket_for(client, user, service)
    from cas_server.models import ProxyGrantingTicket
    from cas_server.tickets import ticket_digest, ticket_new

    pgt = ticket_new("PGT")
    ProxyGrantingTicket.objects.create(ticket_digest=ticket_digest(pgt), sso_session=SsoSession.objects.get(
        ended_at__isnull=True), service=service, proxies=["https://app.example.org/cb"])
    root = xml(client.get(reverse("cas:proxy"), {"pgt": pgt, "targetService": "https://evil.example.net/"}))
    assert root.find("cas:proxyFailure", NS).get("code") == "UNAUTHORIZED_SERVICE"


def test_2_7_proxy_refuses_unknown_pgt(client, service):
    root = xml(client.get(reverse("cas:proxy"), {"pgt": "PGT-unknown", "targetService": SERVICE_URL}))
    assert root.find("cas:proxyFailure", NS).get("code") == "INVALID_TICKET"


def test_2_7_2_proxy_json_form(client, service):
    response = client.get(reverse("cas:proxy"), {"targetService": SERVICE_URL, "format": "JSON"})
    assert json.loads(response.content)["serviceResponse"]["authenticationFailure"]["code"] == "INVALID_REQUEST"


def test_3_3_1_pgts_die_with_the_sso_session(client, user, service):
    proxy_ticket_for(client, user, service)
    from cas_server.models import ProxyGrantingTicket

    assert ProxyGrantingTicket.objects.count() == 1
    client.get(reverse("cas:logout"))
    assert ProxyGrantingTicket.objects.count() == 0


# --- 3.1 service tickets, 3.2 proxy tickets ------------------------------------------------

def test_3_1_1_ticket_is_single_use_even_after_success(client, user, service):
    ticket = cas_sign_in(client, user.email)
    assert xml(p3_validate(client, ticket)).find("cas:authenticationSuccess", NS) is not None
    assert failure_code(p3_validate(client, ticket)) == "INVALID_TICKET"


def test_3_1_1_failed_attempt_consumes_the_ticket(client, user, service):
    ticket = cas_sign_in(client, user.email)
    assert failure_code(p3_validate(client, ticket, "https://app.example.org/elsewhere")) == "INVALID_SERVICE"
    assert failure_code(p3_validate(client, ticket)) == "INVALID_TICKET"


def test_3_1_1_expired_ticket_fails_and_lifetime_is_ten_seconds(client, user, service):
    ticket = cas_sign_in(client, user.email)
    st = ServiceTicket.objects.get(ticket=ticket)
    assert (st.expires_at - st.created_at) == timedelta(seconds=10)
    with time_machine.travel(st.created_at + timedelta(seconds=11)):
        response = p3_validate(client, ticket)
    assert failure_code(response) == "INVALID_TICKET" and b"expired" in response.content


def test_3_1_1_ticket_just_inside_its_lifetime_validates(client, user, service):
    ticket = cas_sign_in(client, user.email)
    st = ServiceTicket.objects.get(ticket=ticket)
    with time_machine.travel(st.created_at + timedelta(seconds=9)):
        assert xml(p3_validate(client, ticket)).find("cas:authenticationSuccess", NS) is not None


def test_3_1_1_ticket_of_an_ended_sso_session_fails(client, user, service):
    ticket = cas_sign_in(client, user.email)
    client.get(reverse("cas:logout"))
    assert failure_code(p3_validate(client, ticket)) == "INVALID_TICKET"


def test_3_1_1_service_identifier_is_not_part_of_the_ticket(client, user, service):
    ticket = cas_sign_in(client, user.email)
    assert "example" not in ticket and len(ticket) <= 32  # the length every service must accept


def test_3_7_every_ticket_and_the_cookie_use_the_allowed_characters(client, user, make_service):
    make_service(proxy_allowed=True)
    ticket = cas_sign_in(client, user.email)
    cookie = client.cookies["TGC-eulogin"].value
    for value, prefix in ((ticket, "ST-"), (cookie, "TGT-")):
        assert value.startswith(prefix) and re.fullmatch(r"[A-Za-z0-9-]+", value)
        assert len(value.split("-", 1)[1]) >= 22  # ≥128 bits in base 62


# --- 3.6 ticket-granting cookie ------------------------------------------------------------

def test_3_6_1_cookie_is_restricted_httponly_samesite_and_a_browser_session_cookie(client, user, service):
    cas_sign_in(client, user.email)
    cookie = client.cookies["TGC-eulogin"]
    assert cookie["path"] == "/cas" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]


def test_3_6_1_cookie_is_secure_outside_development(client, user, service, settings):
    settings.SESSION_COOKIE_SECURE = True
    response = cas_login(client)
    next_url = signin_next(response)
    sign_in(client, user.email, next_url=next_url)
    response = client.get(next_url)
    assert response.cookies["TGC-eulogin"]["secure"]


def test_3_6_cookie_of_another_session_gives_no_sso(client, user, service):
    from django.test import Client

    cas_sign_in(client, user.email)
    thief = Client()
    thief.cookies["TGC-eulogin"] = client.cookies["TGC-eulogin"].value
    response = cas_login(thief)
    assert asks_for_credentials(response)


def test_3_8_1_sso_session_ends_after_idle_time_and_hard_maximum(client, user, service):
    cas_sign_in(client, user.email)
    start = timezone.now()
    with time_machine.travel(start + timedelta(hours=1, minutes=50)):
        assert sso_ticket(client)  # activity keeps it alive
    with time_machine.travel(start + timedelta(hours=3, minutes=40)):
        assert sso_ticket(client)
    with time_machine.travel(start + timedelta(hours=6)):
        assert asks_for_credentials(cas_login(client))


def test_3_8_1_hard_maximum_holds_despite_activity(client, user, service, settings):
    settings.SESSION_COOKIE_AGE = 24 * 3600
    cas_sign_in(client, user.email)
    start = timezone.now()
    for hours in range(1, 8):
        with time_machine.travel(start + timedelta(hours=hours)):
            assert sso_ticket(client)
    with time_machine.travel(start + timedelta(hours=8, minutes=1)):
        assert asks_for_credentials(cas_login(client))


# --- 4.1 remember me -----------------------------------------------------------------------

def remembered_sign_in(client, email) -> str:
    """A sign-in with the "remember me" box ticked (the sign-in form records the choice)."""
    from cas_server.login import REMEMBER_ME_SESSION_KEY

    next_url = signin_next(cas_login(client))
    sign_in(client, email, next_url=next_url)
    session = client.session
    session[REMEMBER_ME_SESSION_KEY] = True
    session.save()
    return query_value(client.get(next_url)["Location"], "ticket")


def test_4_1_remember_me_gives_a_long_term_session_reported_to_services(client, user, service):
    ticket = remembered_sign_in(client, user.email)
    attributes = xml(p3_validate(client, ticket)).find("cas:authenticationSuccess/cas:attributes", NS)
    assert attributes.find("cas:longTermAuthenticationRequestTokenUsed", NS).text == "true"
    cookie = client.cookies["TGC-eulogin"]
    assert int(cookie["max-age"]) == 7 * 24 * 3600  # 4.1.5: not a browser-session cookie
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        ticket = sso_ticket(client)
        attributes = xml(p3_validate(client, ticket)).find("cas:authenticationSuccess/cas:attributes", NS)
    assert attributes.find("cas:longTermAuthenticationRequestTokenUsed", NS).text == "true"
    assert attributes.find("cas:isFromNewLogin", NS).text == "false"
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert asks_for_credentials(cas_login(client))


def test_4_1_3_remember_me_is_reported_by_saml_too(client, user, service):
    ticket = remembered_sign_in(client, user.email)
    root = ElementTree.fromstring(saml_validate(client, ticket).content)
    attrs = {a.get("AttributeName"): a.find("a:AttributeValue", SAML).text for a in root.findall(".//a:Attribute", SAML)}
    assert attrs["longTermAuthenticationRequestTokenUsed"] == "true"


def test_4_1_1_remember_me_is_off_by_default(client, user, service):
    ticket = cas_sign_in(client, user.email)
    attributes = xml(p3_validate(client, ticket)).find("cas:authenticationSuccess/cas:attributes", NS)
    assert attributes.find("cas:longTermAuthenticationRequestTokenUsed", NS).text == "false"


def test_4_1_1_remember_me_is_the_persons_choice_not_the_services(client, user, service):
    ticket = cas_sign_in(client, user.email, rememberMe="true")
    attributes = xml(p3_validate(client, ticket)).find("cas:authenticationSuccess/cas:attributes", NS)
    assert attributes.find("cas:longTermAuthenticationRequestTokenUsed", NS).text == "false"
    assert not client.cookies["TGC-eulogin"]["max-age"]


# --- 4.2 /samlValidate ---------------------------------------------------------------------

SAML_REQUEST = """<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Header/>
<SOAP-ENV:Body><samlp:Request xmlns:samlp="urn:oasis:names:tc:SAML:1.0:protocol" MajorVersion="1" MinorVersion="1"
RequestID="_192.168.16.51.1024506224022" IssueInstant="2002-06-19T17:03:44.022Z">
<samlp:AssertionArtifact>{ticket}</samlp:AssertionArtifact></samlp:Request></SOAP-ENV:Body></SOAP-ENV:Envelope>"""

SAML = {"p": "urn:oasis:names:tc:SAML:1.0:protocol", "a": "urn:oasis:names:tc:SAML:1.0:assertion"}


def saml_validate(client, ticket, target=SERVICE_URL):
    return client.post(
        reverse("cas:saml_validate") + "?" + __import__("urllib.parse").parse.urlencode({"TARGET": target}),
        SAML_REQUEST.format(ticket=ticket), content_type="text/xml",
    )


def test_4_2_5_saml_success_with_attributes(client, user, service):
    ticket = cas_sign_in(client, user.email)
    response = saml_validate(client, ticket)
    root = ElementTree.fromstring(response.content)
    assert root.find(".//p:StatusCode", SAML).get("Value") == "samlp:Success"
    assert root.find(".//p:Response", SAML).get("InResponseTo") == "_192.168.16.51.1024506224022"
    assert root.find(".//a:AttributeStatement/a:Subject/a:NameIdentifier", SAML).text == user.email
    attrs = {a.get("AttributeName"): a.find("a:AttributeValue", SAML).text for a in root.findall(".//a:Attribute", SAML)}
    assert attrs["longTermAuthenticationRequestTokenUsed"] == "false" and attrs["email"] == user.email
    assert root.find(".//a:Audience", SAML).text == SERVICE_URL


def test_4_2_1_saml_attributes_never_go_to_a_non_tls_site(client, user, make_service):
    make_service("http://plain.example.org/")
    ticket = cas_sign_in(client, user.email, "http://plain.example.org/")
    root = ElementTree.fromstring(saml_validate(client, ticket, "http://plain.example.org/").content)
    names = {a.get("AttributeName") for a in root.findall(".//a:Attribute", SAML)}
    assert "longTermAuthenticationRequestTokenUsed" in names and "email" not in names


def test_4_2_saml_failure_and_single_use(client, user, service):
    ticket = cas_sign_in(client, user.email)
    saml_validate(client, ticket)
    root = ElementTree.fromstring(saml_validate(client, ticket).content)
    assert root.find(".//p:StatusCode", SAML).get("Value") != "samlp:Success"
    assert root.find(".//a:Assertion", SAML) is None


def test_4_2_2_saml_needs_post(client, db):
    assert client.get(reverse("cas:saml_validate")).status_code == 405


@pytest.mark.parametrize("body", [b"not xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'])
def test_4_2_saml_refuses_malformed_and_entity_documents(client, db, body):
    response = client.post(reverse("cas:saml_validate") + "?TARGET=x", body, content_type="text/xml")
    assert response.status_code == 400


# --- Appendix C, single logout: see test_slo.py; audit ------------------------------------

def test_audit_records_issue_validation_and_refusal_without_the_ticket(client, user, service):
    ticket = cas_sign_in(client, user.email)
    p3_validate(client, ticket)
    p3_validate(client, ticket)
    kinds = list(AuditEvent.objects.filter(kind__startswith="ticket_").values_list("kind", flat=True))
    assert {"ticket_issued", "ticket_validated", "ticket_refused"} <= set(kinds)
    refused = AuditEvent.objects.filter(kind="ticket_refused").first()
    assert refused.detail["reason"] == "INVALID_TICKET"
    for event in AuditEvent.objects.all():
        assert ticket not in json.dumps(event.detail)


# --- No database writes for anonymous visitors ------------------------------------------

def test_anonymous_login_writes_nothing(client, service):
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            assert asks_for_credentials(cas_login(client))
            assert asks_for_credentials(client.get(reverse("cas:login")))
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    from django.contrib.sessions.models import Session

    assert Session.objects.count() == 0 and "sessionid" not in client.cookies


# --- 2.5.3 / 2.7.3 INTERNAL_ERROR ---------------------------------------------------------

@pytest.mark.parametrize("name", ["cas:service_validate", "cas:p3_proxy_validate", "cas:proxy", "cas:validate"])
@pytest.mark.parametrize(("error", "status"), [(RuntimeError("a defect"), 500),
                                               (OperationalError("connection refused"), 503)])
def test_2_5_3_internal_error_is_answered_in_the_protocol(client, service, monkeypatch, name, error, status):
    from cas_server import views

    def failing(**kwargs):
        raise error

    monkeypatch.setattr(views, "ticket_validate", failing)
    monkeypatch.setattr(views, "proxy_ticket_issue", failing)
    response = client.get(reverse(name), {"ticket": "ST-abc", "service": SERVICE_URL, "pgt": "PGT-a", "targetService": SERVICE_URL})
    # A defect is a 500; the database lost, a 503 the service may try again after.
    assert response.status_code == status
    assert response.get("Retry-After") == ("5" if status == 503 else None)
    if name == "cas:validate":
        assert response.content == b"no\n\n"
    else:
        assert b'code="INTERNAL_ERROR"' in response.content


def test_a_slow_sign_in_still_gets_its_ticket_but_renew_asks_again(client, user, service):
    next_url = signin_next(cas_login(client))
    renew_next = signin_next(cas_login(client, renew="true"))
    with time_machine.travel(timezone.now() + timedelta(minutes=30)):
        sign_in(client, user.email, next_url=next_url)
        response = client.get(next_url)
        assert query_value(response["Location"], "ticket").startswith("ST-")
        ticket = query_value(response["Location"], "ticket")
        attributes = xml(p3_validate(client, ticket)).find("cas:authenticationSuccess/cas:attributes", NS)
        assert attributes.find("cas:isFromNewLogin", NS).text == "false"
        assert asks_for_credentials(client.get(renew_next))


def test_2_6_2_proxies_are_listed_most_recent_first(client, user, make_service, http_recorder, settings):
    settings.CAS_PROXY_CALLBACK_ALLOW_HTTP_LOOPBACK = True
    make_service(proxy_allowed=True)  # https://app.example.org/ (A and B)
    make_service("https://c.example.org/")
    make_service(http_recorder.url)  # the callbacks
    cb1, cb2 = http_recorder.url + "cb1", http_recorder.url + "cb2"

    def pgt_delivered():
        return query_value(http_recorder.requests[-1]["path"], "pgtId")

    ticket = cas_sign_in(client, user.email)
    assert xml(p3_validate(client, ticket, pgtUrl=cb1)).find(".//cas:proxyGrantingTicket", NS) is not None
    pt1 = xml(client.get(reverse("cas:proxy"), {"pgt": pgt_delivered(), "targetService": "https://app.example.org/b"})
              ).find(".//cas:proxyTicket", NS).text
    root = xml(client.get(reverse("cas:p3_proxy_validate"), {"ticket": pt1, "service": "https://app.example.org/b", "pgtUrl": cb2}))
    assert [p.text for p in root.findall(".//cas:proxy", NS)] == [cb1]
    pt2 = xml(client.get(reverse("cas:proxy"), {"pgt": pgt_delivered(), "targetService": "https://c.example.org/"})
              ).find(".//cas:proxyTicket", NS).text
    root = xml(client.get(reverse("cas:proxy_validate"), {"ticket": pt2, "service": "https://c.example.org/"}))
    assert [p.text for p in root.findall(".//cas:proxy", NS)] == [cb2, cb1]
    response = client.get(reverse("cas:proxy_validate"), {"ticket": pt2, "service": "https://c.example.org/", "format": "JSON"})
    assert json.loads(response.content)["serviceResponse"]["authenticationFailure"]["code"] == "INVALID_TICKET"


def test_2_7_proxy_ticket_is_single_use_and_short_lived(client, user, service):
    ticket = proxy_ticket_for(client, user, service)
    pt = ServiceTicket.objects.get(ticket=ticket)
    assert pt.ticket.startswith("PT-") and len(pt.ticket) <= 32
    assert pt.expires_at - pt.created_at == timedelta(seconds=10)
    params = {"ticket": ticket, "service": "https://app.example.org/backend"}
    assert xml(client.get(reverse("cas:proxy_validate"), params)).find("cas:authenticationSuccess", NS) is not None
    assert failure_code(client.get(reverse("cas:proxy_validate"), params)) == "INVALID_TICKET"


def test_longest_accepted_service_url_survives_the_sign_in_round_trip(client, user, service, settings):
    import secrets
    import string

    from cas_server import conf

    room = conf.get("CAS_SERVICE_MAX_LENGTH") - len("https://app.example.org/?q=")
    # Random characters of every kind a URL may hold: the hardest to compress.
    alphabet = string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%"
    service_url = "https://app.example.org/?q=" + "".join(secrets.choice(alphabet) for _ in range(room))
    ticket = cas_sign_in(client, user.email, service_url)
    assert xml(p3_validate(client, ticket, service_url)).find("cas:authenticationSuccess", NS) is not None
