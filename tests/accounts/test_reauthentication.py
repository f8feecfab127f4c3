import pytest
import time_machine
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.decorators import recent_authentication_required

pytestmark = pytest.mark.django_db


@recent_authentication_required
def _sensitive(request):
    return HttpResponse("done")


def _request(client, path="/sensitive/"):
    request = RequestFactory().get(path)
    request.session = client.session
    from django.contrib.auth import get_user

    request.user = get_user(request)
    return request


def test_a_fresh_sign_in_passes_and_an_old_one_is_asked_the_password_again(signed_in_client, settings):
    settings.ACCOUNTS_REAUTHENTICATION_SECONDS = 600
    assert _sensitive(_request(signed_in_client)).content == b"done"
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=601)):
        response = _sensitive(_request(signed_in_client))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert "next=%2Fsensitive%2F" in response["Location"]


def test_confirming_the_password_refreshes_the_proof_and_returns(signed_in_client, password):
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=1)):
        response = signed_in_client.post(
            reverse("accounts:reauthenticate"), {"password": password, "next": "/account/my-account/"}
        )
        assert response["Location"] == "/account/my-account/"
        assert _sensitive(_request(signed_in_client)).content == b"done"


def test_a_wrong_password_counts_as_a_failure(signed_in_client, user):
    from accounts.models import SignInThrottle

    response = signed_in_client.post(reverse("accounts:reauthenticate"), {"password": "wrong one!"})
    assert response.status_code == 400
    assert SignInThrottle.objects.get(scope="account", key=f"user:{user.pk}").failures == 1


def test_next_elsewhere_is_not_followed(signed_in_client, password):
    response = signed_in_client.post(
        reverse("accounts:reauthenticate"), {"password": password, "next": "https://evil.example.net/"}
    )
    assert response["Location"] == reverse("accounts:my_account")


def test_a_locked_account_is_told_to_wait_without_a_server_error(signed_in_client, user, password, settings):
    settings.ACCOUNTS_LOCKOUT_ACCOUNT_FREE_FAILURES = 1
    for _ in range(2):
        signed_in_client.post(reverse("accounts:reauthenticate"), {"password": "wrong one!"})
    response = signed_in_client.post(reverse("accounts:reauthenticate"), {"password": password})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
