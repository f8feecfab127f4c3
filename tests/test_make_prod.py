"""`make prod` comes up (nginx with a certificate it made, two gunicorn nodes, worker and
beat, production settings) and a person signs in through the proxy over HTTPS; then one
of the two nodes is killed in the middle of a sign-in, and the person finishes on the
other through the proxy (a fault test: it prints what it measured)."""

import os
import re
import signal
import threading

import pytest
import requests
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from mfa_sms.models import PhoneDevice
from tests.cas_server.conftest import SERVICE_URL, make_service, service  # noqa: F401 — fixtures
from tests.conftest import PASSWORD
from tests.processes import (
    NEEDS_A_SERVER,
    MakeProd,
    RedisServer,
    TwilioStub,
    alive,
    descendants,
    product_env,
    sign_in_over_http,
    wait_for,
)

pytestmark = NEEDS_A_SERVER
NUMBER = "+33612345678"


@pytest.fixture(scope="module")
def stack(django_db_setup, tmp_path_factory):
    directory = tmp_path_factory.mktemp("prod")
    with RedisServer(directory) as redis, TwilioStub() as twilio:
        with MakeProd(directory / "prod", product_env(redis=redis, twilio=twilio)) as prod:
            yield prod, twilio


@pytest.fixture(autouse=True)
def _changes_reach_the_stack(stack, settings):
    """The rows a test writes behind the read caches (its service) draw a new generation in
    the stack's own Redis, so its nodes read them again (and forget the last test's rows)."""
    prod, _ = stack
    settings.CACHES = {**settings.CACHES,
                       "default": {**settings.CACHES["default"], "LOCATION": prod.env["REDIS_URL"]}}


def https_session(prod) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no CA bundle from the environment over ours
    session.verify = prod.cert  # the certificate made at start-up
    return session


def access_lines(prod) -> list[str]:
    return [line for line in prod.log_text().splitlines() if '"logger": "nginx.access"' in line]


def test_make_prod_serves_a_sign_in_over_https_through_the_proxy(stack, user, service):  # noqa: F811
    prod, twilio = stack
    PhoneDevice.objects.create(user=user, number=NUMBER, name="Work", confirmed=True)
    assert f"{prod.url}/account/login/" in prod.log_text()  # it prints the URL
    session = https_session(prod)
    ticket = sign_in_over_http(session, prod.url, email=user.email, password=PASSWORD,
                               service_url=SERVICE_URL, twilio=twilio, number=NUMBER)
    validated = https_session(prod).get(prod.url + reverse("cas:service_validate"), timeout=10,
                                        params={"service": SERVICE_URL, "ticket": ticket})
    assert "authenticationSuccess" in validated.text

    page = session.get(prod.url + reverse("accounts:home"), timeout=10)
    assert page.status_code == 200 and "Strict-Transport-Security" in page.headers
    assert all(cookie.secure for cookie in session.cookies)  # production settings
    assert requests.get(prod.url.replace("https", "http"), timeout=5).status_code == 400  # TLS only
    assert https_session(prod).get(prod.url + "/metrics", timeout=5).status_code == 404
    # A node's own metrics, added up over its processes and the worker's.
    text = requests.get(prod.nodes[0] + "/metrics", timeout=10).text
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(text) for s in family.samples}
    assert samples[("eulogin_signins_total", (("method", "PASSWORD+SMS"), ("outcome", "succeeded")))] == 1
    assert samples[("eulogin_sms_total", (("error_code", ""), ("status", "sent")))] == 1  # counted in the worker
    served = {re.search(r'"upstream": "([^"]*)"', line).group(1) for line in access_lines(prod)}
    assert len(served - {"", "-"}) == 2, served  # both nodes served


def _node_processes(prod, port: int) -> list[int]:
    """The gunicorn master listening on `port` (its last start) and its workers."""
    masters = re.findall(rf"Listening at: http://127\.0\.0\.1:{port} \((\d+)\)", prod.log_text())
    master = int(masters[-1])
    return [master, *descendants(master)]


@pytest.mark.fault
def test_a_node_killed_mid_sign_in_the_person_finishes_on_the_other_through_the_proxy(stack, user, service):  # noqa: F811
    prod, twilio = stack
    PhoneDevice.objects.create(user=user, number=NUMBER, name="Work", confirmed=True)
    before = len(access_lines(prod))
    sms_before = len(twilio.messages)
    stop, load = threading.Event(), []

    def browse():  # other people's page loads meanwhile, through the proxy
        own = https_session(prod)
        while not stop.is_set():
            try:  # a loaded machine may be slow: only a refusal or an error counts, not a wait
                load.append(own.get(prod.url + reverse("accounts:login"), timeout=60).status_code)
            except requests.RequestException as error:
                load.append(f"{type(error).__name__}: {error}"[:300])

    killed = []

    def kill_a_node(step):
        if step == "password":  # the email is typed; the node dies before the password is
            pids = _node_processes(prod, prod.ports["WEB1_PORT"])
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
            killed.extend(pids)
            assert wait_for(lambda: not any(alive(pid) for pid in pids), 10)  # gone, its sockets closed

    thread = threading.Thread(target=browse)
    thread.start()
    try:
        ticket = sign_in_over_http(https_session(prod), prod.url, email=user.email, password=PASSWORD,
                                   service_url=SERVICE_URL, twilio=twilio, number=NUMBER, between=kill_a_node)
        validated = https_session(prod).get(prod.url + reverse("cas:service_validate"), timeout=10,
                                            params={"service": SERVICE_URL, "ticket": ticket})
    finally:
        stop.set()
        thread.join(30)
    lines = access_lines(prod)[before:]
    server_errors = [line for line in lines if '"status": "5' in line] + [s for s in load if isinstance(s, str) or s >= 500]
    print(f"\nnode killed: web1 ({len(killed)} processes) SIGKILLed mid-sign-in; requests served by the proxy "
          f"{len(lines)}, 5xx {len(server_errors)}, SMS sent {len(twilio.messages) - sms_before}, SLO delivered 0")
    assert killed and "authenticationSuccess" in validated.text
    assert not server_errors, server_errors[:5]
    assert len(twilio.messages) - sms_before == 1
