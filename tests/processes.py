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
    "NEEDS_A_SERVER", "CeleryWorker", "GunicornNode", "RedisServer", "TwilioStub", "free_port", "product_env",
    "wait_for",
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
