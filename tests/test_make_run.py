"""`make run` — the README's first command — serves the product and the demo user signs in."""

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_make_run_serves_the_sign_in_page_and_the_demo_user_signs_in(tmp_path):
    port, demo_port = _free_port(), _free_port()
    keep = ("PATH", "HOME", "LANG")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'run.sqlite3'}", DEMO_TRACES_VAR_DIR=str(tmp_path))
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}", f"DEMO_PORT={demo_port}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    base = f"http://localhost:{port}"  # the default HOST: security keys need a domain name
    try:
        _wait_for(f"{base}/account/login/")
        _wait_for(f"http://localhost:{demo_port}/")
        http = requests.Session()
        page = http.get(f"{base}/account/login/", timeout=10)
        assert page.status_code == 200 and "EU Login" in page.text
        step = http.post(f"{base}/account/login/", timeout=10, allow_redirects=True,
                         data={"csrfmiddlewaretoken": _csrf(page.text), "email": "demo@example.org"},
                         headers={"Referer": f"{base}/account/login/"})
        done = http.post(step.url, timeout=10, allow_redirects=True,
                         data={"csrfmiddlewaretoken": _csrf(step.text), "password": "demo-eulogin-2024",
                               "method": "PASSWORD"}, headers={"Referer": step.url})
        assert done.status_code == 200
        assert "Authentication succeeded" in done.text
        assert http.get(f"{base}/dev/outbox/", timeout=10).status_code == 200
        # Security keys are bound to the host served: the passkey page offers them there.
        passkey = http.get(f"{base}/webauthn/passkey/", timeout=10)
        assert passkey.status_code == 200 and '"rpId": "localhost"' in passkey.text
        # The demo TRACES NT sends its visitors to this eulogin, and is the registered service.
        demo = requests.get(f"http://localhost:{demo_port}/accounts/login/", timeout=10, allow_redirects=False)
        assert demo.headers["Location"].startswith(f"{base}/cas/login?service=http%3A%2F%2Flocalhost%3A{demo_port}")
        assert http.get(demo.headers["Location"], timeout=10, allow_redirects=False).status_code == 302
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
    assert f"http://localhost:{port}/account/login/" in output
    assert f"http://localhost:{demo_port}/" in output
