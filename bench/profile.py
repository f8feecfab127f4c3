#!/usr/bin/env python
"""Where the time of eulogin's hot paths goes: each path run in-process with the bench
settings (DEBUG off, PostgreSQL, Redis when REDIS_URL is set), its SQL queries counted and
listed, and a pyinstrument profile of many repetitions printed.

Usage: .venv/bin/python bench/profile.py [issue|serviceValidate|p3|tvs|anonymous|signin ...]
Environment: PROFILE_REPEAT (200; 10 for the sign-in), PROFILE_HTML (a folder for HTML
profiles), PROFILE_CPU_ONLY (set: only the CPU figure, no profile), and DATABASE_URL /
REDIS_URL as for bench/run.py (database `<name>_<PROFILE_DATABASE>_eulogin`, PROFILE_DATABASE
`profile` unless set, so that two checkouts can be profiled side by side).

Each path also prints its CPU time per request in this process (time.process_time: Python,
the ORM, the driver; not PostgreSQL's own work), the median over 3 x PROFILE_REPEAT requests:
the figure to compare before and after a change on a busy machine, where rates are noise.
"""

import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import run  # noqa: E402

PATHS = ["issue", "serviceValidate", "p3", "tvs", "anonymous", "signin"]


def main(names: list[str]) -> None:
    server = run.Server("eulogin", database=os.environ.get("PROFILE_DATABASE", "profile"))
    server.prepare()
    os.environ.update(server.env)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    service = quote(run.SERVICE, safe="")
    login = f"/cas/login?service={service}"

    def csrf(html: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def sign_in(browser: Client) -> str:
        page = browser.get(login, follow=True)
        form_url = page.request["PATH_INFO"] + ("?" + page.request["QUERY_STRING"] if page.request["QUERY_STRING"] else "")
        html = page.content.decode()
        step = browser.post(form_url if "/account/" in form_url else "/account/login/", {
            "csrfmiddlewaretoken": csrf(html), "email": run.USERNAME,
            "next": re.search(r'name="next" value="([^"]*)"', html).group(1).replace("&amp;", "&"),
        }, follow=True)
        done = browser.post("/account/login/password/", {
            "csrfmiddlewaretoken": csrf(step.content.decode()), "password": run.PASSWORD, "method": "PASSWORD",
        })
        back = browser.get(done["Location"])
        return parse_qs(urlsplit(back["Location"]).query)["ticket"][0]

    browser = Client(enforce_csrf_checks=True, HTTP_USER_AGENT="profile", HTTP_HOST=run.HOST)
    sign_in(browser)
    tickets = []

    def issue():
        response = browser.get(login)
        tickets.append(parse_qs(urlsplit(response["Location"]).query)["ticket"][0])

    # One client each for the relying service and the anonymous visitor, its cookies dropped
    # per request: a new django.test.Client builds the middleware chain again, which a
    # gunicorn worker does once.
    relying_service = Client(HTTP_HOST=run.HOST)
    visitor = Client(HTTP_HOST=run.HOST)

    def anonymous():
        visitor.cookies.clear()
        visitor.get(login, follow=True)

    def validator(path):
        def validate():
            ticket = tickets.pop() if tickets else (issue(), tickets.pop())[1]
            relying_service.cookies.clear()
            response = relying_service.get(f"{path}?service={service}&ticket={ticket}")
            assert b"authenticationSuccess" in response.content, response.content[:300]
        return validate

    actions = {
        "issue": issue,
        "serviceValidate": validator("/cas/serviceValidate"),
        "p3": validator("/cas/p3/serviceValidate"),
        "tvs": validator("/cas/TicketValidationService"),
        "anonymous": anonymous,
        "signin": lambda: sign_in(Client(enforce_csrf_checks=True, HTTP_USER_AGENT="profile", HTTP_HOST=run.HOST)),
    }
    for name in names or PATHS:
        action = actions[name]
        repeat = int(os.environ.get("PROFILE_REPEAT", "10" if name == "signin" else "200"))
        action()  # warm
        if name in ("serviceValidate", "p3", "tvs"):
            for _ in range(repeat + 1):
                issue()
        with CaptureQueriesContext(connection) as queries:
            action()
        print(f"\n===== {name}: {len(queries)} queries")
        for query in queries.captured_queries:
            print("   ", query["sql"][:160])
        cpu, wall = [], []
        for _ in range(3):
            if name in ("serviceValidate", "p3", "tvs"):
                for _ in range(repeat):
                    issue()
            for _ in range(repeat):
                cpu_start, wall_start = time.process_time(), time.perf_counter()
                action()
                cpu.append(time.process_time() - cpu_start)
                wall.append(time.perf_counter() - wall_start)
        print(f"cpu per request: {statistics.median(cpu) * 1000:.3f} ms (wall {statistics.median(wall) * 1000:.3f} ms),"
              f" median of {len(cpu)}")
        if os.environ.get("PROFILE_CPU_ONLY"):
            continue
        if name in ("serviceValidate", "p3", "tvs"):
            for _ in range(repeat):
                issue()
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(repeat):
            action()
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        if os.environ.get("PROFILE_HTML"):
            Path(os.environ["PROFILE_HTML"]).mkdir(parents=True, exist_ok=True)
            Path(os.environ["PROFILE_HTML"], f"{name}.html").write_text(profiler.output_html())


if __name__ == "__main__":
    main(sys.argv[1:])
