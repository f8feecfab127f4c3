"""/api/docs/ renders Swagger UI from our own server, under the site's strict CSP."""

import pytest

from .conftest import new_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_swagger_ui_renders_every_operation_from_local_assets_under_the_csp(browser, live_server):
    page = new_page(browser, "en")
    requests, problems = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        response = page.goto(f"{live_server.url}/api/docs/")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.locator(".opblock").first.wait_for()
        assert page.locator(".opblock").count() >= 30
        assert page.get_by_text("/api/v1/users/{id}/lock/").first.is_visible()
    finally:
        page.context.close()
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requests), requests
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
