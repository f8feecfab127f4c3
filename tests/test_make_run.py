"""README's commands on a fresh clone: `make run` serves the product, the demo user signs
in, and every `manage.py` command the README shows then runs exactly as written."""

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


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "make run stopped early"
        try:
            requests.get(url, timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def readme_manage_commands() -> list[str]:
    """Every `manage.py` command line of the README's shell blocks, verbatim."""
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    lines = [line.split("  #")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if "manage.py" in line]


def fresh_clone(tmp_path: Path) -> Path:
    """A clone of this commit, as a newcomer gets it; the virtualenv is shared with this
    checkout (same lock file) so that no package is downloaded again."""
    clone = tmp_path / "eulogin"
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(ROOT), str(clone)], check=True, timeout=120)
    subprocess.run(["git", "checkout", "-q", head], cwd=clone, check=True, timeout=120)
    (clone / ".venv").symlink_to(ROOT / ".venv")
    return clone


def test_the_readme_commands_work_as_written_on_a_fresh_clone(tmp_path):
    commands = readme_manage_commands()
    assert any("cas_service list" in c for c in commands) and any("service_policy list" in c for c in commands)
    clone = fresh_clone(tmp_path)
    port, demo_port = _free_port(), _free_port()
    # A newcomer's shell: nothing of the test suite's environment.
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}", f"DEMO_PORT={demo_port}"],
        cwd=clone, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    base = f"http://localhost:{port}"  # the default HOST: security keys need a domain name
    try:
        _wait_for(f"{base}/account/login/", process)
        _wait_for(f"http://localhost:{demo_port}/", process)
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

        # The README's commands, typed in the same shell while the server runs.
        for command in commands:
            # Through a shell, as typed: a line may set a variable from a command's output.
            result = subprocess.run(["bash", "-c", command], cwd=clone, env=env, capture_output=True, text=True,
                                    timeout=120)
            assert result.returncode == 0, f"{command}\n{result.stdout}{result.stderr}"
            if command.endswith("service_policy list"):
                assert "TRACES NT" in result.stdout and "MEDIUM" in result.stdout
            if command.endswith("cas_service list"):
                assert "TRACES NT" in result.stdout
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
    assert f"http://localhost:{port}/account/login/" in output
    assert f"http://localhost:{demo_port}/" in output
    assert "DEBUG=true" in (clone / ".env").read_text()
    # Git ignores it: the clone stays clean.
    status = subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True).stdout
    assert "?? .env" not in status.splitlines()
