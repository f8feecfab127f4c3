"""Redis killed, or the broker down, under a real gunicorn node and a real Celery worker,
each on its own redis-server (tests/processes.py). People keep signing in, tickets keep
validating, and every SMS and single logout asked for meanwhile goes out exactly once.

Each test prints its figures. Every loop is bounded in count and in time; nothing is
asserted about durations.
"""

import re
import threading
import time
from datetime import timedelta
from urllib.parse import parse_qs, quote, urlsplit

import requests
from django.utils import timezone

from accounts.models import User
from cas_server.models import Service, ServiceTicket
from mfa_sms.models import PhoneDevice, SmsMessage
from tests.conftest import PASSWORD
from tests.processes import NEEDS_A_SERVER, CeleryWorker, GunicornNode, RedisServer, TwilioStub, product_env, wait_for

pytestmark = NEEDS_A_SERVER

SERVICE_URL = "https://app.example.org/protected"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CODE = re.compile(r"([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})")
TIMEOUT = 10  # seconds, any one request


class Person:
    """A browser: cookies, CSRF tokens, every answer counted."""

    def __init__(self, base: str, tally: "Tally | None" = None):
        self.base, self.tally, self.http = base, tally, requests.Session()

    def get(self, path: str, **params) -> requests.Response:
        return self._count(self.http.get(self.base + path, params=params, allow_redirects=False, timeout=TIMEOUT))

    def post_form(self, path: str, data: dict) -> requests.Response:
        page = self.get(path)
        token = CSRF.search(page.text)
        assert token, (page.status_code, page.text[:300])
        return self._count(self.http.post(self.base + path, {**data, "csrfmiddlewaretoken": token.group(1)},
                                          allow_redirects=False, timeout=TIMEOUT))

    def _count(self, response: requests.Response) -> requests.Response:
        if self.tally is not None:
            self.tally.record(response.status_code)
        return response

    def sign_in(self, email: str, *, next_url: str = "", method: str = "PASSWORD", **extra) -> requests.Response:
        self.post_form("/account/login/", {"email": email, "next": next_url})
        return self.post_form("/account/login/password/", {"password": PASSWORD, "method": method, **extra})

    def ticket(self, service: str = SERVICE_URL) -> str | None:
        response = self.get("/cas/login", service=service)
        location = response.headers.get("Location", "")
        return (parse_qs(urlsplit(location).query).get("ticket") or [None])[0] if response.status_code == 302 else None

    def validates(self, ticket: str, service: str = SERVICE_URL) -> bool:
        response = self.get("/cas/p3/serviceValidate", service=service, ticket=ticket)
        return response.status_code == 200 and "<cas:authenticationSuccess>" in response.text


class Tally:
    """Requests served and 5xx answers, by phase, shared by the load threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.phase = "before"
        self.served: dict[str, int] = {}
        self.errors: dict[str, int] = {}  # 5xx and connection failures
        self.signins: dict[str, list[int]] = {}  # [ok, not ok]
        self.tickets: dict[str, list[int]] = {}  # [validated, not]

    def record(self, status: int) -> None:
        with self.lock:
            self.served[self.phase] = self.served.get(self.phase, 0) + 1
            if status >= 500:
                self.errors[self.phase] = self.errors.get(self.phase, 0) + 1

    def outcome(self, table: dict, ok: bool) -> None:
        with self.lock:
            row = table.setdefault(self.phase, [0, 0])
            row[0 if ok else 1] += 1

    def failed_request(self) -> None:
        with self.lock:
            self.errors[self.phase] = self.errors.get(self.phase, 0) + 1

    def done_in(self, phase: str) -> int:
        with self.lock:
            return sum(self.tickets.get(phase, [0, 0])) + sum(self.signins.get(phase, [0, 0]))


def make_people(count: int, *, prefix: str, phones: bool = False) -> list[User]:
    people = []
    for i in range(count):
        user = User.objects.create_user(f"{prefix}{i}@example.org", PASSWORD, first_name="Test", last_name=f"P{i}")
        if phones:
            PhoneDevice.objects.create(user=user, number=f"+3247000{i:04d}", name="Work", confirmed=True)
        people.append(user)
    return people


def sms_code(twilio: TwilioStub, to: str) -> str | None:
    bodies = [m["body"] for m in twilio.messages if m["to"] == to]
    return CODE.search(bodies[-1]).group(1) if bodies else None


# --- 1. Redis killed under ticket issue, validation and sign-in load ---------------------

def _load(base: str, tally: Tally, email: str, stop: threading.Event, iterations: int) -> None:
    person = Person(base, tally)
    if person.sign_in(email).status_code != 302:
        tally.failed_request()
        return
    for _ in range(iterations):
        if stop.is_set():
            return
        try:
            ticket = person.ticket()
            tally.outcome(tally.tickets, ticket is not None and person.validates(ticket))
            fresh = Person(base, tally)
            tally.outcome(tally.signins, fresh.sign_in(email).status_code == 302)
        except requests.RequestException:
            tally.failed_request()


def test_redis_killed_under_load_costs_no_request_and_tickets_keep_validating(tmp_path):
    Service.objects.create(pattern="https://app.example.org/", name="App")
    people = make_people(4, prefix="load")
    with RedisServer(tmp_path) as redis:
        # Tickets live a minute here: a loaded CI machine must not expire the one kept.
        env = product_env(redis=redis, CAS_SERVICE_TICKET_SECONDS="60")
        with GunicornNode(tmp_path / "web.log", env) as web:
            tally, stop = Tally(), threading.Event()
            early = Person(web.url)
            assert early.sign_in(people[0].email).status_code == 302
            threads = [threading.Thread(target=_load, args=(web.url, tally, user.email, stop, 400), daemon=True)
                       for user in people]
            for thread in threads:
                thread.start()
            try:
                per_phase = 40  # tickets and sign-ins completed in each phase, at least
                assert wait_for(lambda: tally.done_in("before") >= per_phase, 60), web.log_text()
                kept = early.ticket()  # issued just before Redis goes
                tally.phase = "Redis down"
                redis.kill()
                kept_ok = kept is not None and early.validates(kept)
                assert wait_for(lambda: tally.done_in("Redis down") >= per_phase, 60), web.log_text()
                tally.phase = "Redis back, empty"
                redis.start()
                assert wait_for(lambda: tally.done_in("Redis back, empty") >= per_phase, 60), web.log_text()
                after_ok = early.validates(early.ticket())  # the session outlived the restart
            finally:
                stop.set()
                for thread in threads:
                    thread.join(TIMEOUT * 3)
            log = web.log_text(None)
    print("\nRedis killed under load (4 clients, gunicorn 2 workers):")
    for phase in ("before", "Redis down", "Redis back, empty"):
        tickets, signins = tally.tickets.get(phase, [0, 0]), tally.signins.get(phase, [0, 0])
        print(f"  {phase:18} requests served {tally.served.get(phase, 0):4}, 5xx {tally.errors.get(phase, 0)}, "
              f"tickets validated {tickets[0]}/{sum(tickets)}, sign-ins {signins[0]}/{sum(signins)}")
    print(f"  cache-down log lines: {log.count('cache down')}, tracebacks: {log.count('Traceback')}")
    assert sum(tally.errors.values()) == 0
    assert all(row[1] == 0 for row in [*tally.tickets.values(), *tally.signins.values()])
    assert kept_ok and after_ok
    assert "cache down" in log and "Traceback" not in log


# --- 2. Broker down: 5 SMS and 1 single logout, all delivered once it is back ------------

def test_sms_and_single_logout_asked_for_while_the_broker_is_down_go_out_once_it_is_back(tmp_path, http_recorder):
    people = make_people(5, prefix="sms", phones=True)
    leaver = make_people(1, prefix="slo")[0]
    relying = Service.objects.create(pattern=http_recorder.url, name="Relying party", slo_enabled=True)
    with RedisServer(tmp_path) as cache, RedisServer(tmp_path) as broker, TwilioStub() as twilio:
        env = product_env(redis=cache, broker=broker, twilio=twilio, MFA_SMS_REQUEUE_AFTER_SECONDS="2",
                          MFA_SMS_REQUEUE_EVERY_SECONDS="1", CAS_SLO_REQUEUE_AFTER_SECONDS="2",
                          CAS_SLO_REQUEUE_EVERY_SECONDS="1")
        with GunicornNode(tmp_path / "web.log", env) as web, \
                CeleryWorker(tmp_path / "worker.log", env, beat=True) as worker:
            # The person who signs out was signed in to the relying party before.
            browser = Person(web.url)
            assert browser.sign_in(leaver.email).status_code == 302
            ticket = browser.ticket(http_recorder.url)
            assert ticket and browser.validates(ticket, http_recorder.url)
            broker.kill()
            started = time.monotonic()
            pages, browsers = [], []
            for user in people:
                person = Person(web.url)
                answer = person.sign_in(user.email, method="SMS", **{"sms-phone": user.phonedevice_set.get().number})
                page = person.get("/sms/signin/")
                pages.append((answer.status_code, page.status_code, "15 minutes" in page.text))
                browsers.append(person)
            signed_out = browser.post_form("/account/logout/", {})
            asked_in = time.monotonic() - started
            queued = SmsMessage.objects.filter(status=SmsMessage.Status.QUEUED).count()
            waiting = ServiceTicket.objects.filter(service=relying, logout_sent_at__isnull=True).count()
            sent_while_down = (len(twilio.requests), len(http_recorder.requests))

            broker.start()  # back, empty: the tasks of the requests above were never in it
            assert wait_for(lambda: len(twilio.messages) >= 5 and len(http_recorder.requests) >= 1, 90), \
                worker.log.read_text()[-3000:]
            # A few more sweeps run: nothing more may go out.
            assert wait_for(lambda: worker.log.read_text().count("sms_queued_sweep_task") >= 10, 30)
            codes_worked = 0
            for user, person in zip(people, browsers, strict=True):
                code = sms_code(twilio, user.phonedevice_set.get().number)
                answer = person.post_form("/sms/signin/", {"action": "verify", "code": code})
                codes_worked += answer.status_code == 302
    sms_per_number = sorted({m["to"]: sum(1 for n in twilio.messages if n["to"] == m["to"])
                             for m in twilio.messages}.values())
    print(f"\nbroker down: 5 SMS sign-ins and 1 sign-out asked for in {asked_in:.2f} s; "
          f"answers {[p[:2] for p in pages]} and {signed_out.status_code}; "
          f"{queued} SMS queued and {waiting} logout waiting; sent while down {sent_while_down}")
    print(f"broker back: SMS sent {len(twilio.requests)} (per number {sms_per_number}), "
          f"SLO delivered {len(http_recorder.requests)}, codes that signed in {codes_worked}/5")
    assert all(answer == 302 and page == 200 and said for answer, page, said in pages)
    assert signed_out.status_code == 200  # the "signed out" page
    assert (queued, waiting, sent_while_down) == (5, 1, (0, 0))
    assert len(twilio.requests) == 5 and sms_per_number == [1] * 5
    assert len(http_recorder.requests) == 1
    assert codes_worked == 5
    assert SmsMessage.objects.filter(status=SmsMessage.Status.SENT).count() == 5


# --- 3. Redis killed during an SMS sign-in ------------------------------------------------

def test_redis_killed_during_an_sms_sign_in_the_person_finishes_once_it_is_back(tmp_path):
    Service.objects.create(pattern="https://app.example.org/", name="App")
    user = make_people(1, prefix="mid", phones=True)[0]
    number = user.phonedevice_set.get().number
    with RedisServer(tmp_path) as redis, TwilioStub() as twilio:
        env = product_env(redis=redis, twilio=twilio, MFA_SMS_REQUEUE_AFTER_SECONDS="1")
        with GunicornNode(tmp_path / "web.log", env) as web:
            worker = CeleryWorker(tmp_path / "worker.log", env).start()
            try:
                person = Person(web.url)
                next_url = "/cas/login?service=" + quote(SERVICE_URL, safe="")
                person.post_form("/account/login/", {"email": user.email, "next": next_url})
                redis.kill()  # cache and broker gone between the password and the SMS
                worker.stop()  # the worker goes down with its broker
                answer = person.post_form("/account/login/password/",
                                          {"password": PASSWORD, "method": "SMS", "sms-phone": number})
                page = person.get("/sms/signin/")
                down = (answer.status_code, page.status_code, "15 minutes" in page.text, len(twilio.requests))
                redis.start()  # back, empty
                # The start-up sweep queues again what has waited MFA_SMS_REQUEUE_AFTER_SECONDS
                # (1 s here): a worker that starts sooner would rightly leave it to the next sweep.
                assert wait_for(lambda: SmsMessage.objects.filter(
                    status=SmsMessage.Status.QUEUED, updated_at__lt=timezone.now() - timedelta(seconds=1.5)).exists(), 10)
                worker.start()  # its start-up sweep queues the SMS again
                assert wait_for(lambda: len(twilio.messages) >= 1, 60), worker.log.read_text()[-3000:]
                finished = person.post_form("/sms/signin/", {"action": "verify", "code": sms_code(twilio, number)})
                back_to_cas = finished.headers.get("Location", "")
                ticket = person.ticket()
                validated = ticket is not None and person.validates(ticket)
            finally:
                worker.stop()
    print(f"\nRedis killed mid SMS sign-in: while down, answers {down[:2]}, SMS sent {down[3]}; "
          f"after it is back: SMS sent {len(twilio.requests)}, code accepted {finished.status_code}, "
          f"ticket validated {validated}")
    assert down == (302, 200, True, 0)
    assert len(twilio.requests) == 1
    assert finished.status_code == 302 and "/cas/login" in back_to_cas
    assert validated
    assert ServiceTicket.objects.filter(validated=True, strength="PASSWORD_SMS").exists()
