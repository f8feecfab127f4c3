from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from cas_server.models import Service, ServiceTicket, SsoSession

from .conftest import cas_sign_in


def run(*args) -> str:
    out = StringIO()
    call_command("cas_service", *args, stdout=out)
    return out.getvalue()


def test_cas_service_add_list_remove(db):
    assert "Registered service" in run("add", "TRACES NT", "https://webgate.example.org/tracesnt/",
                                       "--attributes", "email,firstName", "--proxy", "--order", "5")
    service = Service.objects.get()
    assert service.released_attributes == ["email", "firstName"] and service.proxy_allowed
    assert service.evaluation_order == 5 and service.enabled
    listing = run("list")
    assert "TRACES NT" in listing and "https://webgate.example.org/tracesnt/" in listing and "proxy=yes" in listing
    run("add", "Regex", r"https://.*\.example\.org/.*", "--regex", "--disabled")
    assert Service.objects.get(name="Regex").match_kind == "regex"
    run("remove", "TRACES NT")
    run("remove", str(Service.objects.get(name="Regex").pk))
    assert not Service.objects.exists()


@pytest.mark.parametrize("args", [["add", "Bad", "not-a-url"], ["add", "Bad", "https://a.example.org/", "--attributes", "password"],
                                  ["remove", "nobody"]])
def test_cas_service_refuses_bad_input(db, args):
    with pytest.raises(CommandError):
        run(*args)


def test_cas_purge_ends_expired_sessions_and_deletes_old_tickets(client, user, service):
    cas_sign_in(client, user.email)
    out = StringIO()
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        call_command("cas_purge", stdout=out)
    assert "sso_sessions_ended: 1" in out.getvalue()
    assert SsoSession.objects.get().ended_at is not None
    assert ServiceTicket.objects.count() == 1  # kept a day for support
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        call_command("cas_purge", stdout=out)
    assert not SsoSession.objects.exists() and not ServiceTicket.objects.exists()


def test_purge_keeps_live_sessions_and_their_tickets(client, user, service):
    from cas_server.sso import cas_purge

    cas_sign_in(client, user.email)
    with time_machine.travel(timezone.now() + timedelta(minutes=30)):
        assert cas_purge()["sso_sessions_ended"] == 0
    assert SsoSession.objects.get().ended_at is None and ServiceTicket.objects.count() == 1


def test_purge_task_is_scheduled(settings):
    assert settings.CELERY_BEAT_SCHEDULE["cas-purge"]["task"] == "cas.purge"
    from cas_server.tasks import cas_purge_task

    assert cas_purge_task.name == "cas.purge"  # stable names: queued tasks survive a module rename


