#!/usr/bin/env python
"""eulogin beside django-cas-server and django-mama-cas: figures printed as ratios, nothing asserted.

One server at a time, each with the same settings: gunicorn with 2 sync workers, DEBUG off,
PostgreSQL (each server its own scratch database, `<name>_bench_<server>`), the Redis cache
when REDIS_URL is set, Argon2 passwords, service tickets valid 10 minutes so a pool of them
can be validated. The peers are installed from PyPI into their own virtualenvs
(bench/peers.py). The load comes from bench/loadgen.py at concurrency 4 over loopback; every
figure is the median of 3 runs of 6 s, the runs taken in rounds over the servers.

Figures: SSO ticket issue (/cas/login with the TGC → 302), /serviceValidate,
/p3/serviceValidate, EU Login's TicketValidationService (beside the peers' serviceValidate),
anonymous /cas/login to the sign-in form (and the rows it writes), the full password sign-in
at concurrency 1 (p50 ÷ one password-hash check with the same hasher), and sign-ins per second
per core at concurrency 4 (beside Keycloak's published 15 per vCPU).

Usage: make bench
Environment: BENCH_SECONDS (6), BENCH_RUNS (3), BENCH_CONCURRENCY (4), BENCH_WARMUP (1 s),
BENCH_SERVERS (cas_server,mama_cas,eulogin), BENCH_OUTPUT (bench/results/bench.json),
DATABASE_URL (postgres://postgres@127.0.0.1:5432/eulogin), REDIS_URL (none: in-memory cache).
"""

import asyncio
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import deque
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import psycopg

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from loadgen import Client, Run, closed_loop, credentials_form, form_action, form_fields  # noqa: E402
from peers import PEERS, SITE, peer_environment, venv_python  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "6"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
WARMUP = float(os.environ.get("BENCH_WARMUP", "1"))
SERVERS = [s for s in os.environ.get("BENCH_SERVERS", "cas_server,mama_cas,eulogin").split(",") if s]
OUTPUT = Path(os.environ.get("BENCH_OUTPUT", HERE / "results" / "bench.json"))
DATABASE_URL = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/eulogin"
HOST = "127.0.0.1"
USERNAME = "bench@example.org"
PASSWORD = "bench password not a secret"
SERVICE = "https://bench.example.org/app"
TICKET_SECONDS = 600
KEYCLOAK_LOGINS_PER_VCPU = 15  # Keycloak's sizing guide: password logins per second per vCPU
CORES = os.cpu_count() or 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _database_url(suffix: str) -> str:
    return re.sub(r"/([^/?]+)(\?|$)", lambda m: f"/{m.group(1)}_{suffix}{m.group(2)}", DATABASE_URL, count=1)


def _database_recreate(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _base_environment() -> dict:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "REDIS_URL")}
    env.update(SECRET_KEY="bench-only-" + "x" * 40, BENCH_USERNAME=USERNAME, BENCH_PASSWORD=PASSWORD,
               BENCH_SERVICE=SERVICE, BENCH_TICKET_SECONDS=str(TICKET_SECONDS))
    return env


HASH_CHECK = """
import json, statistics, time, django
django.setup()
from django.contrib.auth.hashers import check_password, get_hasher, make_password
hasher = get_hasher()
encoded = make_password("a password of some length")
times = []
for _ in range(7):
    started = time.perf_counter()
    assert check_password("a password of some length", encoded)
    times.append(time.perf_counter() - started)
params = {k: getattr(hasher, k) for k in ("time_cost", "memory_cost", "parallelism", "iterations") if hasattr(hasher, k)}
print(json.dumps({"algorithm": hasher.algorithm, "params": params, "seconds": statistics.median(times)}))
"""


class Server:
    """One CAS server under gunicorn, on its own scratch database."""

    def __init__(self, key: str, *, database: str = "bench"):
        self.key = key
        self.database_url = _database_url(f"{database}_{key}")
        env = {**_base_environment(), "DATABASE_URL": self.database_url}
        if key == "eulogin":
            self.label, self.python, self.cwd, self.wsgi = "eulogin", Path(sys.executable), ROOT, "eulogin.wsgi"
            env.update(
                DJANGO_SETTINGS_MODULE="eulogin.settings", ALLOWED_HOSTS=HOST, SECURE_SSL_REDIRECT="false",
                SESSION_COOKIE_SECURE="false", CSRF_COOKIE_SECURE="false", SECURE_HSTS_SECONDS="0",
                STATIC_MANIFEST="false", CELERY_TASK_ALWAYS_EAGER="true", CELERY_BROKER_URL="",
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                SMS_BACKEND="mfa_sms.backends.locmem.SmsBackend", LOG_LEVEL="WARNING",
                CAS_SERVICE_TICKET_SECONDS=str(TICKET_SECONDS),
            )
            self.validations = {"serviceValidate": "/cas/serviceValidate", "p3": "/cas/p3/serviceValidate",
                                "tvs": "/cas/TicketValidationService"}
        else:
            self.label, self.python, self.cwd, self.wsgi = PEERS[key]["label"], venv_python(key), SITE, "peer_site.wsgi"
            env = peer_environment(key, env)
            self.validations = {"serviceValidate": "/cas/serviceValidate", "p3": "/cas/p3/serviceValidate"}
        self.env = env
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    def _django(self, code: str) -> str:
        return subprocess.run([str(self.python), "-c", code], cwd=self.cwd, env=self.env, check=True,
                              capture_output=True, text=True).stdout

    def prepare(self) -> None:
        _database_recreate(self.database_url)
        if self.key == "eulogin":
            subprocess.run([str(self.python), "manage.py", "migrate", "-v", "0"], cwd=self.cwd, env=self.env, check=True)
            self._django(
                "import django; django.setup()\n"
                "from accounts.models import User\nfrom cas_server.models import Service\n"
                f"User.objects.create_user({USERNAME!r}, {PASSWORD!r}, first_name='Bench', last_name='User')\n"
                "Service.objects.create(name='Bench', pattern='https://bench.example.org/', "
                "released_attributes=['email', 'firstName'])\n"
            )
        else:
            subprocess.run([str(self.python), "-m", "django", "migrate", "-v", "0"], cwd=self.cwd, env=self.env,
                           check=True)
            subprocess.run([str(self.python), str(SITE / "peer_site" / "seed.py")], cwd=self.cwd, env=self.env,
                           check=True)

    def hash_check(self) -> dict:
        return json.loads(self._django(HASH_CHECK).strip().splitlines()[-1])

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(self.python), "-m", "gunicorn", self.wsgi, "--bind", f"{HOST}:{self.port}", "--workers", "2",
             "--worker-class", "sync", "--log-level", "warning"],
            cwd=self.cwd, env=self.env, start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection((HOST, self.port), timeout=1) as s:
                    s.sendall(b"GET /cas/login HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    if s.recv(16).startswith(b"HTTP/"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"{self.label} did not start")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def rows(self) -> int:
        """Every row of every table of this server's database."""
        with psycopg.connect(self.database_url) as connection:
            tables = [r[0] for r in connection.execute(
                "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'")]
            return sum(connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)

    def client(self) -> Client:
        return Client(HOST, self.port)


# --- The browser and relying-service steps ------------------------------------------------

def ticket_of(location: str) -> str | None:
    if not location.startswith(SERVICE):
        return None
    values = parse_qs(urlsplit(location).query).get("ticket")
    return values[0] if values else None


async def sign_in(client: Client) -> str:
    """A person arriving from the service: /cas/login, every form of the sign-in, back to the
    service with a ticket. Returns the ticket."""
    target = "/cas/login?service=" + quote(SERVICE, safe="")
    response = await client.get(target)
    for _ in range(12):
        if response.status in (301, 302, 303):
            location = response.header("location")
            ticket = ticket_of(location)
            if ticket:
                return ticket
            parts = urlsplit(location)
            if parts.netloc and parts.netloc != f"{HOST}:{client.port}":
                raise RuntimeError(f"redirected away to {location}")
            target = location if location.startswith("/") else parts.path + (f"?{parts.query}" if parts.query else "")
            response = await client.get(target)
            continue
        if response.status != 200 or "<form" not in response.text:
            raise RuntimeError(f"sign-in stopped at {target}: HTTP {response.status}")
        index = credentials_form(response.text)
        fields = form_fields(response.text, index)
        for name in fields:
            if name in ("email", "username"):
                fields[name] = USERNAME
            elif name == "password":
                fields[name] = PASSWORD
        action = form_action(response.text, index) or target
        target = action
        response = await client.post(action, fields, headers={"Referer": f"http://{HOST}:{client.port}{target}"})
    raise RuntimeError("sign-in did not end")


def _median_run(runs: list[Run]) -> dict:
    by_rate = sorted(runs, key=lambda r: r.rate)
    middle = by_rate[len(by_rate) // 2]
    return {
        **middle.summary(),
        "per_second": round(statistics.median(r.rate for r in runs), 1),
        "p50_ms": round(statistics.median(r.p50 for r in runs) * 1000, 2),
        "p99_ms": round(statistics.median(r.percentile(99) for r in runs) * 1000, 2),
        "runs": [r.summary() for r in runs],
    }


def _check(run: Run, what: str) -> None:
    if run.errors or not run.latencies:
        raise RuntimeError(f"{what}: {run.errors} errors, {len(run.latencies)} successes; {run.first_error}")


FIGURES = ("issue", "validation", "anonymous", "signin")


class Bench:
    """The runs of one server, gathered over the rounds: each round starts the server,
    runs every figure once and stops it, so that the load of a shared machine spreads over
    every server alike rather than falling on whichever ran at that moment."""

    def __init__(self, server: Server, only: tuple[str, ...] = FIGURES):
        self.server, self.only = server, only
        self.runs: dict[str, list[Run]] = {}
        self.hash_checks: list[dict] = []
        self.over_hash: list[float] = []
        self.rows_written = 0
        self.tickets: deque[str] = deque()
        self.browsers: list[Client] = []

    def _add(self, figure: str, run: Run) -> Run:
        _check(run, f"{self.server.label} {figure}")
        self.runs.setdefault(figure, []).append(run)
        return run

    def _issuer(self, browser: Client):
        service = quote(SERVICE, safe="")

        async def issue() -> bool:
            response = await browser.get(f"/cas/login?service={service}")
            ticket = ticket_of(response.header("location")) if response.status == 302 else None
            if ticket:
                self.tickets.append(ticket)
            return bool(ticket)
        return issue

    async def round(self) -> None:
        server, service = self.server, quote(SERVICE, safe="")
        if not self.browsers:
            self.browsers = [server.client() for _ in range(CONCURRENCY)]
            for browser in self.browsers:
                await sign_in(browser)
        issuers = [self._issuer(b) for b in self.browsers]
        if WARMUP:
            await closed_loop(issuers, WARMUP)
        self._add("issue", await closed_loop(issuers, SECONDS))

        validator = server.client()  # a relying service: no cookies
        for figure, path in server.validations.items() if "validation" in self.only else ():
            done = self.runs.get(figure, [])
            estimate = max([2 * self.runs["issue"][-1].rate, 50.0, *(r.rate for r in done)])
            needed = int(estimate * (SECONDS + WARMUP) * 1.3) + CONCURRENCY
            if len(self.tickets) < needed:
                await closed_loop(issuers, 3600, max_requests=needed - len(self.tickets))

            async def validate(path=path) -> bool | None:
                if not self.tickets:
                    return None  # the pool ran dry: the run ends, its rate stays right
                ticket = self.tickets.popleft()
                response = await validator.get(f"{path}?service={service}&ticket={ticket}")
                return response.status == 200 and b"authenticationSuccess" in response.body

            if WARMUP:
                await closed_loop([validate] * CONCURRENCY, WARMUP)
            self._add(figure, await closed_loop([validate] * CONCURRENCY, SECONDS))

        if "anonymous" in self.only:
            async def anonymous() -> bool:
                client = server.client()
                response = await client.get(f"/cas/login?service={service}")
                for _ in range(3):
                    if response.status not in (301, 302, 303):
                        break
                    response = await client.get(response.header("location"))
                return response.status == 200 and "<form" in response.text

            if WARMUP:
                await closed_loop([anonymous] * CONCURRENCY, WARMUP)
            before = server.rows()
            self._add("anonymous", await closed_loop([anonymous] * CONCURRENCY, SECONDS))
            self.rows_written += server.rows() - before

        if "signin" in self.only:
            async def full_sign_in() -> bool:
                return bool(await sign_in(server.client()))

            # One hash check with the server's own hasher, in its own environment, right
            # before the sign-ins it is compared with.
            self.hash_checks.append(server.hash_check())
            run = self._add("signin_c1", await closed_loop([full_sign_in], SECONDS))
            self.over_hash.append(run.p50 / self.hash_checks[-1]["seconds"])
            self._add("signin_c4", await closed_loop([full_sign_in] * CONCURRENCY, SECONDS))

    def figures(self) -> dict:
        figures = {name: _median_run(runs) for name, runs in self.runs.items()}
        if "anonymous" in figures:
            figures["anonymous"]["rows_written"] = self.rows_written
        if "signin_c1" in figures:
            figures["hash_check"] = {**self.hash_checks[0],
                                     "seconds": statistics.median(h["seconds"] for h in self.hash_checks),
                                     "runs": [h["seconds"] for h in self.hash_checks]}
            figures["signin_c1"]["over_hash"] = round(statistics.median(self.over_hash), 3)
            figures["signin_c1"]["over_hash_runs"] = [round(x, 3) for x in self.over_hash]
            figures["signin_c4"]["per_core"] = round(figures["signin_c4"]["per_second"] / CORES, 2)
        return figures


def bench(servers: list[Server], only: tuple[str, ...] = FIGURES) -> dict[str, dict]:
    """RUNS rounds over every server, one server running at a time."""
    benches = [Bench(server, only) for server in servers]
    for number in range(1, RUNS + 1):
        for one in benches:
            print(f"-- round {number}/{RUNS}: {one.server.label}", flush=True)
            one.server.start()
            try:
                asyncio.run(one.round())
            finally:
                one.server.stop()
    return {one.server.key: one.figures() for one in benches}


# --- The table ------------------------------------------------------------------------------

ROWS = [
    ("issue", "SSO ticket issue (`/cas/login` + TGC → 302)", "≥ 2"),
    ("serviceValidate", "`/serviceValidate`", "≥ 2"),
    ("p3", "`/p3/serviceValidate`", "≥ 2"),
    ("tvs", "EU Login `TicketValidationService` (peers: their `/serviceValidate`)", "≥ 2"),
    ("anonymous", "anonymous `/cas/login` to the form", "≥ 1, 0 rows"),
    ("signin_c1", "full password sign-in, conc. 1: p50 ÷ one hash check", "≤ 1.05"),
    ("signin_c4", "sign-ins per second per core, conc. 4", "Keycloak: 15/s per vCPU"),
]


def _cell(key: str, row: str, figures: dict) -> tuple[str, float | None]:
    """The text of one cell and the number compared across servers."""
    if row == "tvs" and "tvs" not in figures:
        row, prefix = "serviceValidate", "sV "
    else:
        prefix = ""
    f = figures.get(row)
    if f is None:
        return "—", None
    if row == "signin_c1":
        return (f"{f['over_hash']:.2f} ({f['p50_ms']:.0f} ÷ {figures['hash_check']['seconds'] * 1000:.0f} ms, "
                f"p99 {f['p99_ms']:.0f} ms)", f["over_hash"])
    if row == "signin_c4":
        return f"{f['per_core']:.1f}/s/core (p99 {f['p99_ms']:.0f} ms)", f["per_core"]
    text = f"{prefix}{f['per_second']:.0f}/s (p99 {f['p99_ms']:.1f} ms)"
    if row == "anonymous":
        text += f", {f['rows_written']} rows"
    return text, f["per_second"]


def table(results: dict) -> str:
    peers = [k for k in PEERS if k in results]
    header = ["figure", *(results[k]["label"] for k in peers), "eulogin", "eulogin ÷ best peer", "target"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row, title, target in ROWS:
        cells, ours = [], None
        best = None
        for key in peers:
            text, value = _cell(key, row, results[key]["figures"])
            cells.append(text)
            if value is not None:
                better = min if row == "signin_c1" else max
                best = value if best is None else better(best, value)
        if "eulogin" in results:
            text, ours = _cell("eulogin", row, results["eulogin"]["figures"])
        else:
            text = "—"
        ratio = f"**{ours / best:.2f}**" if ours is not None and best else "—"
        if row == "signin_c4" and ours is not None:
            target = f"Keycloak 15/s per vCPU (eulogin ÷ Keycloak: {ours / KEYCLOAK_LOGINS_PER_VCPU:.2f})"
        lines.append("| " + " | ".join([title, *cells, text, ratio, target]) + " |")
    return "\n".join(lines)


def main() -> None:
    started = datetime.now(timezone.utc)
    servers = [Server(key) for key in SERVERS]
    for server in servers:
        print(f"-- {server.label}: preparing", flush=True)
        server.prepare()
    results = {key: {"label": server.label, "figures": figures}
               for server, (key, figures) in zip(servers, bench(servers).items(), strict=True)}
    settings = (f"gunicorn 2 sync workers, DEBUG off, PostgreSQL ({DATABASE_URL.rsplit('@', 1)[-1].rsplit('/', 1)[0]}), "
                f"{'Redis cache' if os.environ.get('REDIS_URL') else 'in-memory cache'}; concurrency {CONCURRENCY}, "
                f"median of {RUNS} runs of {SECONDS:g} s; {CORES} cores")
    print()
    print(settings)
    print()
    print(table(results))
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps({
        "started_at": started.isoformat(), "settings": settings, "cores": CORES, "seconds": SECONDS, "runs": RUNS,
        "concurrency": CONCURRENCY, "keycloak_logins_per_vcpu": KEYCLOAK_LOGINS_PER_VCPU, "servers": results,
    }, indent=2))
    print(f"\nraw figures: {OUTPUT}")


if __name__ == "__main__":
    main()
