"""PostgreSQL refusing connections: every kind of answer is a 503 with Retry-After, in its own
form, never a 500 (eulogin/unavailable.py). The connection really fails: the test's own
connection is pointed at a port where nothing listens."""

import socket
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from api.keys import api_key_create
from api.models import Scope
from cas_server.models import Service
from tests.conftest import sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the connection is pointed away on PostgreSQL"),
]
SERVICE_URL = "https://app.example.org/"


@pytest.fixture
def database_refused():
    """From here on, every new connection is refused; the one open is closed."""
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = connection.settings_dict["HOST"], connection.settings_dict["PORT"]

    def refuse():
        connection.close()
        connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", str(port)

    yield refuse
    connection.close()
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = saved


def _unavailable(response, retry_after="5"):
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"] == retry_after


def test_a_page_whose_view_loses_the_database_says_try_again_in_the_persons_language(client, database_refused):
    database_refused()
    client.raise_request_exception = False  # answered as a server would, not raised into the test
    response = client.post("/account/login/", {"email": "someone@example.org"}, HTTP_ACCEPT_LANGUAGE="fr")
    _unavailable(response)
    assert "Veuillez réessayer dans un instant" in response.content.decode()
    assert b"Traceback" not in response.content


def test_a_page_whose_middleware_loses_the_database_says_try_again(client, user, database_refused):
    assert sign_in(client, user.email).status_code == 302
    database_refused()  # the next request reads the person before any view runs
    client.raise_request_exception = False
    response = client.get("/account/my-account/")
    _unavailable(response)
    assert "Please try again in a moment" in response.content.decode()


def test_with_debug_the_page_is_eulogins_and_never_a_traceback(client, user, database_refused, settings):
    settings.DEBUG = True
    database_refused()
    client.raise_request_exception = False
    response = client.post("/account/login/", {"email": "someone@example.org"})
    # The view's failure is a 503; the session's save on the way out fails too, and with
    # DEBUG Django answers a middleware's failure itself (a 500): the page is still eulogin's.
    assert "Please try again in a moment" in response.content.decode()
    assert b"Traceback" not in response.content and b"OperationalError" not in response.content


def test_ticket_validation_answers_in_cas_with_a_503(database_refused):
    Service.objects.create(name="App", pattern=SERVICE_URL)
    database_refused()
    response = Client(raise_request_exception=False).get("/cas/p3/serviceValidate", {"service": SERVICE_URL, "ticket": "ST-1-abcdefghijklmnop"})
    _unavailable(response)
    failure = ElementTree.fromstring(response.content).find("{http://www.yale.edu/tp/cas}authenticationFailure")
    assert failure is not None and failure.get("code") == "INTERNAL_ERROR"


def test_the_api_answers_its_error_body_with_a_503(database_refused):
    _key, token = api_key_create(name="HR provisioning", scopes=Scope.values)
    database_refused()
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.get("/api/v1/users/", HTTP_ACCEPT_LANGUAGE="fr")
    _unavailable(response)
    assert response.json()["code"] == "unavailable"
    assert response.json()["message"] == "Le service est momentanément indisponible. Veuillez réessayer dans un instant."
