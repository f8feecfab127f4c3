"""Schemathesis against /api/schema/ on a live server: every operation, the stateful links,
a key holding every scope and a signed-in person's session with its CSRF token; 0 server
errors and every response as the schema says."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.request import urlopen
from xml.etree import ElementTree

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEvent
from api.keys import api_key_create
from api.models import Scope
from mfa_sms.models import PhoneDevice
from mfa_totp.models import TOTPDevice
from tests.conftest import force_sign_in

ST = Path(sys.executable).with_name("st")
CHECKS = ",".join(["not_a_server_error", "status_code_conformance", "content_type_conformance",
                   "response_headers_conformance", "response_schema_conformance"])


@pytest.fixture
def person_session(make_user, settings):
    """A person signed in just now with a password, an SMS code and an app's code, who has
    one number and one app: a factor removed by the run leaves one that new recovery codes
    can stand in for. Staff, so that the provisioning calls of the same run cannot lock or
    delete them."""
    person = make_user("fuzz.person@example.org", is_staff=True)
    PhoneDevice.objects.create(user=person, number="+32470000001", name="Work", confirmed=True,
                               last_used_at=timezone.now())
    TOTPDevice.objects.create(user=person, name="Phone app", confirmed=True)
    browser = Client()
    force_sign_in(browser, person, kinds=("PASSWORD", "SMS", "TOTP"))
    return browser.cookies[settings.SESSION_COOKIE_NAME].value


def test_the_api_answers_as_its_schema_says(live_server, person_session, settings, tmp_path):
    settings.API_REQUESTS_PER_MINUTE = 1_000_000
    _key, token = api_key_create(name="schemathesis", scopes=Scope.values)
    csrf = _get_new_csrf_string()
    report = tmp_path / "report"
    command = [
        str(ST), "run", f"{live_server.url}/api/schema/", "--checks", CHECKS,
        "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", "6", "--workers", "2",
        "--request-timeout", "20", "--generation-database", "none", "--no-color",
        "-H", f"Authorization: Bearer {token}",
        "-H", f"Cookie: {settings.SESSION_COOKIE_NAME}={person_session}; csrftoken={csrf}",
        "-H", f"X-CSRFToken: {csrf}",
        "--report", "junit", "--report-dir", str(report),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path,
                            env={**os.environ, "NO_COLOR": "1"})
    output = result.stdout + result.stderr
    (tmp_path / "schemathesis.txt").write_text(output)
    failures = output[output.find("FAILURES"):] if "FAILURES" in output else output
    assert result.returncode == 0, failures[:30000]
    # Every operation of the schema was tested, and the stateful phase (the links) ran.
    (junit,) = report.glob("*.xml")
    suite = ElementTree.parse(junit).getroot()
    assert suite.get("failures") == suite.get("errors") == "0"
    tested = {case.get("name") for case in suite.iter("testcase")}
    assert schema_operations(live_server.url) <= tested, sorted(schema_operations(live_server.url) - tested)
    assert "Stateful tests" in tested and "✅ Stateful" in output, output[-3000:]
    # The person's new recovery codes were among what succeeded (not only refusals).
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MFA_DEVICE_ADDED, detail__method="RECOVERY_CODE").exists()


def schema_operations(base_url: str) -> set[str]:
    """"GET /api/v1/me/" … for every operation the served schema documents."""
    with urlopen(f"{base_url}/api/schema/?format=json", timeout=20) as response:  # noqa: S310 — the live server
        paths = json.load(response)["paths"]
    methods = {"get", "put", "post", "patch", "delete"}
    return {f"{method.upper()} {path}" for path, operations in paths.items() for method in operations
            if method in methods}
