from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from traces_gateway.selectors import service_requirement

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("service_policy", *args, stdout=out)
    return out.getvalue()


def test_add_list_and_remove_rules_from_the_command_line(make_service):
    service = make_service("https://app.example.org/", name="App")
    run("add", "App", "--from", "2025-01-01T00:00+01:00", "--require", "medium", "--note", "2FA")
    assert "App\t2025-01-01T00:00:00+01:00\tMEDIUM\t2FA" in run("list", "App")
    assert not service_requirement(service=service, at=datetime(2025, 1, 2, tzinfo=ZoneInfo("UTC"))).is_met_by(["PASSWORD"])
    run("add", "App", "--from", "2025-01-01T00:00+01:00", "--require", "BASIC")  # replaces
    assert service.strength_rules.get().requirement == "BASIC"
    run("remove", "App", "--from", "2025-01-01T00:00+01:00")
    assert not service.strength_rules.exists()


@pytest.mark.parametrize("args", [
    ["add", "App", "--from", "2025-01-01", "--require", "MEDIUM"],          # no offset: not a moment
    ["add", "App", "--from", "soon", "--require", "MEDIUM"],
    ["add", "App", "--from", "2025-01-01T00:00Z", "--require", "SUPERSTRONG"],
    ["add", "Nope", "--from", "2025-01-01T00:00Z", "--require", "MEDIUM"],
    ["remove", "App", "--from", "2030-01-01T00:00Z"],
])
def test_bad_input_is_refused_with_a_clear_message(make_service, args):
    make_service("https://app.example.org/", name="App")
    with pytest.raises(CommandError):
        run(*args)
