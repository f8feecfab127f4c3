"""Single logouts the broker never took are queued again by the sweep, and each service
still gets one logout request (cas_server.requeue)."""

import pytest
from django.urls import reverse

from cas_server.models import ServiceTicket
from cas_server.requeue import slo_waiting_sweep
from cas_server.tasks import slo_send_task

from .conftest import cas_sign_in

pytestmark = pytest.mark.django_db  # one transaction: what is queued on commit can be lost at will


def signed_out_with_the_broker_down(client, user, http_recorder, django_capture_on_commit_callbacks):
    cas_sign_in(client, user.email, http_recorder.url + "app")
    with django_capture_on_commit_callbacks(execute=False) as lost:  # the tasks never reach a broker
        assert client.get(reverse("cas:logout")).status_code == 200
    return lost


def test_the_sweep_sends_a_lost_logout_once(client, user, make_service, http_recorder, settings,
                                            django_capture_on_commit_callbacks):
    make_service(http_recorder.url)
    lost = signed_out_with_the_broker_down(client, user, http_recorder, django_capture_on_commit_callbacks)
    ticket = ServiceTicket.objects.get()
    assert ticket.logout_queued_at and not ticket.logout_sent_at and http_recorder.requests == []

    assert slo_waiting_sweep() == 0  # not waiting long enough yet
    settings.CAS_SLO_REQUEUE_AFTER_SECONDS = 0
    assert slo_waiting_sweep() == 1
    assert len(http_recorder.requests) == 1
    assert slo_waiting_sweep() == 0  # sent: never again
    for callback in lost:  # the first task turns up after all: it finds the logout sent
        callback()
    slo_send_task.delay(ticket.pk)
    assert len(http_recorder.requests) == 1


def test_a_logout_given_up_on_is_not_swept_again(client, user, make_service, http_recorder, settings,
                                                 django_capture_on_commit_callbacks):
    make_service(http_recorder.url)
    http_recorder.status = 500
    settings.CAS_SLO_MAX_RETRIES = 1
    signed_out_with_the_broker_down(client, user, http_recorder, django_capture_on_commit_callbacks)
    settings.CAS_SLO_REQUEUE_AFTER_SECONDS = 0
    assert slo_waiting_sweep() == 1
    assert len(http_recorder.requests) == 2  # the attempt and its retry
    assert ServiceTicket.objects.get().logout_failed_at is not None
    assert slo_waiting_sweep() == 0
    assert len(http_recorder.requests) == 2
