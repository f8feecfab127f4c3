"""`make bench` — the README's benchmark command — prints its table and writes its JSON.

A smoke run: eulogin alone (the peers' virtualenvs come from PyPI, which a test does not
need), runs of a fraction of a second. It proves the harness works end to end, and that
anonymous visits to /cas/login write no row; it times nothing.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_harness_prints_the_table_and_writes_the_raw_figures(tmp_path):
    output = tmp_path / "bench.json"
    database = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/eulogin"
    assert database.startswith("postgres"), "the benchmark runs on PostgreSQL"
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "REDIS_URL")}
    env.update(
        DATABASE_URL=re.sub(r"/([^/?]+)(\?|$)", r"/\1_smoke\2", database, count=1), BENCH_SERVERS="eulogin",
        BENCH_SECONDS="0.3", BENCH_RUNS="1", BENCH_WARMUP="0", BENCH_OUTPUT=str(output),
    )
    done = subprocess.run([sys.executable, "bench/run.py"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=240)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    table = done.stdout[done.stdout.index("| figure |"):]
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
