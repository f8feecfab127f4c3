"""Django admin in the browser, in French and English: every page an operator opens from
the index passes axe-core with no serious or critical violation — the TRACES NT service
page with its strength-rule inline, the SSO sessions with their filters, every list."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from cas_server.models import Service, SsoSession
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, sign_in_in_browser
from traces_gateway.seed import traces_service_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def operator(make_user, settings):
    settings.EULOGIN_ADMIN_REQUIRED_STRENGTH = "PASSWORD"
    settings.TRACES_SERVICE_URL = "https://traces.example.org/"
    traces_service_seed()
    person = make_user(email="ada.admin@example.org", is_staff=True, is_superuser=True)
    now = timezone.now()
    for digest, reason in (("a" * 64, ""), ("b" * 64, "logout")):
        SsoSession.objects.create(ticket_digest=digest, user=person, session_key=digest[:32], authenticated_at=now,
                                  expires_at=now + timezone.timedelta(hours=8), strength="PASSWORD",
                                  ended_at=now if reason else None, end_reason=reason)
    return person


def test_the_admin_pages_pass_axe_core(page_in, live_server, operator):
    page = page_in
    sign_in_in_browser(page, live_server.url, operator.email, PASSWORD)
    page.goto(f"{live_server.url}/admin/")
    assert_accessible(page)
    title = {"fr": "Politiques des services", "en": "Service policies"}[page.locale]
    assert title in page.locator("#content-main").text_content()

    traces = Service.objects.get(name="TRACES NT")
    page.goto(live_server.url + reverse("admin:cas_service_change", args=[traces.pk]))
    assert page.locator(".inline-related input[aria-label]").count() >= 6  # 2 rules: date, time, requirement, note
    labels = {"fr": ("Attributs transmis", "URL de déconnexion unique"),
              "en": ("Released attributes", "Single logout URL")}[page.locale]
    shown = [text.strip() for text in page.locator("label").all_text_contents()]
    for label in labels:  # capitalised like Django's own labels
        assert any(text.startswith(label) for text in shown), (label, shown)
    assert_accessible(page, "TRACES NT service page")

    page.goto(live_server.url + reverse("admin:app_list", args=["traces_gateway"]))
    assert title in page.locator("h1").text_content() and "Traces_Gateway" not in page.content()
    assert_accessible(page, "the app's page")
    for model in admin.site._registry:
        opts = model._meta
        page.goto(live_server.url + reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert_accessible(page, f"{opts.label} list")
    page.goto(live_server.url + reverse("admin:cas_ssosession_changelist"))
    assert page.locator("#changelist-filter a", has_text={"fr": "Encore ouverte", "en": "Still open"}[page.locale]).count() == 1
    page.goto(live_server.url + reverse("admin:cas_service_add"))
    assert_accessible(page, "new service")
