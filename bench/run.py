#!/usr/bin/env python
"""Benchmarks of eulogin: figures printed, nothing asserted.

Starts eulogin under gunicorn (production settings but plain HTTP) against PostgreSQL and
Redis when DATABASE_URL / REDIS_URL are set (a scratch database `<name>_bench` is created),
SQLite otherwise, then measures over real HTTP on loopback:

1. a password sign-in, end to end (two steps, real Argon2 cost);
2. /cas/login for a signed-in browser: a service ticket issued from the SSO session;
3. /cas/p3/serviceValidate: ticket validation with attributes;
4. anonymous /cas/login visits: how many rows they write (it must be none).

Usage: make bench  (BENCH_REQUESTS=400 BENCH_CONCURRENCY=4 to change the load)
"""

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
SIGNINS = int(os.environ.get("BENCH_SIGNINS", "20"))
PASSWORD = "bench password not a secret"
SERVICE = "https://bench.example.org/app"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(tmp: Path) -> tuple[dict, str]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "REDIS_URL")}
    database = os.environ.get("DATABASE_URL", "")
    if database.startswith("postgres"):
        database = re.sub(r"/([^/?]+)(\?|$)", lambda m: f"/{m.group(1)}_bench{m.group(2)}", database, count=1)
        engine = "PostgreSQL"
    else:
        database, engine = f"sqlite:///{tmp / 'bench.sqlite3'}", "SQLite"
    env.update(
        DATABASE_URL=database, SECRET_KEY="bench-only-" + "x" * 40, ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false", SESSION_COOKIE_SECURE="false", CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0", STATIC_MANIFEST="false", CELERY_TASK_ALWAYS_EAGER="true", CELERY_BROKER_URL="",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        SMS_BACKEND="mfa_sms.backends.locmem.SmsBackend", LOG_LEVEL="WARNING",
    )
    cache = "Redis" if env.get("REDIS_URL") else "in-memory cache"
    return env, f"{engine}, {cache}"


def _prepare(env: dict) -> None:
    if env["DATABASE_URL"].startswith("postgres"):
        name = urlsplit(env["DATABASE_URL"]).path.lstrip("/")
        admin = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
        script = (f"import psycopg\nwith psycopg.connect({admin!r}, autocommit=True) as c:\n"
                  f"    c.execute('DROP DATABASE IF EXISTS {name}'); c.execute('CREATE DATABASE {name}')\n")
        subprocess.run([sys.executable, "-c", script], check=True, env=env)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    seed = f"""
from accounts.models import User
from cas_server.models import Service
User.objects.create_user("bench@example.org", {PASSWORD!r}, first_name="Bench", last_name="User")
Service.objects.create(name="Bench", pattern="https://bench.example.org/", released_attributes=["email", "firstName"])
"""
    subprocess.run([sys.executable, "manage.py", "shell", "-c", seed], cwd=ROOT, env=env, check=True)


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def sign_in(base: str, http: requests.Session) -> float:
    started = time.perf_counter()
    page = http.get(f"{base}/account/login/")
    step = http.post(f"{base}/account/login/", data={"csrfmiddlewaretoken": _csrf(page.text), "email": "bench@example.org"},
                     headers={"Referer": page.url})
    done = http.post(step.url, data={"csrfmiddlewaretoken": _csrf(step.text), "password": PASSWORD, "method": "PASSWORD"},
                     headers={"Referer": step.url}, allow_redirects=False)
    assert done.status_code == 302, done.status_code
    return time.perf_counter() - started


def issue_ticket(base: str, http: requests.Session) -> str:
    response = http.get(f"{base}/cas/login", params={"service": SERVICE}, allow_redirects=False)
    return parse_qs(urlsplit(response.headers["Location"]).query)["ticket"][0]


def _timed(fn, *args) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result


def _report(name: str, seconds: list[float], wall: float) -> None:
    ordered = sorted(seconds)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(f"{name:<46} {len(seconds) / wall:8.1f} req/s   p50 {statistics.median(ordered) * 1000:7.1f} ms"
          f"   p95 {p95 * 1000:7.1f} ms   (n={len(seconds)})")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env, where = _environment(Path(tmp))
        _prepare(env)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "eulogin.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--threads", "2", "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    requests.get(f"{base}/account/login/", timeout=2)
                    break
                except requests.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            print(f"eulogin under gunicorn (2 workers x 2 threads) on {where}; {os.cpu_count()} CPUs; "
                  f"concurrency {CONCURRENCY}")

            times = [sign_in(base, requests.Session()) for _ in range(SIGNINS)]
            _report("password sign-in, 2 steps (Argon2id)", times, sum(times))

            browsers = [requests.Session() for _ in range(CONCURRENCY)]
            for http in browsers:
                sign_in(base, http)
                issue_ticket(base, http)  # opens the SSO session
            with ThreadPoolExecutor(CONCURRENCY) as pool:
                started = time.perf_counter()
                results = list(pool.map(lambda i: _timed(issue_ticket, base, browsers[i % CONCURRENCY]), range(REQUESTS)))
                wall = time.perf_counter() - started
            _report("/cas/login with SSO -> service ticket", [t for t, _ in results], wall)

            tickets = [ticket for _, ticket in results]
            validator = requests.Session()

            def validate(ticket: str) -> float:
                started = time.perf_counter()
                response = validator.get(f"{base}/cas/p3/serviceValidate", params={"service": SERVICE, "ticket": ticket})
                assert b"authenticationSuccess" in response.content, response.content[:200]
                return time.perf_counter() - started

            with ThreadPoolExecutor(CONCURRENCY) as pool:
                started = time.perf_counter()
                times = list(pool.map(validate, tickets))
                wall = time.perf_counter() - started
            _report("/cas/p3/serviceValidate (attributes)", times, wall)

            count = """
from django.contrib.sessions.models import Session
from cas_server.models import ServiceTicket, SsoSession
print(Session.objects.count() + ServiceTicket.objects.count() + SsoSession.objects.count())
"""
            before = subprocess.run([sys.executable, "manage.py", "shell", "-c", count], cwd=ROOT, env=env,
                                    capture_output=True, text=True, check=True).stdout.split()[-1]
            anonymous = requests.Session()
            with ThreadPoolExecutor(CONCURRENCY) as pool:
                started = time.perf_counter()
                times = list(pool.map(lambda _: _timed(lambda: requests.get(
                    f"{base}/cas/login", params={"service": SERVICE}, allow_redirects=False))[0], range(REQUESTS)))
                wall = time.perf_counter() - started
            after = subprocess.run([sys.executable, "manage.py", "shell", "-c", count], cwd=ROOT, env=env,
                                   capture_output=True, text=True, check=True).stdout.split()[-1]
            _report("anonymous /cas/login (redirect to sign-in)", times, wall)
            print(f"{'rows written by those anonymous visits':<46} {int(after) - int(before):8d}")
            anonymous.close()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
