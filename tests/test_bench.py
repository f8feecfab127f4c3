"""The README's benchmark commands work as written: `make bench`, `make bench-scale`,
`make bench-sms`, bench/profile.py and bench/worker_cpu.py, each in a smoke run.

eulogin alone (the peers' virtualenvs come from PyPI, which a test does not need), runs of
a fraction of a second, a few hundred rows seeded. They prove the harness end to end, and
that anonymous visits to /cas/login write no row; nothing is timed.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _environment(**extra) -> dict:
    database = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/eulogin"
    assert database.startswith("postgres"), "the benchmark runs on PostgreSQL"
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "REDIS_URL")}
    env.update(DATABASE_URL=re.sub(r"/([^/?]+)(\?|$)", r"/\1_smoke\2", database, count=1), BENCH_SERVERS="eulogin",
               BENCH_SECONDS="0.3", BENCH_RUNS="1", BENCH_WARMUP="0", **extra)
    return env


def _run(command: list[str], env: dict) -> str:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return done.stdout


def test_make_bench_prints_the_table_and_writes_the_raw_figures(tmp_path):
    output = tmp_path / "bench.json"
    stdout = _run(["make", "bench"], _environment(BENCH_OUTPUT=str(output)))
    table = stdout[stdout.index("| figure |"):]
    for title in ("SSO ticket issue", "`/serviceValidate`", "`/p3/serviceValidate`", "TicketValidationService",
                  "anonymous `/cas/login`", "full password sign-in", "sign-ins per second per core"):
        assert re.search(rf"^\| [^|]*{re.escape(title)}[^|]* \| \S", table, re.MULTILINE), title

    figures = json.loads(output.read_text())["servers"]["eulogin"]["figures"]
    for name in ("issue", "serviceValidate", "p3", "tvs", "anonymous", "signin_c1", "signin_c4"):
        assert figures[name]["requests"] > 0 and figures[name]["errors"] == 0, name
        assert figures[name]["per_second"] > 0 and figures[name]["p99_ms"] > 0, name
    assert figures["anonymous"]["rows_written"] == 0
    assert figures["hash_check"]["algorithm"] == "argon2"
    assert figures["signin_c1"]["over_hash"] > 0


def test_make_bench_scale_seeds_people_and_sessions_and_compares(tmp_path):
    output = tmp_path / "scale.json"
    stdout = _run(["make", "bench-scale"], _environment(BENCH_OUTPUT=str(output), BENCH_USERS="300",
                                                        BENCH_SESSIONS="100"))
    assert "| SSO ticket issue" in stdout and "memory per 100 000 live SSO sessions, PostgreSQL" in stdout
    raw = json.loads(output.read_text())
    assert raw["seeded"]["users"]["users"] == 300 and raw["seeded"]["sessions"]["sessions"] == 100
    assert all(size > 0 for size in raw["seeded"]["sessions"]["postgresql_bytes"].values())
    for name in ("issue", "serviceValidate", "p3", "tvs"):
        assert raw["empty"][name]["per_second"] > 0 and raw["full"][name]["per_second"] > 0, name


def test_profile_lists_the_queries_of_a_hot_path():
    stdout = _run([sys.executable, "bench/profile.py", "anonymous"], _environment(PROFILE_REPEAT="2"))
    assert re.search(r"===== anonymous: \d+ queries", stdout)
    assert "Duration" in stdout  # pyinstrument's report


def test_make_bench_sms_sends_through_a_worker_and_reports_latency_and_rate(tmp_path):
    output = tmp_path / "sms.json"
    stdout = _run(["make", "bench-sms"], _environment(BENCH_OUTPUT=str(output), BENCH_SMS_SEQUENTIAL="3",
                                                      BENCH_SMS_BURST="5"))
    assert "| SMS queued → provider accepted, one at a time | p50 " in stdout
    assert "| SMS per second, one worker (burst of 5) |" in stdout
    raw = json.loads(output.read_text())
    assert raw["sequential"]["count"] == 3 and raw["sequential"]["p95_ms"] > 0
    assert raw["burst"]["count"] == 5 and raw["burst"]["per_second_per_worker"] > 0
    assert raw["sent"] == 3 + 5 + 1  # and the warm-up: every SMS queued reached the provider, recorded as sent


def test_worker_cpu_compares_checkouts_round_by_round():
    readme = _run([".venv/bin/python", "bench/worker_cpu.py"], _environment(WORKER_CPU_ROUNDS="1",
                                                                          WORKER_CPU_SECONDS="0.3"))
    assert re.search(rf"^round 1 {re.escape(str(ROOT))}: anonymous /cas/login, worker CPU", readme, re.M)
    # Two checkouts to compare (this one twice), round by round.
    stdout = _run([".venv/bin/python", "bench/worker_cpu.py", str(ROOT), "."],
                  _environment(WORKER_CPU_ROUNDS="2", WORKER_CPU_SECONDS="0.3"))
    lines = re.findall(r"^round (\d) (\S+): anonymous /cas/login, worker CPU ([0-9.]+) ms a request, (\d+)/s$",
                       stdout, re.M)
    assert [(n, path) for n, path, _cpu, _rate in lines] == [("1", str(ROOT)), ("1", str(ROOT)),
                                                             ("2", str(ROOT)), ("2", str(ROOT))]
    assert all(float(cpu) > 0 and int(rate) > 0 for _n, _path, cpu, rate in lines)
