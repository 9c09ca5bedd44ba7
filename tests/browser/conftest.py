"""Browser tests in real Chromium: the demo workspace served on a free port, pages that fail on any console error,
page error or request to another site, and an axe-core check for serious or critical accessibility violations.

Playwright drives Debian's ``chromium`` (``.ci/run`` installs it; Playwright cannot download a browser here).
``REVERIE_TEST_CHROMIUM`` names another executable; when it is set and missing, the tests fail instead of skipping.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.live import serve

CHROMIUM = os.environ.get("REVERIE_TEST_CHROMIUM", "/usr/bin/chromium")
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
DEMO_PASSWORD = "browser-test-demo-pass-7"  # written for the tests
THERAPIST = "therapist@demo.local"  # the demo's therapist, ruth.adler, whose client is "demo"
CLIENT = "client@demo.local"
THERAPIST_USER = "ruth.adler"
CLEAN_ENV = ("REVERIE_WORKSPACE", "REVERIE_DATABASE_URL", "REVERIE_KEY_FILE", "REVERIE_PASSPHRASE", "REVERIE_USER",
             "REVERIE_JURISDICTION")


@dataclass(frozen=True)
class Site:
    """A served workspace: its base URL and where it lives."""
    url: str
    workspace: Path
    key_file: Path

    def open_as(self, user: str = THERAPIST_USER) -> Any:
        """The served workspace through the Python API, for a test's setup (the server keeps running)."""
        import reverie.workspace as rw
        return rw.open(self.workspace, key_file=self.key_file, user=user)


@pytest.fixture(scope="package")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """`reverie demo --no-serve` once for the browser tests, then its workspace served by the web app in this process
    (stopped when the browser tests are done)."""
    from reverie.cli import main
    from reverie.web.app import create_app

    root = tmp_path_factory.mktemp("web-demo")
    workspace, key_file = root / "demo", root / "keys" / "demo.key"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CONFIG_HOME", str(root / "xdg"))
        for name in CLEAN_ENV:
            mp.delenv(name, raising=False)
        assert main(["demo", "--workspace", str(workspace), "--key-file", str(key_file),
                     "--password", DEMO_PASSWORD, "--no-serve"]) == 0
        with serve(create_app(workspace, key_file=key_file)) as url:
            yield Site(url, workspace, key_file)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (.ci/run installs Debian's chromium)"
        if "REVERIE_TEST_CHROMIUM" in os.environ:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Any, demo_site: Site) -> Iterator[Callable[..., Any]]:
    """Make pages, each in its own browser context (its own cookies: one per person in a journey).

    The test fails when any page logged a console error, threw an uncaught error, or asked another site for anything.
    """
    problems: list[str] = []
    contexts: list[Any] = []

    def make(viewport: dict[str, int] = LAPTOP, base_url: str | None = None) -> Any:
        base_url = base_url or demo_site.url
        own = base_url + "/"
        context = browser.new_context(viewport=viewport, base_url=base_url)
        context.set_default_timeout(20_000)
        contexts.append(context)
        # on the context, so every page opened in it (a second tab too) is watched
        context.on("console", lambda msg: problems.append(f"console error on {msg.page.url if msg.page else '?'}: "
                                                          f"{msg.text} ({msg.location.get('url')})")
                   if msg.type == "error" else None)
        context.on("weberror", lambda err: problems.append(f"page error on {err.page.url if err.page else '?'}: "
                                                           f"{err.error}"))
        context.on("request", lambda req: problems.append(f"request to another site: {req.url}")
                   if not req.url.startswith((own, "data:", "blob:", "about:")) else None)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    """One laptop-sized page."""
    return new_page()


@functools.cache
def _axe() -> Any:
    """axe-core, as bundled with axe-playwright-python (its axe.min.js: nothing is fetched)."""
    from axe_playwright_python.sync_playwright import Axe
    return Axe()


def accessibility_problems(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    results = _axe().run(page)
    path = urlsplit(page.url).path
    return [f"{path}: {v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


def assert_accessible(page: Any) -> None:
    problems = accessibility_problems(page)
    assert not problems, "axe-core:\n" + "\n".join(problems)


def login(page: Any, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login form, as a person would."""
    page.goto("/login")
    page.get_by_label("Login", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert "/login" not in page.url, f"login as {email} did not get past the login page"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder carries the `browser` marker (`-m "not browser"` leaves them out)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
