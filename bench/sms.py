#!/usr/bin/env python
"""The SMS figure: from the moment a code's SMS is queued (mfa_sms.delivery.sms_message_queue,
what a sign-in calls) to the moment the provider accepted it, through a real Celery worker
(solo pool, one process) on Redis and the Twilio backend against a local stub of Twilio's
Messages API on loopback (it answers 201 at once, as Twilio does before delivery).

Two runs: one SMS at a time (the latency a person waits for, p50 and p95), then a burst
queued at once (how many SMS one worker hands to the provider per second, and the p95 of
the burst). Nothing is asserted; the figures are printed and written to
bench/results/sms.json.

Usage: make bench-sms
Environment: BENCH_SMS_SEQUENTIAL (50), BENCH_SMS_BURST (300), BENCH_OUTPUT
(bench/results/sms.json), DATABASE_URL as for bench/run.py (database `<name>_sms_eulogin`).
The broker is a redis-server of its own on a free loopback port (nothing on disk), so no
Redis database of anyone else is touched.
"""

import base64
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import run  # noqa: E402

SEQUENTIAL = int(os.environ.get("BENCH_SMS_SEQUENTIAL", "50"))
BURST = int(os.environ.get("BENCH_SMS_BURST", "300"))
OUTPUT = Path(os.environ.get("BENCH_OUTPUT", HERE / "results" / "sms.json"))
ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "bench-auth-token-not-a-secret"
TO = "+32470000000"
TIMEOUT = 120  # seconds any wait may take


class ProviderStub:
    """Twilio's POST /2010-04-01/Accounts/<sid>/Messages.json, answered 201 at once; the
    moment each message was accepted, by its body (the body names the SMS)."""

    def __init__(self):
        self.accepted: dict[str, float] = {}
        self.arrived = threading.Condition()
        stub = self
        expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _send(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # the backend's "was it already accepted?" before a retry
                self._send(200, {"messages": [], "next_page_uri": None, "page": 0, "page_size": 50})

            def do_POST(self):
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
                if self.headers.get("Authorization") != expected:
                    return self._send(401, {"code": 20003, "message": "Authenticate", "status": 401})
                at = time.time()
                with stub.arrived:
                    stub.accepted[form.get("Body", "")] = at
                    stub.arrived.notify_all()
                self._send(201, {"sid": "SM" + uuid.uuid4().hex, "account_sid": ACCOUNT_SID, "to": form.get("To"),
                                 "from": form.get("From"), "body": form.get("Body"), "status": "queued",
                                 "num_segments": "1", "error_code": None, "error_message": None, "price": None})

        self.server = ThreadingHTTPServer((run.HOST, 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://{run.HOST}:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, bodies: list[str]) -> None:
        deadline = time.monotonic() + TIMEOUT
        with self.arrived:
            while not all(b in self.accepted for b in bodies):
                if not self.arrived.wait(max(0.0, deadline - time.monotonic())):
                    raise RuntimeError(f"{sum(b not in self.accepted for b in bodies)} SMS never reached the provider")

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _redis_start(directory: str) -> tuple[subprocess.Popen, str]:
    import redis

    port = run._free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", run.HOST, "--save", "", "--appendonly", "no",
         "--dir", directory], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            if redis.Redis(host=run.HOST, port=port, socket_timeout=0.5).ping():
                return process, f"redis://{run.HOST}:{port}/0"
        except redis.RedisError:
            if time.monotonic() > deadline or process.poll() is not None:
                _stop(process)
                raise RuntimeError("redis-server did not start") from None
            time.sleep(0.1)


def _worker_start(env: dict, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "eulogin", "worker", "--pool=solo", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=run.ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)
    return process


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def _summary(latencies: list[float], **extra) -> dict:
    return {"count": len(latencies), "p50_ms": round(statistics.median(latencies) * 1000, 2),
            "p95_ms": round(_percentile(latencies, 95) * 1000, 2), "max_ms": round(max(latencies) * 1000, 2), **extra}


def main() -> None:
    server = run.Server("eulogin", database="sms")
    server.prepare()
    stub = ProviderStub()
    workdir = tempfile.mkdtemp(prefix="bench-sms-")
    redis_process, broker = _redis_start(workdir)
    env = {**server.env, "CELERY_TASK_ALWAYS_EAGER": "false", "CELERY_BROKER_URL": broker,
           "SMS_BACKEND": "mfa_sms.backends.twilio.SmsBackend", "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
           "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM_NUMBER": "+32460000000", "TWILIO_API_BASE_URL": stub.url,
           "TWILIO_TIMEOUT_SECONDS": "5", "TWILIO_STATUS_CALLBACK_URL": ""}
    os.environ.update(env)
    log = Path(workdir, "worker.log")
    worker = _worker_start(env, log)
    try:
        import django

        django.setup()
        from mfa_sms.delivery import sms_message_queue
        from mfa_sms.models import SmsMessage

        def queue(label: str) -> tuple[str, float]:
            body = f"Your EU Login code is 000000 ({label})"
            queued_at = time.time()
            sms_message_queue(to=TO, body=body, redacted_body="Your EU Login code is ****** ", user=None)
            return body, queued_at

        # The worker is up once it sent a first SMS (its start-up sweep runs too).
        first, _ = queue("warm-up")
        stub.wait([first])

        print(f"-- one SMS at a time: {SEQUENTIAL}", flush=True)
        sequential = []
        for n in range(SEQUENTIAL):
            body, queued_at = queue(f"s{n}")
            stub.wait([body])
            sequential.append(stub.accepted[body] - queued_at)

        print(f"-- a burst of {BURST} queued at once", flush=True)
        burst = [queue(f"b{n}") for n in range(BURST)]
        stub.wait([body for body, _ in burst])
        burst_latencies = [stub.accepted[body] - queued_at for body, queued_at in burst]
        span = max(stub.accepted[body] for body, _ in burst) - burst[0][1]
        # The worker records the provider's answer right after it: every row says sent.
        total, deadline = 1 + SEQUENTIAL + BURST, time.monotonic() + 10
        while (sent := SmsMessage.objects.filter(status=SmsMessage.Status.SENT).count()) < total:
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
    finally:
        _stop(worker)
        _stop(redis_process)
        stub.stop()

    results = {
        "settings": "one Celery worker (solo pool) on its own redis-server, Twilio backend against a loopback "
                    f"stub, PostgreSQL; {run.CORES} cores",
        "sequential": _summary(sequential),
        "burst": _summary(burst_latencies, seconds=round(span, 3), per_second_per_worker=round(BURST / span, 1)),
        "sent": sent,
    }
    print()
    print(results["settings"])
    print()
    print("| figure | value |")
    print("|---|---|")
    s, b = results["sequential"], results["burst"]
    print(f"| SMS queued → provider accepted, one at a time | p50 {s['p50_ms']:.1f} ms, p95 {s['p95_ms']:.1f} ms "
          f"({s['count']} SMS) |")
    print(f"| SMS per second, one worker (burst of {b['count']}) | {b['per_second_per_worker']:.1f}/s "
          f"(p95 queued → accepted {b['p95_ms']:.0f} ms) |")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(results, indent=2))
    print(f"\nraw figures: {OUTPUT}")


if __name__ == "__main__":
    main()
