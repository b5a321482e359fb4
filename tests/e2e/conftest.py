"""Fixtures for the browser tests: a `streamlit run` server on 127.0.0.1 and a Chromium that may not leave it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dashboard.ui.appbench import CHROMIUM, CHROMIUM_ARGS, copy_default_inputs, streamlit_server

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder as e2e (select with -m e2e, skip with -m "not e2e")."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@dataclass
class Server:
    """A running dashboard: its URL and the folders it reads and writes."""

    url: str
    data_dir: Path
    inputs: list[Path]


@dataclass
class Watch:
    """What a page did that it should not: requests that tried to leave 127.0.0.1, page errors."""

    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Return Chromium's path, or skip the browser tests with a clear message when it is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium); skipped")
    pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")
    return CHROMIUM


@pytest.fixture(scope="module")
def server(tmp_path_factory, chromium_path) -> Iterator[Server]:
    """Run `streamlit run dashboard/app.py` on copies of the default inputs with a temporary data folder."""
    root = tmp_path_factory.mktemp("dashboard")
    inputs = copy_default_inputs(root / "inputs")
    log = root / "streamlit.log"
    try:
        with streamlit_server(root / "data", inputs, log_path=log) as url:
            yield Server(url, root / "data", inputs)
    except Exception:
        print(log.read_text("utf-8", errors="replace") if log.exists() else "no server log")
        raise


@pytest.fixture(scope="module")
def browser(chromium_path):
    """Return a headless Chromium (Playwright), closed after the module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def is_local(url: str) -> bool:
    """Return True for URLs that stay on this machine."""
    return url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:"))


@pytest.fixture
def watch() -> Watch:
    """Return the record of blocked requests and page errors for one test."""
    return Watch()


@pytest.fixture
def page(browser, watch):
    """Return a fresh page whose requests to anywhere but 127.0.0.1 are aborted and counted."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()

    def guard(route) -> None:
        """Let local requests through; abort and count the rest."""
        if is_local(route.request.url):
            route.continue_()
        else:
            watch.blocked.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("pageerror", lambda error: watch.errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def screenshot():
    """Return the function that saves an element screenshot under tests/e2e/screenshots/."""
    return save_screenshot


def save_screenshot(locator, name: str) -> Path:
    """Write a screenshot of an element to tests/e2e/screenshots/ (and docs/screenshots/ when asked)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    locator.screenshot(path=str(path))
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS"):
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS_SCREENSHOTS / name)
    return path
