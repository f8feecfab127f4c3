"""Processes of the product for tests that start, break and restart them: a redis-server,
a gunicorn node of eulogin, a Celery worker, the Twilio stub. Each binds a free loopback
port, logs to a file the test can show when it fails, and is bounded in time: every wait
has a deadline, and `stop()` kills what is left.

    with RedisServer(tmp_path) as redis, TwilioStub() as twilio:
        env = product_env(redis=redis, twilio=twilio)
        with CeleryWorker(tmp_path / "worker.log", env), GunicornNode(tmp_path / "web.log", env) as web:
            requests.get(web.url + "/cas/login")
            redis.kill()      # as a crash would: nothing saved
            redis.start()     # the same port, empty

The processes read and write the test database of this process (PostgreSQL: SQLite's
test database is not shared between processes), so tests using them need
`transactional_db` (NEEDS_A_SERVER below).
"""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.mfa_sms.twilio_stub import ACCOUNT_SID, AUTH_TOKEN
from tests.mfa_sms.twilio_stub import TwilioStub as _TwilioStub
from tests.workers import ROOT, test_database_url, wait_for, worker_kill, worker_start

__all__ = [
    "NEEDS_A_SERVER", "CeleryWorker", "GunicornNode", "MakeProd", "RedisServer", "TwilioStub", "free_port", "product_env",
    "alive", "descendants", "sign_in_over_http", "sms_code_wait", "sso_ticket_over_http", "wait_for",
]

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 30  # seconds any process has to come up

# For the modules whose tests start their own processes.
NEEDS_A_SERVER = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor == "sqlite", reason="processes need a shared database (PostgreSQL)"),
]


def free_port() -> int:
    """A loopback TCP port free right now (for servers that cannot bind port 0 and tell)."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def _log_tail(log: Path, chars: int = 4000) -> str:
    return log.read_text(errors="replace")[-chars:] if log.exists() else ""


def _kill_group(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


class _Process:
    """Start/stop, and a context manager that always stops."""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class RedisServer(_Process):
    """A redis-server of its own on a free loopback port, keeping nothing on disk: a
    restart after `kill()` comes back empty, like a Redis without persistence."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.port = free_port()
        self.log = self.directory / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://{LOOPBACK}:{self.port}/{db}"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", LOOPBACK, "--save", "", "--appendonly", "no",
             "--dir", str(self.directory), "--logfile", str(self.log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
        )
        if not wait_for(self.ping, START_TIMEOUT):
            self.stop()
            raise RuntimeError(f"redis-server did not start on {self.port}: {_log_tail(self.log)}")
        return self

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(host=LOOPBACK, port=self.port, socket_timeout=0.5,
                                    socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def kill(self) -> None:
        """SIGKILL, as a crash would: connections drop, nothing is saved."""
        if self.process is not None:
            _kill_group(self.process)

    stop = kill


class GunicornNode(_Process):
    """A gunicorn node of eulogin (sync workers) on a free loopback port (it binds port 0
    and says which it got in its log). `env` is its whole environment (see product_env)."""

    def __init__(self, log: Path, env: dict[str, str], *, workers: int = 2, timeout: int = 30):
        self.log, self.env, self.workers, self.timeout = Path(log), env, workers, timeout
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> "GunicornNode":
        offset = self.log.stat().st_size if self.log.exists() else 0
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "eulogin.wsgi:application", "--bind", f"{LOOPBACK}:0",
             "--workers", str(self.workers), "--timeout", str(self.timeout), "--graceful-timeout", "2",
             "--log-level", "info", "--access-logfile", "-"],
            cwd=ROOT, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )

        def listening() -> bool:
            text = self.log.read_bytes()[offset:].decode(errors="replace")
            for line in text.splitlines():
                if "Listening at: " in line:
                    self.url = line.split("Listening at: ", 1)[1].split()[0].rstrip("/")
            return bool(self.url) and "Booting worker" in text

        if not wait_for(lambda: self.process.poll() is not None or listening(), START_TIMEOUT) or not self.url:
            self.stop()
            raise RuntimeError(f"gunicorn did not start: {_log_tail(self.log)}")
        return self

    def stop(self) -> None:
        if self.process is not None:
            _kill_group(self.process, signal.SIGTERM)

    def log_text(self, chars: int | None = 20000) -> str:
        """The end of the node's log (all of it with chars=None)."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text if chars is None else text[-chars:]


class CeleryWorker(_Process):
    """A real Celery worker (solo pool) with `env`; `beat=True` embeds the beat scheduler
    (its schedule file beside the log)."""

    def __init__(self, log: Path, env: dict[str, str], *, beat: bool = False):
        self.log, self.env, self.beat = Path(log), env, beat
        self.process: subprocess.Popen | None = None

    def start(self) -> "CeleryWorker":
        extra = ["--beat", "--schedule", str(self.log.with_suffix(".beat"))] if self.beat else []
        offset = self.log.stat().st_size if self.log.exists() else 0
        self.process = worker_start(self.log, *extra, **self.env)

        def ready() -> bool:
            return " ready." in self.log.read_bytes()[offset:].decode(errors="replace")

        if not wait_for(lambda: self.process.poll() is not None or ready(), START_TIMEOUT) or self.process.poll() is not None:
            self.stop()
            raise RuntimeError(f"the worker did not start: {_log_tail(self.log)}")
        return self

    def stop(self) -> None:
        if self.process is not None:
            worker_kill(self.process)


class TwilioStub(_TwilioStub, _Process):
    """The local Twilio Messages API (tests/mfa_sms/twilio_stub.py), in this process on a
    free loopback port; `env()` points a product process's twilio backend at it."""

    def env(self) -> dict[str, str]:
        return {"SMS_BACKEND": "mfa_sms.backends.twilio.SmsBackend", "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
                "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM_NUMBER": "+32460000000",
                "TWILIO_API_BASE_URL": self.url, "TWILIO_TIMEOUT_SECONDS": "5"}


def product_env(*, redis: RedisServer | None = None, broker: RedisServer | None = None,
                twilio: TwilioStub | None = None, **extra: str) -> dict[str, str]:
    """The environment of a product process on this test's database: Redis as cache
    (db 0) and broker (db 1) unless `broker` is another server; tasks through the broker;
    SMS to `twilio`. `extra` adds or overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update({
        "DATABASE_URL": test_database_url(), "DATABASE_CONN_MAX_AGE": "0", "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false", "CELERY_TASK_ALWAYS_EAGER": "false", "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "eulogin.settings",  # the product's own, not the tests
    })
    if redis is not None:
        env["REDIS_URL"] = redis.url(0)
        env["CELERY_BROKER_URL"] = (broker or redis).url(1)
    if twilio is not None:
        env.update(twilio.env())
    env.update(extra)
    return env


class MakeProd(_Process):
    """`make prod` (deploy/local/prod.sh): nginx on HTTPS in front of two gunicorn nodes, a
    worker and beat under honcho, all on free loopback ports, its state in `directory`.
    `env` is the product environment (product_env); `url` the proxy's, `cert` its
    certificate (pass it as `verify`), `nodes` the two gunicorn nodes' URLs."""

    def __init__(self, directory: Path, env: dict[str, str], *, web_workers: int = 1):
        self.directory = Path(directory)
        self.ports = {name: free_port() for name in ("HTTPS_PORT", "WEB1_PORT", "WEB2_PORT")}
        self.env = {**env, **{k: str(v) for k, v in self.ports.items()}, "PROD_DIR": str(self.directory),
                    "WEB_WORKERS": str(web_workers), "WORKER_CONCURRENCY": "1", "SECURE_HSTS_SECONDS": "60",
                    # the nodes outlive a test: they look for its registry rows on every request
                    "READ_CACHE_CHECK_SECONDS": "0"}
        self.url = f"https://{LOOPBACK}:{self.ports['HTTPS_PORT']}"
        self.nodes = [f"http://{LOOPBACK}:{self.ports['WEB1_PORT']}", f"http://{LOOPBACK}:{self.ports['WEB2_PORT']}"]
        self.cert = str(self.directory / "cert.pem")
        self.log = self.directory / "prod.log"
        self.process: subprocess.Popen | None = None

    def ready(self, base: str | None = None) -> bool:
        import requests

        try:
            return requests.get((base or self.url) + "/health/ready", verify=self.cert, timeout=3).status_code == 200
        except requests.RequestException:
            return False

    def start(self) -> "MakeProd":
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(["make", "--no-print-directory", "prod"], cwd=ROOT, env=self.env,
                                        stdout=self.log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)
        if not wait_for(lambda: self.process.poll() is not None
                        or (all(self.ready(n) for n in self.nodes) and self.ready()), 120):
            self.stop()
            raise RuntimeError(f"make prod did not come up: {_log_tail(self.log)}")
        if self.process.poll() is not None:
            raise RuntimeError(f"make prod stopped: {_log_tail(self.log)}")
        return self

    def stop(self) -> None:
        """SIGTERM to make and everything under it (honcho puts its children in their own
        sessions, so they are looked up by parentage), SIGKILL to what is left after 15 s."""
        if self.process is None:
            return
        family = descendants(self.process.pid)
        _kill_group(self.process, signal.SIGTERM)
        for pid in family:
            _signal(pid, signal.SIGTERM)
        if not wait_for(lambda: not any(alive(pid) for pid in family), 15):
            for pid in family:
                _signal(pid, signal.SIGKILL)
            wait_for(lambda: not any(alive(pid) for pid in family), 10)

    def log_text(self) -> str:
        return _log_tail(self.log, 200000)


def _parents() -> dict[int, int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return parents


def descendants(root: int) -> list[int]:
    parents, found, frontier = _parents(), [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found.extend(children)
        frontier = children
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in {"Z", "X"}
    except OSError:
        return False


def _signal(pid: int, sig) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


# --- A person signing in over real HTTP (through a node or the proxy) ---------------------

def _csrf(html: str) -> str:
    import re

    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, html[:2000]
    return found.group(1)


def _follow(session, base: str, response):
    """Follow redirects while they stay on `base`; the last response (a redirect away, or a page)."""
    from urllib.parse import urljoin

    while response.is_redirect:
        target = urljoin(response.url, response.headers["Location"])
        if not target.startswith(base):
            return response
        response = session.get(target, allow_redirects=False, timeout=30)
    return response


def sms_code_wait(twilio: TwilioStub, to: str, seen: int = 0, timeout: float = 30) -> str:
    """The code of the newest SMS the stub accepted for `to`, once more than `seen` arrived."""
    import re

    from tests.mfa_sms.conftest import CODE_RE

    def arrived():
        return len([m for m in twilio.messages if m["to"] == to]) > seen

    assert wait_for(arrived, timeout), f"no SMS to {to} within {timeout}s"
    return re.search(CODE_RE, [m for m in twilio.messages if m["to"] == to][-1]["body"]).group(1)


def sign_in_over_http(session, base: str, *, email: str, password: str, service_url: str,
                      twilio: TwilioStub | None = None, number: str | None = None, between=None) -> str:
    """/cas/login for `service_url` → email → password (with an SMS code from the Twilio stub
    when `number` is given) → back to the service. Returns the service ticket.
    `between(step)` runs before each step ("email", "password", "code", "ticket"): a fault
    test breaks things there."""
    import html
    import re
    from urllib.parse import parse_qs, urlsplit

    from django.urls import reverse

    step = between or (lambda name: None)
    page = _follow(session, base, session.get(base + reverse("cas:login"), params={"service": service_url},
                                              allow_redirects=False, timeout=30))
    assert page.status_code == 200, (page.status_code, page.text[:500])
    # The sign-in form, served by /cas/login in place or by the page it redirected to: its `next`.
    hidden = re.search(r'<input type="hidden" name="next" value="([^"]*)"', page.text)
    next_url = html.unescape(hidden.group(1)) if hidden else parse_qs(urlsplit(page.url).query).get("next", [""])[0]
    step("email")
    page = _follow(session, base, session.post(base + reverse("accounts:login"), allow_redirects=False, timeout=30,
                                               data={"csrfmiddlewaretoken": _csrf(page.text), "email": email,
                                                     "next": next_url}, headers={"Referer": page.url}))
    assert page.status_code == 200, (page.status_code, page.text[:500])
    seen = len([m for m in twilio.messages if m["to"] == number]) if number else 0
    step("password")
    form = {"csrfmiddlewaretoken": _csrf(page.text), "password": password, "method": "PASSWORD"}
    if number:
        form.update({"method": "SMS", "sms-phone": number})
    done = page = _follow(session, base, session.post(page.url, allow_redirects=False, timeout=30, data=form,
                                                      headers={"Referer": page.url}))
    if number:
        assert page.status_code == 200, (page.status_code, page.text[:500])
        code = sms_code_wait(twilio, number, seen)
        step("code")
        done = _follow(session, base, session.post(page.url, allow_redirects=False, timeout=30,
                                                   headers={"Referer": page.url},
                                                   data={"csrfmiddlewaretoken": _csrf(page.text), "action": "verify",
                                                         "code": code}))
    step("ticket")
    assert done.is_redirect, (done.status_code, done.text[:1000])
    ticket = parse_qs(urlsplit(done.headers["Location"]).query).get("ticket", [""])[0]
    assert ticket.startswith("ST-"), done.headers["Location"]
    return ticket


def sso_login_over_http(session, base: str, service_url: str, **kwargs):
    """/cas/login for `service_url` with the session's SSO (its TGC cookie): (the response,
    the service ticket it carried or '')."""
    from urllib.parse import parse_qs, urlsplit

    from django.urls import reverse

    kwargs.setdefault("timeout", 30)
    response = session.get(base + reverse("cas:login"), params={"service": service_url}, allow_redirects=False,
                           **kwargs)
    location = response.headers.get("Location", "") if response.is_redirect else ""
    return response, parse_qs(urlsplit(location).query).get("ticket", [""])[0]


def sso_ticket_over_http(session, base: str, service_url: str, **kwargs) -> str:
    """A service ticket from the session's SSO (its TGC cookie); '' when none came."""
    return sso_login_over_http(session, base, service_url, **kwargs)[1]
