"""Run one callable from several threads at once (each with its own database connection),
for the single-use-under-concurrency tests."""

import threading

from django.db import connection


def run_together(work, *, times: int = 4) -> list:
    """Call `work()` from `times` threads released together; returns what each returned."""
    barrier = threading.Barrier(times)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(work())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results
