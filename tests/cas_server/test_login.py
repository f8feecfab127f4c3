"""The SSO session across sign-ins: bound to one session, follows re-sign-in, ends for
another person; checks and admin."""

from django.test import Client
from django.urls import reverse

from cas_server.models import Service, ServiceTicket, SsoSession

from .conftest import SERVICE_URL, asks_for_credentials, cas_login, cas_sign_in, query_value, sso_ticket


def test_tgt_is_stored_as_a_digest_only(client, user, service):
    cas_sign_in(client, user.email)
    raw = client.cookies["TGC-eulogin"].value
    sso = SsoSession.objects.get()
    assert sso.ticket_digest != raw and raw not in str(sso.__dict__)
    assert sso.session_key == client.session.session_key and sso.user == user


def test_signing_in_again_keeps_one_sso_session(client, user, service):
    cas_sign_in(client, user.email)
    cas_sign_in(client, user.email, renew="true")
    assert SsoSession.objects.filter(ended_at__isnull=True).count() == 1
    assert SsoSession.objects.get().session_key == client.session.session_key
    assert ServiceTicket.objects.count() == 2


def test_another_person_signing_in_ends_the_first_sso_session(client, make_user, service):
    first, second = make_user(), make_user("bo.berg@example.org")
    cas_sign_in(client, first.email)
    cas_sign_in(client, second.email, renew="true")
    assert SsoSession.objects.get(user=first).ended_at is not None
    assert SsoSession.objects.get(user=second).ended_at is None


def test_signed_in_eulogin_session_gets_sso_without_prompt(signed_in_client, service):
    response = cas_login(signed_in_client)
    assert query_value(response["Location"], "ticket").startswith("ST-")
    assert signed_in_client.cookies["TGC-eulogin"].value.startswith("TGT-")


def test_ended_sso_session_is_not_silently_restarted(client, user, service):
    cas_sign_in(client, user.email)
    SsoSession.objects.update(ended_at="2020-01-01T00:00:00Z")
    assert asks_for_credentials(cas_login(client))


def test_locked_account_tickets_fail(client, user, service):
    ticket = cas_sign_in(client, user.email)
    user.is_active = False
    user.save()
    response = client.get(reverse("cas:service_validate"), {"ticket": ticket, "service": SERVICE_URL})
    assert b"INVALID_TICKET" in response.content


def test_cas_system_checks_pass_and_refuse_http_callbacks_in_production(settings):
    from cas_server.checks import cas_limits_check, cas_settings_check

    assert cas_limits_check(None) == []
    settings.CAS_PROXY_CALLBACK_ALLOW_HTTP_LOOPBACK = True
    settings.DEBUG = False
    assert [p.id for p in cas_settings_check(None)] and "cas.E001" in [p.id for p in cas_settings_check(None)]
    settings.CAS_REMEMBER_ME_SECONDS = 365 * 24 * 3600
    assert "cas.E003" in [p.id for p in cas_limits_check(None)]


def test_admin_pages_render(admin_client, client, user, service):
    cas_sign_in(client, user.email)
    for name in ("cas_service", "cas_ssosession", "cas_serviceticket"):
        assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:cas_service_change", args=[service.pk])).status_code == 200
    response = admin_client.post(reverse("admin:cas_service_add"), {
        "name": "New", "match_kind": "prefix", "pattern": "https://new.example.org/", "enabled": "on",
        "evaluation_order": 10, "released_attributes": ["email"], "slo_url": "", "slo_enabled": "on",
        "created_at_0": "2026-01-01", "created_at_1": "00:00:00", "dialect": "cas",
        "strength_rules-TOTAL_FORMS": "1", "strength_rules-INITIAL_FORMS": "0",
        "strength_rules-0-effective_from_0": "2024-06-11", "strength_rules-0-effective_from_1": "00:00:00",
        "strength_rules-0-requirement": "medium",
    })
    assert response.status_code == 302, response.content[:2000]
    assert Service.objects.get(name="New").strength_rules.get().requirement == "MEDIUM"


def test_second_browser_gets_its_own_prompt(client, user, service):
    cas_sign_in(client, user.email)
    other = Client()
    assert asks_for_credentials(cas_login(other))
    assert sso_ticket(client)


def test_password_change_keeps_this_sso_session_and_ends_the_others(client, user, service, password):
    from django.test import Client
    from django.test.client import RequestFactory

    from accounts.services import user_password_change

    other = Client()
    cas_sign_in(other, user.email)
    cas_sign_in(client, user.email)
    request = RequestFactory().post("/")
    request.session = client.session
    request.user = user
    old_key = request.session.session_key
    user_password_change(request=request, user=user, password="a brand new passphrase 42")
    request.session.save()
    mine = SsoSession.objects.get(user=user, session_key=request.session.session_key)
    assert mine.ended_at is None and request.session.session_key != old_key
    assert SsoSession.objects.filter(user=user, ended_at__isnull=False).count() == 1  # the other browser's


def test_ticket_of_a_deleted_account_fails(client, user, service):
    ticket = cas_sign_in(client, user.email)
    user.delete()
    response = client.get(reverse("cas:service_validate"), {"ticket": ticket, "service": SERVICE_URL})
    assert b"INVALID_TICKET" in response.content
