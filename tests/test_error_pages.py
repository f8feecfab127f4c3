"""Every error a person meets is eulogin's translated page, DEBUG on or off: no Django
technical page (the URL patterns), no traceback."""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LEAKS = (b"Traceback", b"URLconf", b"technical", b"DisallowedHost", b"RuntimeError", b"settings.py")
EXPECTED = {
    ("fr", 404): "Page introuvable", ("en", 404): "Page not found",
    ("fr", 400): "Requête incorrecte", ("en", 400): "Bad request",
    ("fr", 500): "Une erreur s'est produite", ("en", 500): "Something went wrong",
    ("fr", "csrf"): "Ce formulaire a expiré", ("en", "csrf"): "This form has expired",
}


def heading(response) -> str:
    found = re.search(rb"<h1>(.*?)</h1>", response.content)
    return found.group(1).decode().replace("&#x27;", "'") if found else ""


@pytest.fixture(params=[False, True], ids=["DEBUG-off", "DEBUG-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.fixture(params=["fr", "en"])
def language(request):
    return request.param


def browser(language, **extra):
    return Client(HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False, **extra)


@pytest.mark.parametrize("path", ["/nowhere/", "/account/%ff/", "/cas/nowhere", "/static/nowhere.css",
                                  "/account/no/such/page/"])
def test_an_address_with_no_page_is_a_translated_404(debug, language, path):
    response = browser(language).get(path)
    assert response.status_code == 404
    assert heading(response) == EXPECTED[(language, 404)]
    assert not any(leak in response.content for leak in LEAKS)


def test_a_view_that_finds_nothing_is_the_same_404(debug, language, user, password):
    from tests.conftest import sign_in

    client = browser(language)
    sign_in(client, user.email, password)
    response = client.post(reverse("accounts:session_end", args=[987654]))
    assert response.status_code == 404 and heading(response) == EXPECTED[(language, 404)]
    assert not any(leak in response.content for leak in LEAKS)


def test_a_host_not_served_is_a_translated_400_without_a_traceback(debug, language):
    response = browser(language, HTTP_HOST="evil.example").get("/account/")
    assert response.status_code == 400
    assert heading(response) == EXPECTED[(language, 400)]
    assert not any(leak in response.content for leak in LEAKS)


@pytest.mark.urls("tests.defect_urls")
def test_a_defect_is_a_translated_500_without_a_traceback(debug, language):
    response = browser(language).get("/tests/fails/")
    assert response.status_code == 500
    assert heading(response) == EXPECTED[(language, 500)]
    assert not any(leak in response.content for leak in LEAKS)


def test_a_form_without_its_token_is_a_translated_403(debug, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language, enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"email": "someone@example.org"})
    assert response.status_code == 403 and heading(response) == EXPECTED[(language, "csrf")]
    assert b"CSRF" not in response.content


def test_a_missing_slash_is_still_added(debug):
    response = browser("en").get("/account")
    assert response.status_code == 301 and response["Location"] == "/account/"


@pytest.mark.urls("tests.defect_urls")
def test_a_developer_gets_djangos_pages_back_with_debug_tracebacks(settings):
    settings.DEBUG, settings.DEBUG_TRACEBACKS = True, True
    assert b"URLconf" in browser("en").get("/nowhere/").content
    assert b"Traceback" in browser("en").get("/tests/fails/").content


def test_a_get_where_a_form_posts_is_a_translated_405_that_keeps_allow(debug, language, user, password):
    from tests.conftest import sign_in

    client = browser(language)
    sign_in(client, user.email, password)
    response = client.get(reverse("accounts:sessions_end_others"))
    assert response.status_code == 405 and "POST" in response["Allow"]
    assert heading(response) == {"fr": "Non disponible de cette façon", "en": "Not available this way"}[language]


def test_a_back_channel_405_stays_in_its_protocol(debug):
    response = browser("en").put(reverse("cas:service_validate"))
    assert response.status_code == 405 and b"<cas:serviceResponse" in response.content


@pytest.mark.urls("tests.defect_urls")
def test_an_error_page_whose_frame_cannot_be_drawn_is_served_without_it(debug, language, monkeypatch):
    """The frame (base.html: the user menu, the session) may need the very part that
    failed, the database say: then the same words come on a page of their own."""
    from django.db import DatabaseError

    import eulogin.errors

    def frame_fails(*args, **kwargs):
        raise DatabaseError("the database is down")

    monkeypatch.setattr(eulogin.errors, "render", frame_fails)
    for path, status in (("/tests/fails/", 500), ("/nowhere/", 404)):
        response = browser(language).get(path)
        assert response.status_code == status
        assert heading(response) == EXPECTED[(language, status)]
        assert f'<html lang="{language}">'.encode() in response.content
        assert not any(leak in response.content for leak in LEAKS + (b"database is down",))
