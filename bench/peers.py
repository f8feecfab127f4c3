"""The peer CAS servers run beside eulogin: each installed from PyPI into its own
virtualenv under bench/.venvs/ (git-ignored), served by the minimal project in
bench/peers/peer_site configured like eulogin's bench run."""

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENVS = HERE / ".venvs"
SITE = HERE / "peers"

# The same Django as eulogin, the same gunicorn, the same PostgreSQL driver and hasher.
COMMON = ["Django>=5.2,<5.3", "gunicorn>=22", "psycopg[binary]>=3.1", "argon2-cffi>=23", "redis>=5"]
PEERS = {
    "cas_server": {"label": "django-cas-server", "requirements": ["django-cas-server==3.1.0"]},
    "mama_cas": {"label": "mama-cas", "requirements": ["django-mama-cas==2.5.0"]},
}


def venv_python(peer: str) -> Path:
    """The peer's virtualenv, created and installed from PyPI when missing or stale."""
    target = VENVS / peer
    python = target / "bin" / "python"
    wanted = [*PEERS[peer]["requirements"], *COMMON]
    stamp = target / ".installed"
    if python.exists() and stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return python
    print(f"installing {PEERS[peer]['label']} from PyPI into {target.relative_to(HERE.parent)}", flush=True)
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *wanted], check=True)
    stamp.write_text(json.dumps(wanted))
    return python


def peer_environment(peer: str, base: dict) -> dict:
    env = {**base, "PEER": peer, "DJANGO_SETTINGS_MODULE": "peer_site.settings", "PYTHONPATH": str(SITE)}
    env.pop("VIRTUAL_ENV", None)
    return env


if __name__ == "__main__":
    for name in sys.argv[1:] or PEERS:
        print(venv_python(name))
    os.sys.exit(0)
