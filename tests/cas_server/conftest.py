import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from cas_server.models import Service
from tests.conftest import sign_in

SERVICE_URL = "https://app.example.org/protected?lang=en"
OTHER_SERVICE_URL = "https://other.example.org/"


@pytest.fixture
def make_service(db):
    def make(pattern: str = "https://app.example.org/", **extra) -> Service:
        extra.setdefault("name", pattern)
        extra.setdefault("released_attributes", ["email", "firstName", "lastName", "domain", "locale"])
        return Service.objects.create(pattern=pattern, **extra)

    return make


@pytest.fixture
def service(make_service) -> Service:
    return make_service()


@pytest.fixture
def other_service(make_service) -> Service:
    return make_service("https://other.example.org/")


def query_value(url: str, name: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get(name)
    return values[0] if values else None


def signin_next(response) -> str | None:
    """Where the sign-in /cas/login asked for goes back to: the `next` of the sign-in form it
    serves (the CAS login page itself), or of the sign-in it redirects to (renew, step-up)."""
    if response.status_code in (301, 302, 303):
        return query_value(response["Location"], "next")
    match = re.search(r'<input type="hidden" name="next" value="([^"]*)"', response.content.decode())
    return html.unescape(match.group(1)) if match and response.status_code == 200 else None


def asks_for_credentials(response) -> bool:
    """/cas/login answered with the sign-in: its form served in place, or a redirect to it."""
    if response.status_code in (301, 302, 303):
        return response["Location"].startswith(reverse("accounts:login"))
    page = response.content.decode()
    return (response.status_code == 200 and f'action="{reverse("accounts:login")}"' in page
            and 'name="email"' in page and signin_next(response) is not None)


def cas_login(client, service_url: str = SERVICE_URL, **params):
    return client.get(reverse("cas:login"), {"service": service_url, **params} if service_url else params)


def cas_sign_in(client, email: str, service_url: str = SERVICE_URL, **params) -> str:
    """/cas/login → accounts sign-in → back to /cas/login → the service; returns the ST."""
    response = cas_login(client, service_url, **params)
    next_url = signin_next(response)
    assert next_url, response
    response = sign_in(client, email, next_url=next_url)
    assert response.status_code == 302 and response["Location"] == next_url, response
    response = client.get(next_url)
    assert response.status_code == 302, response.content[:500]
    ticket = query_value(response["Location"], "ticket")
    assert ticket, response["Location"]
    return ticket


def sso_ticket(client, service_url: str = SERVICE_URL, **params) -> str:
    """A ticket from the existing SSO session, no prompt."""
    response = cas_login(client, service_url, **params)
    assert response.status_code == 302, response.content[:300]
    ticket = query_value(response["Location"], "ticket")
    assert ticket, response["Location"]
    return ticket


class _Recorder:
    """A real HTTP server on loopback recording what it receives (a relying service's
    single logout or proxy callback endpoint)."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests: list[dict] = []
        self.status = 200
        self.statuses: list[int] = []  # answered first, one per request, before `status`
        self.delay = 0.0
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self, body: bytes = b""):
                import time

                recorder.requests.append({"method": self.command, "path": self.path, "body": body,
                                          "headers": dict(self.headers)})
                time.sleep(recorder.delay)
                self.send_response(recorder.statuses.pop(0) if recorder.statuses else recorder.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def do_GET(self):
                self._record()

            def do_POST(self):
                self._record(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def http_recorder():
    recorder = _Recorder()
    yield recorder
    recorder.close()


class RelyingSite:
    """A django-cas-ng site in its own process, on its own port, using our CAS server."""

    def __init__(self, *, cas_server_url: str, tmp_path, name: str, module: str = "tests.cas_server.relying_site",
                 env_prefix: str = "RELYING_SITE"):
        import os
        import socket
        import subprocess
        import sys
        import time

        from django.conf import settings as django_settings

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
        env.update({f"{env_prefix}_DATABASE": str(tmp_path / f"{name}.sqlite3"),
                    f"{env_prefix}_CAS_SERVER_URL": cas_server_url, f"{env_prefix}_NAME": name})
        command = [sys.executable, "-m", module]
        root = str(django_settings.BASE_DIR)
        subprocess.run([*command, "migrate", "-v", "0"], cwd=root, env=env, check=True, capture_output=True, timeout=60)
        self.log = open(tmp_path / f"{name}.log", "w")
        self.process = subprocess.Popen(
            [*command, "runserver", f"127.0.0.1:{self.port}", "--noreload"], cwd=root, env=env,
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        self.close()
        raise RuntimeError(f"the relying site did not start: {(tmp_path / f'{name}.log').read_text()}")

    def close(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except Exception:  # noqa: BLE001
            self.process.kill()
        self.log.close()


@pytest.fixture
def relying_site_factory(live_server, tmp_path):
    sites = []

    def start(name: str = "rp") -> RelyingSite:
        site = RelyingSite(cas_server_url=live_server.url + "/cas/", tmp_path=tmp_path, name=name)
        sites.append(site)
        return site

    yield start
    for site in sites:
        site.close()
