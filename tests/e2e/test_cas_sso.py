"""In a browser: a relying site sends the person to /cas/login, they sign in and come back
signed in; a second site signs them in with no prompt (SSO); logging out ends both."""

import re

import pytest
from playwright.sync_api import expect

from cas_server.models import Service
from tests.cas_server.conftest import relying_site_factory  # noqa: F401  (fixture)


@pytest.fixture
def two_sites(relying_site_factory, transactional_db, settings):  # noqa: F811
    # The sites run on plain http://127.0.0.1 (production services use https:, which the
    # policy allows): the browser follows the sign-in POST's redirects to them only if
    # form-action allows it.
    policy = {**settings.CONTENT_SECURITY_POLICY}
    policy["DIRECTIVES"] = {**policy["DIRECTIVES"], "form-action": [*policy["DIRECTIVES"]["form-action"], "http:"]}
    settings.CONTENT_SECURITY_POLICY = policy
    first, second = relying_site_factory("siteone"), relying_site_factory("sitetwo")
    for site in (first, second):
        Service.objects.create(name=f"Site {site.port}", pattern=site.url, released_attributes=["email", "firstName"])
    return first, second


def test_sign_in_once_use_two_sites_and_log_out_of_both(page_in, live_server, user, password, two_sites):
    page = page_in
    first, second = two_sites

    page.goto(first.url + "protected/")
    expect(page).to_have_url(re.compile(r"/cas/login\?service="))  # the sign-in form, in place
    page.locator("#id_email").fill(user.email)
    page.locator("#next-button").click()
    page.locator("#id_password").fill(password)
    page.locator("#signin-button").click()
    expect(page).to_have_url(first.url + "protected/")
    expect(page.locator("#who")).to_have_text(f"signed in as {user.email}")

    # The second site: straight through, no sign-in page.
    page.goto(second.url + "protected/")
    expect(page).to_have_url(second.url + "protected/")
    expect(page.locator("#who")).to_have_text(f"signed in as {user.email}")

    cookie = next(c for c in page.context.cookies(live_server.url + "/cas/login") if c["name"] == "TGC-eulogin")
    assert cookie["httpOnly"] and cookie["path"] == "/cas" and cookie["value"].startswith("TGT-")

    # Log out from the first site: it goes through /cas/logout; single logout ends the other.
    page.goto(first.url + "accounts/logout/")
    for site in (first, second):
        page.goto(site.url + "protected/")
        expect(page).to_have_url(re.compile(r"/cas/login\?service="))
        expect(page.locator("#id_email")).to_be_visible()


def test_unregistered_service_shows_an_error_in_the_browser(page_in, live_server, transactional_db):
    page = page_in
    page.goto(f"{live_server.url}/cas/login?service=https%3A%2F%2Fevil.example.net%2F")
    expect(page).to_have_url(re.compile(r"/cas/login\?service="))
    text = "pas enregistré" if page.locale == "fr" else "not registered"
    expect(page.locator("#cas-error")).to_contain_text(text)


@pytest.fixture
def post_service(transactional_db):
    from tests.cas_server.conftest import _Recorder

    recorder = _Recorder()
    Service.objects.create(name="POST service", pattern=recorder.url)
    yield recorder
    recorder.close()


def _sign_in_for(page, url, user, password):
    page.goto(url)
    page.locator("#id_email").fill(user.email)
    page.locator("#next-button").click()
    page.locator("#id_password").fill(password)
    page.locator("#signin-button").click()


def _wait_for_post(recorder, page):
    for _ in range(100):
        if recorder.requests:
            break
        page.wait_for_timeout(100)
    assert recorder.requests and recorder.requests[0]["method"] == "POST"
    return recorder.requests[0]["body"].decode()


def test_method_post_submits_the_ticket_by_itself(page_in, live_server, user, password, post_service):
    from urllib.parse import quote

    _sign_in_for(page_in, f"{live_server.url}/cas/login?method=POST&service={quote(post_service.url + 'landing')}", user, password)
    body = _wait_for_post(post_service, page_in)
    assert re.fullmatch(r"ticket=ST-[A-Za-z0-9-]+", body)
    assert post_service.requests[0]["path"] == "/landing"


def test_method_post_works_without_javascript(browser, live_server, user, password, post_service):
    from urllib.parse import quote

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        _sign_in_for(page, f"{live_server.url}/cas/login?method=POST&service={quote(post_service.url)}", user, password)
        page.locator("#cas-post-form button").click()
        assert re.fullmatch(r"ticket=ST-[A-Za-z0-9-]+", _wait_for_post(post_service, page))
    finally:
        context.close()
