"""Every admin page an operator can open renders: changelists (searched too) and add forms."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_admin_changelist_and_add_page_renders(admin_client, model, user):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "example.org"}).status_code == 200
    add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code in (200, 403)


def test_the_admin_login_page_is_eulogin_s_sign_in(client):
    response = client.get("/admin/login/", {"next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=%2Fadmin%2F")
    # No password form of its own: guessing there is impossible.
    assert client.post("/admin/login/", {"username": "a@example.org", "password": "x"}).status_code == 302


def test_a_staff_password_alone_does_not_open_the_admin(client, make_user, settings):
    from tests.conftest import force_sign_in

    settings.EULOGIN_ADMIN_REQUIRED_STRENGTH = "PASSWORD_SMS"
    staff = make_user(email="staff@example.org", is_staff=True, is_superuser=True)
    force_sign_in(client, staff, kinds=("PASSWORD",))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"].startswith("/sms/verify/")
    force_sign_in(client, staff, kinds=("PASSWORD", "SMS"))
    assert client.get("/admin/").status_code == 200


def test_in_development_the_password_opens_the_admin(client, make_user, settings):
    from tests.conftest import force_sign_in

    settings.EULOGIN_ADMIN_REQUIRED_STRENGTH = "PASSWORD"
    staff = make_user(email="staff@example.org", is_staff=True, is_superuser=True)
    force_sign_in(client, staff, kinds=("PASSWORD",))
    assert client.get("/admin/").status_code == 200
