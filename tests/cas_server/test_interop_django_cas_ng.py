"""Interoperability with django-cas-ng: a relying Django site in its own process signs in
through a real sign-in over HTTP, and single logout reaches it and ends its session."""

import re
from urllib.parse import urljoin

import requests

from cas_server.models import Service

PASSWORD_FIELD = "password"


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def browse_sign_in(session: requests.Session, site_url: str, email: str, password: str) -> requests.Response:
    """Open the site's protected page and walk the eulogin sign-in, as a browser would."""
    page = session.get(site_url + "protected/", timeout=10)
    assert "/cas/login?service=" in page.url, page.url  # the sign-in form, served in place
    action = urljoin(page.url, re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    assert action.endswith("/account/login/"), action
    page = session.post(action, data={"email": email, "csrfmiddlewaretoken": _csrf(page.text),
                                        "next": re.search(r'name="next" value="([^"]*)"', page.text).group(1).replace("&amp;", "&")},
                        headers={"Referer": page.url}, timeout=10)
    return session.post(page.url, data={PASSWORD_FIELD: password, "method": "PASSWORD",
                                        "csrfmiddlewaretoken": _csrf(page.text)},
                        headers={"Referer": page.url}, timeout=10)


def test_django_cas_ng_site_signs_in_and_single_logout_ends_its_session(
    relying_site_factory, live_server, user, password, transactional_db
):
    site = relying_site_factory("rp1")
    Service.objects.create(name="Relying site", pattern=site.url, released_attributes=["email", "firstName", "lastName"])
    browser = requests.Session()
    page = browse_sign_in(browser, site.url, user.email, password)
    assert page.url == site.url + "protected/"
    assert f"signed in as {user.email}" in page.text
    assert '<p id="first-name">Anna</p>' in page.text  # CAS 3 attributes applied by the client

    # Logging out at the CAS server reaches the site over the back channel.
    page = browser.get(live_server.url + "/cas/logout", timeout=10)
    assert page.status_code == 200
    page = browser.get(site.url + "protected/", allow_redirects=False, timeout=10)
    assert page.status_code == 302 and "/accounts/login/" in page.headers["Location"]


def test_django_cas_ng_logout_goes_through_the_cas_server(relying_site_factory, live_server, user, password, transactional_db):
    site = relying_site_factory("rp2")
    Service.objects.create(name="Relying site", pattern=site.url)
    browser = requests.Session()
    browse_sign_in(browser, site.url, user.email, password)
    page = browser.get(site.url + "accounts/logout/", timeout=10)
    # django-cas-ng sends the browser to /cas/logout?service=<site>, which we honour: back
    # on the site, its protected page now needs a new sign-in at eulogin.
    hops = [r.url for r in page.history] + [page.url]
    logout_hop = next(i for i, url in enumerate(hops) if url.startswith(live_server.url + "/cas/logout?service="))
    assert hops[logout_hop + 1].startswith(site.url)
    assert "/cas/login?service=" in page.url and 'name="email"' in page.text
    page = browser.get(live_server.url + "/cas/login", params={"service": site.url + "accounts/login/"},
                       allow_redirects=False, timeout=10)
    assert page.status_code == 200 and 'action="/account/login/"' in page.text


def test_unregistered_site_cannot_sign_in(relying_site_factory, live_server, transactional_db):
    site = relying_site_factory("rp3")
    page = requests.get(site.url + "protected/", timeout=10)
    assert page.status_code == 403 and "not registered" in page.text
