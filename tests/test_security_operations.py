"""Security operations: the dependency audit reads pip-audit honestly, and SECRET_KEY
rotates through SECRET_KEY_FALLBACKS without signing anyone out."""

import importlib.util
import os
import subprocess

import pytest
from django.test import Client
from django.urls import reverse

from tests.cas_server.conftest import SERVICE_URL, cas_sign_in, make_service, service, sso_ticket  # noqa: F401
from tests.workers import ROOT


def _audit():
    spec = importlib.util.spec_from_file_location("ci_audit", ROOT / ".ci" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_audit_fails_on_a_vulnerability_and_says_when_nothing_was_audited():
    audit = _audit()
    vulnerable = {"dependencies": [{"name": "django", "version": "5.2.0", "vulns": [
        {"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"]}]}, {"name": "celery", "version": "5.7.0", "vulns": []}]}
    outcome, lines = audit.verdict(vulnerable)
    assert outcome == "vulnerable" and "PYSEC-2025-1" in lines[0] and "5.2.1" in lines[0]
    assert audit.verdict({"dependencies": [{"name": "celery", "version": "5.7.0", "vulns": []}]})[0] == "clean"
    unreachable = {"dependencies": [{"name": n, "skip_reason": f"Dependency not found on PyPI: {n}"}
                                    for n in ("django", "celery")]}
    outcome, lines = audit.verdict(unreachable)
    assert outcome == "not-audited" and "NOT AUDITED" in lines[0]
    assert "audit.py" in (ROOT / ".ci" / "run").read_text()


def test_make_audit_runs_as_the_readme_writes_it():
    """`make audit`: pip-audit on the lock file, ending with one of the three verdicts (here
    usually NOT AUDITED: the machine is off the network; on a vulnerability it fails)."""
    assert "`make audit`" in (ROOT / "README.md").read_text()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    run = subprocess.run(["make", "--no-print-directory", "audit"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=600)
    verdicts = [line for line in run.stdout.splitlines() if line.startswith("pip-audit: ")]
    assert verdicts, run.stdout[-2000:] + run.stderr[-2000:]
    vulnerable = run.returncode != 0
    assert vulnerable == any(" fixed in " in line or "(fixed in" in line for line in verdicts), run.stdout[-2000:]


@pytest.mark.django_db
def test_sessions_and_sso_survive_one_secret_key_rotation_not_two(settings, make_user, service):  # noqa: F811
    active, idle = Client(), Client()
    cas_sign_in(active, make_user().email)
    cas_sign_in(idle, make_user("idle@example.org").email)
    first, second, third = settings.SECRET_KEY, "rotated-once-" + "k" * 50, "rotated-twice-" + "q" * 50

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = second, [first]
    assert active.get(reverse("accounts:home")).status_code == 200  # still signed in (re-signed now)
    assert sso_ticket(active).startswith("ST-")  # and the SSO session follows

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = third, [second]
    assert active.get(reverse("accounts:home")).status_code == 200
    assert sso_ticket(active).startswith("ST-")
    # Idle through two rotations: its session was signed with a key no longer accepted.
    response = idle.get(reverse("accounts:home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_every_test_docs_asvs_names_exists():
    import re

    text = (ROOT / "docs" / "ASVS.md").read_text()
    for path, name in re.findall(r"`(tests/[\w/]+\.py)::(test_\w+)`", text):
        assert f"def {name}(" in (ROOT / path).read_text(), f"{path}::{name}"
    for path in re.findall(r"`(tests/[\w/]+\.py)`", text):
        assert (ROOT / path).is_file(), path
