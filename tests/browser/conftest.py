"""Browser tests: Playwright driving the system Chromium against a live Cairn server.

Organisations live at `<slug>.localhost:<port>`; Chromium resolves every `*.localhost` to this
machine, so sub-domain routing is exercised for real.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str:
    path = os.environ.get("CAIRN_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Browser tests need Chromium: install it (apt-get install chromium) or set CAIRN_CHROMIUM.")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls made by tests and
    # their database teardown are still synchronous, so Django is told they are safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def site(live_server):
    """URLs on the live server: `site.base(path)` and `site.org(slug, path)`."""

    class Site:
        port = live_server.url.rsplit(":", 1)[1]

        def base(self, path: str = "/") -> str:
            return f"http://localhost:{self.port}{path}"

        def org(self, slug: str, path: str = "/") -> str:
            return f"http://{slug}.localhost:{self.port}{path}"

    return Site()


def sign_in(page, site, email: str, password: str) -> None:
    page.goto(site.base("/sign-in/"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
