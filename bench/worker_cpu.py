#!/usr/bin/env python
"""The CPU one gunicorn worker spends per anonymous /cas/login, for one or more checkouts
side by side, in alternating rounds: the figure to compare two versions of the code on a
machine whose throughput varies more between runs than one change moves it.

One worker, one client (bench/loadgen.py), the bench settings of bench/run.py; the worker's
CPU is read from /proc before and after each 5-second run.

Usage: .venv/bin/python bench/worker_cpu.py [CHECKOUT ...]   (default: this one)
Environment: WORKER_CPU_ROUNDS (3), WORKER_CPU_SECONDS (5), and those of bench/run.py.
"""

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402
from loadgen import closed_loop  # noqa: E402

ROUNDS = int(os.environ.get("WORKER_CPU_ROUNDS", "3"))
SECONDS = float(os.environ.get("WORKER_CPU_SECONDS", "5"))


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(checkout: Path, server: run.Server) -> tuple[float, float]:
    """(worker CPU ms per request, requests per second) of one run on `checkout`."""
    process = subprocess.Popen(
        [str(checkout / ".venv" / "bin" / "python"), "-m", "gunicorn", "eulogin.wsgi", "--bind",
         f"{run.HOST}:{server.port}", "--workers", "1", "--worker-class", "sync", "--log-level", "warning"],
        cwd=checkout, env=server.env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not (children := Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()):
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start a worker")
            time.sleep(0.2)
        worker = int(children[0])
        target = "/cas/login?service=" + quote(run.SERVICE, safe="")

        async def anonymous() -> bool:
            return (await server.client().get(target)).status == 200

        async def timed():
            deadline = time.monotonic() + 60
            while True:  # the worker answers once Django is loaded
                try:
                    if await anonymous():
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the worker never answered")
                await asyncio.sleep(0.2)
            await closed_loop([anonymous], 1)
            before = _cpu_seconds(worker)
            result = await closed_loop([anonymous], SECONDS)
            return (_cpu_seconds(worker) - before) / len(result.latencies) * 1000, result.rate

        return asyncio.run(timed())
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def main(checkouts: list[Path]) -> None:
    server = run.Server("eulogin", database="worker_cpu")
    server.prepare()
    for number in range(1, ROUNDS + 1):
        for checkout in checkouts:
            cpu, rate = measure(checkout, server)
            print(f"round {number} {checkout}: anonymous /cas/login, worker CPU {cpu:.2f} ms a request, {rate:.0f}/s",
                  flush=True)


if __name__ == "__main__":
    main([Path(p).resolve() for p in sys.argv[1:]] or [run.ROOT])
