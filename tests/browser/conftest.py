"""Fixtures for the browser tests: the page served by ``cgsim viz`` (as ``solara run``), and Debian's
Chromium driven by Playwright's Python package (it cannot download a browser of its own here).

Solara's CDN is pointed at a closed local port, so a front-end file that is not installed locally
(``python -m cgsim.viz.assets``) breaks the page here as it would on a machine without internet,
instead of quietly coming from the internet. Screenshots and the server's log go to
``tests/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CGSIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
HERE = Path(__file__).resolve().parent
#: how long a page may take to react: generous, because these tests check behaviour, not speed, and a
#: shared 2-core machine can stall a redraw (rebuilding a side-by-side pair) well past a minute
WAIT_MS = 180_000


ARTIFACTS = HERE.parent / "artifacts"
CONFIG = HERE / "viz_config.yaml"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None


def skip_reason() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if sync_playwright is None:
        return "browser tests need Playwright's Python package (pip install -e '.[dev]')"
    if not Path(CHROMIUM).is_file():
        return (f"browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium; "
                f"or set CGSIM_CHROMIUM)")
    return None


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the page in Chromium (skipped, with the reason, "
                                       "when Chromium or Playwright is missing)")


def pytest_collection_modifyitems(config, items):
    reason = skip_reason()
    if reason:
        for item in items:
            if item.get_closest_marker("browser"):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def server():
    """The page on a free local port; yields its address."""
    from cgsim.viz.assets import missing
    from cgsim.viz.launch import free_port, start, wait_ready

    gaps = missing()
    if gaps:
        pytest.fail("Solara's front-end packages are not installed ("
                    + ", ".join(f"{k}@{v}" for k, v in gaps.items())
                    + "): the page would be blank offline. Run `python -m cgsim.viz.assets` (needs npm).")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / "viz_server.log", "w")
    dead_cdn = f"http://127.0.0.1:{free_port()}/"  # nothing listens there
    proc, url = start(str(CONFIG), port=0, env={"SOLARA_ASSETS_CDN": dead_cdn, "CGSIM_VIZ_TIMING": "1"},
                      stdout=log, stderr=subprocess.STDOUT)
    try:
        if not wait_ready(url, proc, timeout=120):
            pytest.fail(f"the page did not start (see {ARTIFACTS / 'viz_server.log'})")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class Page:
    """A fresh browser page on the app, recording every request and what failed."""

    def __init__(self, browser, url: str, tmp: Path):
        self.url = url
        self.context = browser.new_context(viewport={"width": 1600, "height": 1800})
        self.pw = self.context.new_page()
        self.wait_ms = WAIT_MS
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.pw.on("request", lambda r: self.requests.append(r.url))
        self.pw.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.pw.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} (HTTP {r.status})"))
        self.pw.on("pageerror", lambda e: self.failed.append(f"page error: {e}"))

    def open(self) -> None:
        self.pw.goto(self.url)
        self.pw.wait_for_selector(".cgsim-status", timeout=120_000)
        self.wait_images()

    def wait_images(self) -> None:
        self.pw.wait_for_function("() => { const im = [...document.querySelectorAll('img.cgsim-network, "
                                  "img.cgsim-chart')]; return im.length >= 7 && im.every(i => i.complete "
                                  "&& i.naturalWidth > 0); }", timeout=WAIT_MS)

    def status(self) -> str:
        return self.pw.locator(".cgsim-status").inner_text()

    def click_and_wait(self, name: str, timeout: float = WAIT_MS) -> None:
        """Click a button and wait until the status line has changed: its text (week, timings) after a step,
        its session class after a Reset (a rebuilt week 0 can show the same timings to the millisecond)."""
        status = self.pw.locator(".cgsim-status")
        before = [status.inner_text(), status.get_attribute("class")]
        self.pw.get_by_role("button", name=name, exact=True).click()
        self.pw.wait_for_function("b => { const e = document.querySelector('.cgsim-status'); "
                                  "return e && (e.innerText !== b[0] || e.className !== b[1]); }",
                                  arg=before, timeout=timeout)

    def shot(self, name: str) -> Path:
        path = ARTIFACTS / name
        self.pw.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def page(browser, server, tmp_path):
    p = Page(browser, server, tmp_path)
    yield p
    p.context.close()
