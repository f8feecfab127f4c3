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
    ("https://APP.example.org/", False),
    ("https://other.example.org/app.example.org/", False),
])
def test_prefix_match(make_service, url, matches):
    make_service("https://app.example.org/")
    assert (service_for_url(url) is not None) is matches


def test_prefix_without_trailing_slash_stops_at_the_host_boundary(make_service):
    make_service("https://app.example.org")
    assert service_for_url("https://app.example.org/x") is not None
    assert service_for_url("https://app.example.org:8443/x") is not None
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
