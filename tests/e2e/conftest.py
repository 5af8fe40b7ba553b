"""The real service on 127.0.0.1 (uvicorn, a free port) and Debian's chromium driven by
Playwright. No browser is downloaded: without /usr/bin/chromium these tests are skipped."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from knowledge.embeddings import LocalMiniLM
from tests.service.pages_world import World, make_world

CHROMIUM = "/usr/bin/chromium"
DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# A test run leaves the repository alone: screenshots go to a temporary folder unless
# ESCALATE_SCREENSHOTS names one (`make screenshots` writes docs/screenshots/).
SHOTS = Path(os.environ.get("ESCALATE_SCREENSHOTS") or tempfile.mkdtemp(prefix="escalate-shots-"))
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@dataclass
class Service:
    url: str
    world: World


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Module-scoped: Playwright's sync API keeps an event loop running on the main thread
    while it is open, and tests after the browser tests call ``asyncio.run``."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def minilm() -> LocalMiniLM:
    return LocalMiniLM()


@pytest.fixture
def service(tmp_path: Path, minilm: LocalMiniLM, browser: object) -> Iterator[Service]:
    """The service with role keys (not --dev) around a fresh agent, served by uvicorn."""
    import uvicorn

    from agent.service.app import create_app

    world = make_world(tmp_path, minilm)
    app = create_app(world.agent, api_keys=world.hashes)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="warning", timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the service did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Service(f"http://127.0.0.1:{port}", world)
    finally:
        for context in browser.contexts:  # type: ignore[attr-defined]
            context.close()  # the pages' event streams end before the server does
        server.should_exit = True
        thread.join(timeout=10)
        world.agent.close()


UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), textarea, select, button')]
  .filter(c => !(c.labels && c.labels.length) && !c.getAttribute('aria-label')
               && !(c.tagName === 'BUTTON' && c.textContent.trim()))
  .map(c => c.outerHTML.slice(0, 120))"""


def shoot(page: object, name: str) -> None:
    """The page at 1280 px and on a phone, into ``SHOTS`` (docs/screenshots/ with `make
    screenshots`, for the README); every
    control on it has a label, and it has a main landmark."""
    assert page.evaluate(UNLABELLED) == []  # type: ignore[attr-defined]
    assert page.locator("main").count() == 1  # type: ignore[attr-defined]
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size  # type: ignore[attr-defined]
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)  # type: ignore[attr-defined]
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"))  # type: ignore[attr-defined]
    page.set_viewport_size(size)  # type: ignore[attr-defined]
