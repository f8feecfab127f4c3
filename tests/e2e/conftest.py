"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Chromium is launched from /usr/bin/chromium (never downloaded). If it is missing the
tests fail, they do not skip: CI installs it with apt-get.
"""

import os
import re

import pytest
from playwright.sync_api import Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def dev_outbox(settings):
    settings.EMAIL_BACKEND = "devoutbox.backends.EmailBackend"
    settings.DEVOUTBOX_ENABLED = True


def new_page(browser, locale: str) -> Page:
    context = browser.new_context(locale=locale, extra_http_headers={"Accept-Language": locale})
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.fixture(params=["fr", "en"])
def page_in(request, browser, live_server, dev_outbox):
    """A fresh browser page whose Accept-Language is French, then English."""
    page = new_page(browser, request.param)
    page.locale = request.param
    yield page
    page.context.close()


def outbox_latest(page: Page, live_server_url: str, *, to: str, channel: str = "email") -> str:
    """Open the dev outbox in the browser and return the newest message's text for `to`."""
    page.goto(f"{live_server_url}/dev/outbox/")
    page.locator(f"#outbox tr.outbox-{channel}", has_text=to).first.get_by_role("link").click()
    return page.locator("#message-body").inner_text()


SMS_CODE = re.compile(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}")


def outbox_sms_code(page: Page, live_server_url: str, *, to: str) -> str:
    """The newest challenge code sent by SMS to `to`, read in the dev outbox in another tab
    (the page keeps its own state)."""
    outbox = page.context.new_page()
    try:
        return SMS_CODE.findall(outbox_latest(outbox, live_server_url, to=to, channel="sms"))[-1]
    finally:
        outbox.close()


def first_link(text: str) -> str:
    match = re.search(r"https?://\S+", text)
    assert match, f"no link in: {text!r}"
    return match.group(0)


def sign_in_in_browser(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/account/login/")
    page.locator("#id_email").fill(email)
    page.locator("#next-button").click()
    page.locator("#id_password").fill(password)
    page.locator("#signin-button").click()


_AXE = None
SERIOUS = {"serious", "critical"}


def assert_accessible(page: Page, where: str = "") -> None:
    """axe-core (axe-playwright-python's bundled copy) finds no serious or critical
    violation on the page as it is now."""
    global _AXE
    if _AXE is None:
        from axe_playwright_python.sync_playwright import Axe

        _AXE = Axe()
    results = _AXE.run(page)
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in results.response["violations"] if v.get("impact") in SERIOUS
    ]
    assert not found, f"axe-core on {where or page.url}:\n" + "\n".join(found)
