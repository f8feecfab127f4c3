"""How many SQL queries each hot path of the CAS server may make: a regression fails here,
with no timing involved. The numbers are today's, each query named in the comments.

The tests run outside a test transaction (transactional_db), as requests do in production,
so no savepoint is counted that a real request would not make.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import PASSWORD

from .conftest import SERVICE_URL, asks_for_credentials, cas_login, cas_sign_in, signin_next, sso_ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _shared_read_cache(monkeypatch):
    """The registry and policy caches as in production, where the cache is Redis, even
    when the tests run on the in-memory cache (one process: nothing can go stale)."""
    monkeypatch.setattr("eulogin.readcache.cache_is_process_local", lambda: False)


@pytest.fixture
def signed_in(client, user, service):
    cas_sign_in(client, user.email)
    return client


def test_sso_ticket_issue(signed_in, django_assert_max_num_queries):
    sso_ticket(signed_in)  # the registry is read once per process, not per request
    # The user (session auth), the SSO session, the ticket and its audit event (one
    # statement). The SSO session is read once, and not written again while its activity is fresh.
    with django_assert_max_num_queries(3):
        sso_ticket(signed_in)


@pytest.mark.parametrize(("name", "success"), [
    ("cas:validate", b"yes\n"),
    ("cas:service_validate", b"authenticationSuccess"),
    ("cas:proxy_validate", b"authenticationSuccess"),
    ("cas:p3_service_validate", b"authenticationSuccess"),
    ("cas:p3_proxy_validate", b"authenticationSuccess"),
    ("cas:ticket_validation_service", b"authenticationSuccess"),
    ("cas:lax_validate", b"authenticationSuccess"),
])
def test_validation(signed_in, django_assert_max_num_queries, name, success):
    ticket = sso_ticket(signed_in)
    # Take the ticket (marked validated) and read it with its session, person and service,
    # in one statement; record the audit event. The service's policy comes from the read cache.
    with django_assert_max_num_queries(2):
        response = Client().get(reverse(name), {"service": SERVICE_URL, "ticket": ticket})  # no cookie
    assert success in response.content


def test_saml_validation(signed_in, django_assert_max_num_queries):
    ticket = sso_ticket(signed_in)
    body = (
        '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>'
        '<samlp:Request xmlns:samlp="urn:oasis:names:tc:SAML:1.0:protocol" RequestID="r1" MajorVersion="1" '
        f'MinorVersion="1"><samlp:AssertionArtifact>{ticket}</samlp:AssertionArtifact></samlp:Request>'
        "</SOAP-ENV:Body></SOAP-ENV:Envelope>"
    )
    with django_assert_max_num_queries(2):
        response = Client().post(reverse("cas:saml_validate") + "?TARGET=" + SERVICE_URL, body,
                                 content_type="text/xml")
    assert b"samlp:Success" in response.content


def test_anonymous_login_serves_the_form_without_a_query(client, service):
    with CaptureQueriesContext(connection) as cold:
        assert asks_for_credentials(cas_login(client))
    assert len(cold) <= 2  # the registry and the policies, read once per process
    with CaptureQueriesContext(connection) as warm:
        assert asks_for_credentials(cas_login(client))
    assert len(warm) == 0


def test_sign_in_steps(client, user, service, django_assert_max_num_queries):
    next_url = signin_next(cas_login(client))
    with django_assert_max_num_queries(1):  # a new session: its row (one INSERT, no lookup first)
        client.post(reverse("accounts:login"), {"email": user.email, "next": next_url})
    with django_assert_max_num_queries(1):  # the password page: nothing but the session
        assert client.get(reverse("accounts:login_password")).status_code == 200
    with CaptureQueriesContext(connection) as password:
        response = client.post(reverse("accounts:login_password"), {"password": PASSWORD, "method": "PASSWORD"})
    assert response.status_code == 302 and response["Location"] == next_url
    # The user, whether this session's SSO session already ended, the new SSO session, the
    # ticket and its audit event in one statement (the SSO session is not written twice).
    with django_assert_max_num_queries(4):
        response = client.get(next_url)
    assert response.status_code == 302 and "ticket=" in response["Location"]
    # The password step: the account behind the typed email and the throttles (one query
    # for account and IP), the account again (authentication), the new session key (INSERT,
    # and DELETE of the old one), last login, the "Mon compte" session row, the throttle
    # reset, the audit event, the session's save. No lookup before an INSERT, no BEGIN.
    assert len(password) <= 10, "\n".join(q["sql"][:120] for q in password.captured_queries)
    assert not [q for q in password.captured_queries if q["sql"].startswith(("BEGIN", "SAVEPOINT"))]


def test_the_password_is_checked_once_and_never_hashed_again(client, user, service, monkeypatch):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    calls = {"verify": 0, "encode": 0}
    for name in calls:
        original = getattr(Argon2PasswordHasher, name)

        def counted(self, *args, _name=name, _original=original, **kwargs):
            calls[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Argon2PasswordHasher, name, counted)
    next_url = signin_next(cas_login(client))
    client.post(reverse("accounts:login"), {"email": user.email, "next": next_url})
    response = client.post(reverse("accounts:login_password"), {"password": PASSWORD, "method": "PASSWORD"})
    assert response.status_code == 302 and client.get(next_url).status_code == 302
    assert calls == {"verify": 1, "encode": 0}


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_hot_statements_are_prepared_once_per_connection(signed_in):
    """PostgreSQL plans a statement in longer than it takes to run it: the ticket and
    validation statements are bound by the server and, once seen a few times on a
    connection, run from a prepared statement (DATABASE_PREPARED_STATEMENTS)."""
    relying_service = Client()
    for _ in range(6):
        ticket = sso_ticket(signed_in)
        response = relying_service.get(reverse("cas:service_validate"), {"service": SERVICE_URL, "ticket": ticket})
        assert b"authenticationSuccess" in response.content
    prepared = _prepared_statements()
    assert any('UPDATE "cas_serviceticket" SET "consumed_at"' in s for s in prepared), prepared
    assert any('INSERT INTO "cas_serviceticket"' in s for s in prepared), prepared
    # The values travel as parameters, never inside the statement's text.
    assert not any(ticket in s for s in prepared)
