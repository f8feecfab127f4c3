"""The service registry: closed by default, prefix or regex, evaluation order."""

import pytest
from django.core.exceptions import ValidationError

from cas_server.models import Service
from cas_server.selectors import service_for_url


def test_registry_is_closed_by_default(db):
    assert service_for_url("https://app.example.org/") is None


@pytest.mark.parametrize("url,matches", [
    ("https://app.example.org/", True),
    ("https://app.example.org/deep/path?x=1", True),
    ("https://app.example.org.evil.net/", False),
    ("http://app.example.org/", False),
    ("https://APP.example.org/", True),  # host names are case-insensitive (RFC 3986)
    ("https://other.example.org/app.example.org/", False),
])
def test_prefix_match(make_service, url, matches):
    make_service("https://app.example.org/")
    assert (service_for_url(url) is not None) is matches


def test_prefix_without_trailing_slash_stops_at_the_host_boundary(make_service):
    make_service("https://app.example.org")
    assert service_for_url("https://app.example.org/x") is not None
    # Another port is another origin: a prefix names its port when it means one.
    assert service_for_url("https://app.example.org:8443/x") is None
    assert service_for_url("https://app.example.org.evil.net/") is None


def test_regex_matches_the_whole_url(make_service):
    make_service(r"https://(app|www)\.example\.org/.*", match_kind=Service.MatchKind.REGEX)
    assert service_for_url("https://www.example.org/a") is not None
    assert service_for_url("https://evil.net/?https://www.example.org/") is None


def test_lowest_evaluation_order_wins(make_service):
    make_service("https://app.example.org/", name="general", evaluation_order=50)
    make_service("https://app.example.org/special/", name="special", evaluation_order=10)
    assert service_for_url("https://app.example.org/special/x").name == "special"
    assert service_for_url("https://app.example.org/other").name == "general"


def test_disabled_services_never_match(make_service):
    make_service(enabled=False)
    assert service_for_url("https://app.example.org/") is None


@pytest.mark.parametrize("fields", [
    {"pattern": "app.example.org"},
    {"pattern": "https://"},
    {"pattern": "(unclosed", "match_kind": "regex"},
    {"pattern": "https://app.example.org/", "released_attributes": ["password"]},
])
def test_invalid_registrations_are_refused(db, fields):
    with pytest.raises(ValidationError):
        Service(name="x", **fields).full_clean()


def test_invalid_regex_in_the_database_matches_nothing(db):
    Service.objects.create(name="broken", pattern="(", match_kind="regex")
    assert service_for_url("https://app.example.org/") is None


@pytest.mark.parametrize("url", [
    "https://app.example.org:x@evil.example.net/",
    "https://app.example.org:@evil.example.net/phish",
    "https://app.example.org@evil.example.net/",
    "https://app.example.org.evil.example.net/",
    "https://app.example.org:8443/",
    "http://app.example.org/",
    "https://app.example.org:99999999/",
])
def test_a_prefix_without_a_slash_matches_its_origin_only(db, url):
    from cas_server.models import Service

    service = Service.objects.create(name="No slash", pattern="https://app.example.org")
    assert not service.matches(url)
    assert service_for_url(url) is None


@pytest.mark.parametrize("url", ["https://app.example.org", "https://app.example.org/", "https://app.example.org/x?y=1",
                                 "https://app.example.org:443/"])
def test_a_prefix_without_a_slash_still_matches_its_own_urls(db, url):
    from cas_server.models import Service

    service = Service.objects.create(name="No slash", pattern="https://app.example.org")
    assert service.matches(url) == (url != "https://app.example.org:443/")


def test_a_path_prefix_stops_at_a_path_boundary(db):
    from cas_server.models import Service

    service = Service.objects.create(name="App", pattern="https://site.example.org/app")
    assert service.matches("https://site.example.org/app/page")
    assert service.matches("https://site.example.org/app?x=1")
    assert not service.matches("https://site.example.org/application")


def test_logout_never_redirects_through_credentials_in_the_service_url(client, db):
    from django.urls import reverse

    from cas_server.models import Service

    Service.objects.create(name="No slash", pattern="https://app.example.org")
    response = client.get(reverse("cas:logout"), {"service": "https://app.example.org:@evil.example.net/phish"})
    assert "evil.example.net" not in response.get("Location", "")


@pytest.mark.django_db(transaction=True)
def test_a_service_removed_before_this_process_heard_of_it_gets_a_403_not_a_500(client, user, service, settings):
    """Another process deleted the service a moment ago; this one still holds the row in its
    registry cache. The ticket's INSERT finds no service: the person gets the registry's
    refusal, and the next request reads the registry again."""
    from django.db import connection

    from tests.cas_server.conftest import cas_login, cas_sign_in

    settings.READ_CACHE_CHECK_SECONDS = 3600  # this process will not look for changes
    cas_sign_in(client, user.email)  # reads (and keeps) the registry
    from cas_server.models import ServiceTicket

    with connection.cursor() as cursor:  # deleted elsewhere: no signal reaches this process
        cursor.execute(f"DELETE FROM {ServiceTicket._meta.db_table} WHERE service_id = %s", [service.pk])
        cursor.execute(f"DELETE FROM {Service._meta.db_table} WHERE id = %s", [service.pk])
    response = cas_login(client)
    assert response.status_code == 403
    assert b"not registered" in response.content
    assert cas_login(client).status_code == 403  # read again: the service is gone
