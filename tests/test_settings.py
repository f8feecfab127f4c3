import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # A clean production environment: only what a process needs to run at all.
    # A production image has no development `.env` (.dockerignore), whatever this checkout has.
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    base["EULOGIN_ENV_FILE"] = ""
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deploy_check():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY="a-long-random-production-key-" + "k3Y9" * 12,
        ALLOWED_HOSTS="login.example.org",
        EMAIL_URL="smtp://mail.example.org:587",
        TWILIO_ACCOUNT_SID="AC" + "0" * 32, TWILIO_AUTH_TOKEN="production-token",
        TWILIO_FROM_NUMBER="+32460000000",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", ALLOWED_HOSTS="login.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_production_image_leaves_the_development_env_file_out():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in ignored
    assert ".env" in (ROOT / ".gitignore").read_text().split()


def _database_options(**env: str) -> str:
    result = _manage("shell", "-c", "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])",
                     DEBUG="true", DATABASE_URL="postgres://postgres@127.0.0.1:5432/eulogin", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_prepared_statements_are_on_for_postgresql_and_can_be_turned_off_for_a_pooler():
    assert "'server_side_binding': True, 'prepare_threshold': 5" in _database_options()
    assert "server_side_binding" not in _database_options(DATABASE_PREPARED_STATEMENTS="false")
