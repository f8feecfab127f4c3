"""Properties of the one URL parser (accounts.http.url_parse) and of what is built on it:
for any input they return a value or a refusal, never raise, and what they accept is
consistent (a registered service's URL has its registered origin)."""

from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.http import url_parse
from cas_server.models import prefix_matches
from cas_server.selectors import service_url_parse
from tests.fuzz.strategies import REGISTERED_PREFIXES, VALUES, count, urls

PROPERTY_CASES = 2500
PROPERTIES = settings(max_examples=PROPERTY_CASES, deadline=None, derandomize=True, database=None,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
ANYTHING = st.one_of(urls(), VALUES, st.none(), st.integers())


@PROPERTIES
@given(value=ANYTHING)
def test_url_parse_never_raises_and_what_it_accepts_parses(value):
    count("url_parse")
    parsed = url_parse(value)
    if parsed is None:
        return
    assert isinstance(value, str) and parsed.url == value
    parts = urlsplit(value)  # what it accepted, urllib parses too
    assert (parts.port, (parts.hostname or "")) == (parsed.port, parsed.host)
    assert not any(ord(c) < 0x20 or ord(c) == 0x7F for c in value)


@PROPERTIES
@given(url=urls(), prefix=st.one_of(st.sampled_from(REGISTERED_PREFIXES), urls()))
def test_registry_matching_never_raises_and_keeps_to_the_origin(url, prefix):
    count("registry matching")
    service = service_url_parse(url)
    if not prefix_matches(prefix, url):
        return
    pattern = url_parse(prefix, max_length=len(prefix))
    candidate = url_parse(url, max_length=len(url))
    assert candidate is not None and not candidate.has_userinfo
    assert (pattern.scheme, pattern.host, pattern.port) == (candidate.scheme, candidate.host, candidate.port)
    if service is not None:
        assert service.host == pattern.host
