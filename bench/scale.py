#!/usr/bin/env python
"""eulogin at scale: ticket issue and validation on an empty database and on one with
1 000 000 people and 100 000 live SSO sessions seeded, in alternating rounds; and what
those sessions cost in PostgreSQL (and in Redis, where the sessions are cached when
REDIS_URL is set).

Same server settings and load as bench/run.py (its scratch databases are
`<name>_scale_empty_eulogin` and `<name>_scale_eulogin`).
Usage: make bench-scale
Environment: BENCH_USERS (1000000), BENCH_SESSIONS (100000), and those of bench/run.py.
"""

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402

USERS = int(os.environ.get("BENCH_USERS", "1000000"))
SESSIONS = int(os.environ.get("BENCH_SESSIONS", "100000"))
OUTPUT = Path(os.environ.get("BENCH_OUTPUT", HERE / "results" / "scale.json"))
KEYCLOAK_MB_PER_100K_SESSIONS = 500  # Keycloak's sizing guide: about 500 MB per 100 000 sessions
FIGURES = [("issue", "SSO ticket issue (`/cas/login` + TGC → 302)"), ("serviceValidate", "`/serviceValidate`"),
           ("p3", "`/p3/serviceValidate`"), ("tvs", "EU Login `TicketValidationService`")]


def _settle(server: run.Server, *, seconds: float = 120) -> None:
    """Before a measurement: no autovacuum still working through the seeded tables and no
    checkpoint of the bulk load due, so the run measures the database as it is kept, not
    its catch-up after a million-row COPY (both would land in the middle of the run)."""
    import time

    import psycopg

    deadline = time.monotonic() + seconds
    with psycopg.connect(server.database_url, autocommit=True) as connection:
        while time.monotonic() < deadline and connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'").fetchone()[0]:
            time.sleep(1)
        try:
            connection.execute("CHECKPOINT")
        except psycopg.errors.InsufficientPrivilege:
            print("-- (no CHECKPOINT: not a superuser; a checkpoint may fall in the run)", flush=True)


def _measure(empty: run.Server, full: run.Server) -> tuple[dict, dict]:
    """Both databases in alternating rounds (bench/run.py's rounds): a passing load on this
    machine falls on both alike instead of on whichever ran at that moment."""
    _settle(empty)
    _settle(full)
    results = run.bench([empty, full], only=("issue", "validation"))
    return results[empty.key], results[full.key]


def _seed(server: run.Server, what: str, count: int) -> dict:
    print(f"-- seeding {count} {what}", flush=True)
    done = subprocess.run([str(server.python), str(HERE / "scale_seed.py"), what, str(count)], cwd=server.cwd,
                          env=server.env, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"seeding {what} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _mb(value: float) -> str:
    return f"{value / 1e6:.1f} MB"


def main() -> None:
    empty_server, server = run.Server("eulogin", database="scale_empty"), run.Server("eulogin", database="scale")
    print("-- eulogin: preparing an empty database and one to seed", flush=True)
    empty_server.prepare()
    server.prepare()
    empty_server.key = "eulogin_empty"  # the same server on its own database, told apart in the results
    empty_server.label, server.label = "eulogin, empty database", "eulogin, seeded database"
    seeded = {"users": _seed(server, "users", USERS), "sessions": _seed(server, "sessions", SESSIONS)}
    print("-- eulogin: measuring on both, round by round", flush=True)
    empty, full = _measure(empty_server, server)

    per_100k = 100_000 / SESSIONS
    postgresql = sum(seeded["sessions"]["postgresql_bytes"].values()) * per_100k
    redis = seeded["sessions"].get("redis_bytes", 0) * per_100k
    lines = [f"| figure | empty database | {USERS:,} users, {SESSIONS:,} live SSO sessions | ratio | target |",
             "|---|---|---|---|---|"]
    for key, title in FIGURES:
        a, b = empty[key], full[key]
        lines.append(f"| {title} | {a['per_second']:.0f}/s (p99 {a['p99_ms']:.1f} ms) | "
                     f"{b['per_second']:.0f}/s (p99 {b['p99_ms']:.1f} ms) | **{b['per_second'] / a['per_second']:.2f}** "
                     f"| ≥ 0.90 |")
    tables = ", ".join(f"{t} {_mb(v * per_100k)}" for t, v in seeded["sessions"]["postgresql_bytes"].items())
    lines.append(f"| memory per 100 000 live SSO sessions, PostgreSQL | | {_mb(postgresql)} ({tables}) | | "
                 f"Keycloak ≈ {KEYCLOAK_MB_PER_100K_SESSIONS} MB |")
    lines.append(f"| memory per 100 000 live SSO sessions, Redis (cached sessions) | | "
                 f"{_mb(redis) if 'redis_bytes' in seeded['sessions'] else 'no Redis (in-memory cache)'} | | |")
    lines.append(f"| 1 000 000 users, PostgreSQL (table and indexes) | | "
                 f"{_mb(seeded['users']['accounts_user_bytes'] * 1_000_000 / USERS)} | | |")
    settings = (f"gunicorn 2 sync workers, DEBUG off, PostgreSQL, "
                f"{'Redis cache' if os.environ.get('REDIS_URL') else 'in-memory cache'}; concurrency {run.CONCURRENCY}, "
                f"median of {run.RUNS} runs of {run.SECONDS:g} s; {run.CORES} cores; seeded in "
                f"{seeded['users']['seconds'] + seeded['sessions']['seconds']:.0f} s")
    print(f"\n{settings}\n")
    print("\n".join(lines))
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps({"started_at": datetime.now(timezone.utc).isoformat(), "settings": settings,
                                  "users": USERS, "sessions": SESSIONS, "seeded": seeded, "empty": empty,
                                  "full": full}, indent=2))
    print(f"\nraw figures: {OUTPUT}")


if __name__ == "__main__":
    main()
