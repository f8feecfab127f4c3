"""The three curl lines of README.md's "REST API" section work as written, against the
development server `make run` starts (SQLite, DEBUG from the checkout's .env)."""

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.processes import free_port
from tests.test_make_run import _wait_for

ROOT = Path(__file__).resolve().parent.parent.parent


def _readme_lines() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## REST API"):]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_the_readme_curl_lines_work_as_written(tmp_path):
    lines = _readme_lines()
    assert len(lines) == 3 and all("127.0.0.1:8000" in line for line in lines[1:])
    port = free_port()
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=true\n")  # what `make run` writes
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(EULOGIN_ENV_FILE=str(env_file), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    python = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
    for command in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=300,
                       capture_output=True)
    server = subprocess.Popen([python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for(f"http://127.0.0.1:{port}/api/schema/", server)
        script = "set -e\n" + "\n".join(line.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for line in lines)
        result = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    assert result.returncode == 0, result.stderr
    users, audit = result.stdout.split("}{", 1) if "}{" in result.stdout else (result.stdout, "")
    assert '"email":"demo@example.org"' in users, result.stdout[:2000]
    assert '"results":[' in audit and '"kind":"api_key_created"' in audit, result.stdout[:2000]
