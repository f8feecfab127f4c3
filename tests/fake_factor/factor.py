from django.shortcuts import redirect
from django.urls import reverse

from accounts.factors import Factor
from accounts.http import url_with_query
from accounts.tiles import Tile

FAKE = "FAKE"


def _tokens(user):
    from .models import FakeToken

    return FakeToken.objects.filter(user=user)


def _start(request, user, extra):
    return redirect("fake_factor:signin")


def fake_factor() -> Factor:
    return Factor(
        kind=FAKE,
        strength="PASSWORD_MOBILE_APP",
        label="Fake token",
        description="A code typed by hand (tests only).",
        order=50,
        start=_start,
        has_device=lambda user: _tokens(user).filter(confirmed=True).exists(),
        devices=_tokens,
        enrol_url=lambda next_url, cancel: url_with_query(reverse("fake_factor:enrol"), next=next_url, cancel=cancel),
        step_up_url=lambda next_url: url_with_query(reverse("fake_factor:verify"), next=next_url),
        enrol_label="Add a fake token",
        enrol_html_id="add-fake",
        tile=Tile("fake-tokens", "Manage my fake tokens", "Add or remove fake tokens.", "fake_factor:tokens", order=45),
        eulogin_factors=lambda proved, *, user, user_details=True: [("fakeToken", proved.get("token", ""))],
        cas_attributes=lambda proved: {"fakeToken": [proved.get("token", "")]},
    )
