"""Interoperability with python-cas, a CAS client library nobody here wrote: its CAS 1,
2, 3 and SAML 1.1 clients validate our tickets over real HTTP against the live server."""

import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import cas as python_cas  # python-cas: the library owns the top-level name `cas`
import pytest

from .conftest import SERVICE_URL, cas_sign_in, sso_ticket


@pytest.fixture
def server_url(live_server) -> str:
    return live_server.url + "/cas/"


def test_cas1_client(client, user, service, server_url):
    cas = python_cas.CASClient(version=1, service_url=SERVICE_URL, server_url=server_url)
    ticket = cas_sign_in(client, user.email)
    assert cas.verify_ticket(ticket) == (user.email, None, None)
    assert cas.verify_ticket(ticket) == (None, None, None)  # single use


def test_cas2_client(client, user, service, server_url):
    cas = python_cas.CASClient(version=2, service_url=SERVICE_URL, server_url=server_url)
    ticket = cas_sign_in(client, user.email)
    assert cas.verify_ticket(ticket) == (user.email, None, None)
    assert cas.verify_ticket(ticket)[0] is None


def test_cas3_client_gets_attributes(client, user, service, server_url):
    cas = python_cas.CASClient(version=3, service_url=SERVICE_URL, server_url=server_url)
    ticket = cas_sign_in(client, user.email)
    username, attributes, pgtiou = cas.verify_ticket(ticket)
    assert username == user.email and pgtiou is None
    assert attributes["email"] == user.email and attributes["firstName"] == "Anna"
    assert attributes["isFromNewLogin"] == "true" and attributes["strength"] == "PASSWORD"
    assert attributes["longTermAuthenticationRequestTokenUsed"] == "false"


def test_cas3_client_refused_for_another_service(client, user, service, other_service, server_url):
    cas = python_cas.CASClient(version=3, service_url="https://other.example.org/", server_url=server_url)
    ticket = cas_sign_in(client, user.email)
    assert cas.verify_ticket(ticket)[0] is None


def test_saml11_client(client, user, service, server_url):
    cas = python_cas.CASClient(version="CAS_2_SAML_1_0", service_url=SERVICE_URL, server_url=server_url)
    ticket = cas_sign_in(client, user.email)
    username, attributes, _ = cas.verify_ticket(ticket)
    assert username == user.email
    assert attributes["email"] == user.email and attributes["longTermAuthenticationRequestTokenUsed"] == "false"
    assert cas.verify_ticket(ticket)[0] is None


def test_client_urls_point_at_our_endpoints(client, user, service, server_url):
    import requests

    cas = python_cas.CASClient(version=3, service_url=SERVICE_URL, server_url=server_url)
    response = requests.get(cas.get_login_url(), allow_redirects=False, timeout=5)
    # The sign-in form, served by /cas/login itself, posts to the accounts sign-in.
    assert response.status_code == 200 and 'action="/account/login/"' in response.text
    response = requests.get(cas.get_logout_url("https://app.example.org/bye"), allow_redirects=False, timeout=5)
    assert response.headers["Location"] == "https://app.example.org/bye"
    v2 = python_cas.CASClient(version=2, service_url=SERVICE_URL, server_url=server_url)
    response = requests.get(v2.get_logout_url("https://app.example.org/bye"), allow_redirects=False, timeout=5)
    assert response.headers["Location"] == "https://app.example.org/bye"  # `url`, CAS 2


def test_client_single_logout_parser_reads_our_logout_request():
    from cas_server.slo import logout_request_xml

    document = logout_request_xml(session_index="ST-abc123")
    assert python_cas.CASClientV3.verify_logout_request(document, "ST-abc123")
    assert not python_cas.CASClientV3.verify_logout_request(document, "ST-other")


def test_proxy_chain_with_the_cas2_client(client, user, make_service, server_url, http_recorder, settings):
    """serviceValidate with pgtUrl → PGT delivered to the callback → /proxy → PT →
    proxyValidate at the back-end, which sees the proxy."""
    settings.CAS_PROXY_CALLBACK_ALLOW_HTTP_LOOPBACK = True
    make_service(proxy_allowed=True)
    make_service(http_recorder.url)  # the callback is a registered URL
    make_service("https://backend.example.org/")
    callback = http_recorder.url + "pgtCallback?keep=1"
    front = python_cas.CASClient(version=2, service_url=SERVICE_URL, server_url=server_url, proxy_callback=callback)
    ticket = cas_sign_in(client, user.email)
    username, _, pgtiou = front.verify_ticket(ticket)
    assert username == user.email and pgtiou.startswith("PGTIOU-")
    delivered = parse_qs(urlsplit(http_recorder.requests[-1]["path"]).query)
    assert delivered["pgtIou"] == [pgtiou] and delivered["keep"] == ["1"]
    pgt = delivered["pgtId"][0]
    assert pgt.startswith("PGT-")

    # python-cas asks /proxy for a ticket to its own service_url: the back-end's.
    backend = python_cas.CASClient(version=3, service_url="https://backend.example.org/", server_url=server_url)
    proxy_ticket = backend.get_proxy_ticket(pgt)
    assert proxy_ticket.startswith("PT-")
    backend.url_suffix = "p3/proxyValidate"
    response = backend.get_verification_response(proxy_ticket)
    assert b"<cas:proxy>" + callback.replace("&", "&amp;").encode() + b"</cas:proxy>" in response
    assert backend.verify_response(response)[0] == user.email


def test_proxy_tickets_stop_when_the_sso_session_ends(client, user, make_service, server_url, http_recorder, settings):
    from django.urls import reverse

    settings.CAS_PROXY_CALLBACK_ALLOW_HTTP_LOOPBACK = True
    make_service(proxy_allowed=True)
    make_service(http_recorder.url)
    front = python_cas.CASClient(version=2, service_url=SERVICE_URL, server_url=server_url, proxy_callback=http_recorder.url)
    front.verify_ticket(cas_sign_in(client, user.email))
    pgt = parse_qs(urlsplit(http_recorder.requests[-1]["path"]).query)["pgtId"][0]
    client.get(reverse("cas:logout"))
    with pytest.raises(python_cas.CASError):
        front.get_proxy_ticket(pgt)


# --- proxy callbacks over HTTPS: the certificate is verified --------------------------------

@pytest.fixture
def https_callback(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_port}/callback", cert, hits
    server.shutdown()
    server.server_close()


def test_https_callback_with_an_untrusted_certificate_gets_no_pgt(client, user, make_service, server_url, https_callback, monkeypatch):
    url, _, hits = https_callback
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    make_service(proxy_allowed=True)
    make_service(url.rsplit("/", 1)[0] + "/")
    front = python_cas.CASClient(version=3, service_url=SERVICE_URL, server_url=server_url, proxy_callback=url)
    username, _, pgtiou = front.verify_ticket(cas_sign_in(client, user.email))
    assert username is None and pgtiou is None and hits == []


def test_https_callback_with_a_trusted_certificate_gets_the_pgt(client, user, make_service, server_url, https_callback, monkeypatch):
    url, cert, hits = https_callback
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    make_service(proxy_allowed=True)
    make_service(url.rsplit("/", 1)[0] + "/")
    front = python_cas.CASClient(version=3, service_url=SERVICE_URL, server_url=server_url, proxy_callback=url)
    username, _, pgtiou = front.verify_ticket(cas_sign_in(client, user.email))
    assert username == user.email and pgtiou.startswith("PGTIOU-") and len(hits) == 1


def test_sso_ticket_validates_with_the_cas3_client(client, user, service, server_url):
    cas = python_cas.CASClient(version=3, service_url=SERVICE_URL, server_url=server_url)
    cas_sign_in(client, user.email)
    username, attributes, _ = cas.verify_ticket(sso_ticket(client))
    assert username == user.email and attributes["isFromNewLogin"] == "false"
