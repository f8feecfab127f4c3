"""A real Celery worker for integration tests: its own process on the Redis broker,
reading and writing the test database (PostgreSQL: SQLite's in-memory test database is
not shared between processes)."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from eulogin.celery import app

ROOT = Path(__file__).resolve().parent.parent

# For the modules whose tests need a worker process.
NEEDS_A_WORKER = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor == "sqlite", reason="a worker process needs a shared database"),
    pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="needs a broker (CELERY_BROKER_URL)"),
]


def test_database_url() -> str:
    """DATABASE_URL of the test database this process uses."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@contextmanager
def tasks_through_the_broker():
    """Tasks sent from this process go to the broker (an emptied queue), not inline."""
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = eager


def worker_start(log: Path, *args: str, **env: str) -> subprocess.Popen:
    """Start `celery worker` (one process, solo pool) on the test database; its output
    goes to `log`. `args` are more command-line options; `env` adds or overrides
    environment variables."""
    environment = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_CONN_MAX_AGE": "0",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "eulogin", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", *args],
        cwd=ROOT, env=environment, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
    )


def worker_kill(worker: subprocess.Popen) -> None:
    """SIGKILL the worker's whole process group, as a crash would."""
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False
