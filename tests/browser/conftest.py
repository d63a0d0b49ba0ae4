"""Browser tests: Debian's Chromium driven through Playwright against a live server.

The whole directory is skipped, with the reason shown in pytest's summary, when the
Playwright package or /usr/bin/chromium is missing (no browser is ever downloaded). Every
test here carries the ``browser`` marker (``-m "not browser"`` leaves them out).

``live_server`` serves the standalone app on 127.0.0.1 (a free port) with the real
courses synced and the demo organisation loaded, once per test module and database
backend; each test gets a fresh browser context (no shared cookies or session).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from app import create_app
from tests.conftest import app_config, clear_tables
from tests.databases import prepared

CHROMIUM = Path("/usr/bin/chromium")

# Why not ``pytest.importorskip`` / ``pytest.skip(allow_module_level=True)`` right here:
# ``pytest tests/browser`` loads this conftest while it parses the command line, where a
# Skipped exception aborts the run with a traceback instead of skipping. So this module
# always imports, and ``pytest_pycollect_makemodule`` below turns each test module of the
# directory into one skipped entry that carries the reason.
try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
except ImportError as exc:
    SKIP_REASON: str | None = (
        f"browser tests need the Playwright Python package ({exc}); "
        "install it with pip install -e '.[dev]' (never `playwright install`)"
    )
else:
    SKIP_REASON = (
        None
        if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)
        else f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium); "
        "they never download a browser"
    )


class _SkippedModule(pytest.Module):
    """A test module that is not imported (it would need Playwright) but skipped."""

    def collect(self):
        pytest.skip(SKIP_REASON)


def pytest_pycollect_makemodule(module_path, parent):
    if SKIP_REASON is not None:
        return _SkippedModule.from_parent(parent, path=module_path)
    return None


REPO_ROOT = Path(__file__).resolve().parents[2]
COURSES_DIR = REPO_ROOT / "courses"
DEMO_PASSWORD = "training-demo"
DEFAULT_TIMEOUT_MS = 10_000
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if SKIP_REASON is None:
    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so ``page`` can tell a failed test."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


#: The app behind each running ``live_server``, by its base URL (see ``live_app``).
LIVE_APPS: dict[str, Flask] = {}


def _real_courses_and_demo(app: Flask) -> None:
    from lms.courses.sync import sync_courses
    from lms.demo import load_demo

    with app.app_context():
        clear_tables(app)  # start clean even if an earlier run was interrupted
        _outcomes, problems = sync_courses(COURSES_DIR)
        assert not problems, [str(p) for p in problems]
        load_demo(DEMO_PASSWORD)


@pytest.fixture(scope="module")
def live_server(module_database) -> Iterator[str]:
    """The standalone app, real courses and demo organisation, served on a free port."""
    app = create_app(
        app_config(
            module_database.url,
            LMS_COURSES_DIR=str(COURSES_DIR),
            LMS_LOGIN_RATE_LIMIT="1000 per minute",
            LMS_LOGIN_ACCOUNT_RATE_LIMIT="1000 per minute",
        )
    )
    prepared(app, "real courses and the demo", lambda: _real_courses_and_demo(app))

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="lms-live-server", daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    LIVE_APPS[base_url] = app
    try:
        yield base_url
    finally:
        LIVE_APPS.pop(base_url, None)
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            clear_tables(app)
            app.extensions["sqlalchemy"].engine.dispose()


@pytest.fixture(scope="module")
def live_app(live_server) -> Flask:
    """The Flask app ``live_server`` serves, for tests that read the server's database.

    Use it only inside ``with live_app.app_context():`` and only to read what a page
    cannot show (an attempt's answer key, say), never to change what is being tested.
    """
    return LIVE_APPS[live_server]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Browser, viewport: dict | None = None) -> Page:
    """A page in a fresh context (own cookies) with the default timeouts set."""
    context = browser.new_context(viewport=viewport or DESKTOP)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def page(browser, request, tmp_path) -> Iterator[Page]:
    """A desktop-sized page in its own context; a screenshot is kept when the test fails."""
    page = new_page(browser)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        shot = tmp_path / "failure.png"
        try:
            page.screenshot(path=str(shot), full_page=True)
            print(f"\nscreenshot of the failure: {shot}")
        except Exception as exc:  # the page may be gone; the failure itself matters more
            print(f"\nno failure screenshot: {exc}")
    page.context.close()


def open_attempt_questions(app: Flask, email: str, kind: str, module_key: str = "") -> list[dict]:
    """The questions (with their grading key) of a person's open attempt, from the database.

    The page never holds the answers, so a test that must answer correctly (or wrongly on
    purpose) reads the attempt's server-side snapshot: ``kind`` is ``check`` (with the
    module's key), ``final`` or ``refresher``. Exactly one open attempt must exist.
    """
    import copy

    from sqlalchemy import select

    from lms.accounts.models import Person
    from lms.db import session
    from lms.quizzes.models import Attempt

    with app.app_context():
        attempt = session.scalars(
            select(Attempt)
            .join(Person, Person.id == Attempt.person_id)
            .where(
                Person.email == email,
                Attempt.kind == kind,
                Attempt.module_key == module_key,
                Attempt.submitted_at.is_(None),
            )
        ).one()
        return copy.deepcopy(attempt.questions)


def sign_in(page: Page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, the way a person does (labels and the button's role)."""
    page.goto(f"{base_url}/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def has_no_horizontal_scroll(page: Page, timeout_ms: int = 3000) -> bool:
    """The page never scrolls sideways, once its layout has settled: polled (as
    Playwright's own assertions are) for up to ``timeout_ms``, since a width read right
    after a navigation can come before the last reflow (seen once in CI: a page reported
    too wide, then 390 px the moment after)."""
    try:
        page.wait_for_function(
            "document.documentElement.scrollWidth <= window.innerWidth", timeout=timeout_ms
        )
    except PlaywrightTimeoutError:
        return False
    return True
