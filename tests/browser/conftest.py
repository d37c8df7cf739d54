"""Browser fixtures: the app served on a free 127.0.0.1 port, and Debian's chromium via Playwright.

The app runs with CSRF on (as in production) against the suite's test database, emptied
around each test. Playwright's sync API runs its own event loop, so it stays in the test
thread; only the web server runs in a background thread. No browser is ever downloaded: a
missing /usr/bin/chromium fails the tests (`make test` installs it).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from college import create_app
from college.extensions import db
from tests.conftest import _empty_all_tables

CHROMIUM = os.environ.get("SILVER_CHROMIUM", "/usr/bin/chromium")   # override only to test the failure
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def live_app(database_url):
    """The app with CSRF on, its tables emptied before and after the test."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                      "SECRET_KEY": "browser-test", "SERVER_NAME": None})
    with app.app_context():
        _empty_all_tables()
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def live_server(live_app):
    """Serve live_app on a free localhost port from a background thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless, per module (Playwright's loop is gone before other tests run).

    Fails (never skips) when chromium is not installed.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(width=..., height=..., scale=...) opens a page; every request it makes is recorded."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900, scale: float = 1):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      device_scale_factor=scale, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.requests = []
        page.on("request", lambda request: page.requests.append(request.url))
        page.set_default_timeout(15000)
        return page

    yield open_page
    for context in contexts:
        context.close()
