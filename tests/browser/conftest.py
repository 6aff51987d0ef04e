"""Real headless Chromium (Debian's chromium + chromium-driver) driven by Selenium against a live gunicorn."""

from __future__ import annotations

import json
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.conftest import ROOT, LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# Hang detectors only: generous bounds so a stuck page fails instead of blocking the suite.
PAGE_LOAD_SECONDS = 120
SCRIPT_SECONDS = 120
WAIT_SECONDS = 180
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,800",
)


def _chrome(profile: Path) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    # Report what the page logs so a failing test can show its console errors.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.set_page_load_timeout(PAGE_LOAD_SECONDS)
    driver.set_script_timeout(SCRIPT_SECONDS)
    return driver


@pytest.fixture(scope="session")
def browser() -> Iterator[webdriver.Chrome]:
    """One headless Chromium for the browser tests, with a fresh profile."""
    assert CHROMIUM.is_file() and CHROMEDRIVER.is_file(), "run `make test` (it installs chromium)"
    profile = Path(tempfile.mkdtemp(prefix="chunkwise-chromium-"))
    driver = _chrome(profile)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


class Playground:
    """The playground page in the browser, plus direct API calls to compare it with."""

    def __init__(self, driver: webdriver.Chrome, server: LiveServer) -> None:
        self.driver = driver
        self.server = server

    def open(self, width: int = 1280, height: int = 800) -> Playground:
        """Load the page with a viewport of exactly ``width`` × ``height`` CSS pixels."""
        # Emulated rather than a window size: a window has a minimum width and browser chrome.
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
        )
        self.driver.get(self.server.url + "/")
        self.wait_state("idle")
        return self

    def find(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def wait(self, condition: Callable[[Any], Any], seconds: float = WAIT_SECONDS) -> Any:
        return WebDriverWait(self.driver, seconds, poll_frequency=0.1).until(condition)

    def wait_state(self, *states: str) -> str:
        """Wait until the page says (``body[data-state]``) it is in one of ``states``."""

        def reached(driver: webdriver.Chrome) -> str | None:
            current = driver.execute_script("return document.body.dataset.state")
            return current if current in states else None

        try:
            return str(self.wait(reached))
        except TimeoutException:
            # Say where the page stopped, so a hang can be told from a slow server.
            seen = self.js(
                "return [document.body.dataset.state, document.getElementById('status').textContent,"
                " [...document.querySelectorAll(':invalid')].map((e) => e.id || e.tagName)]"
            )
            log = self.server.log.read_text(errors="replace")[-2000:]
            raise AssertionError(
                f"page never reached {states}: state, status and invalid fields {seen}; browser log "
                f"{self.driver.get_log('browser')}; server log tail:\n{log}"
            ) from None

    def set_text(self, text: str) -> None:
        """Put a text in the box as a paste does: the value changes, then an input event fires."""
        self.js(
            "const t = document.getElementById('text'); t.value = arguments[0];"
            "t.dispatchEvent(new Event('input', {bubbles: true}));",
            text,
        )

    def choose(self, strategy: str) -> None:
        Select(self.find("#strategy")).select_by_value(strategy)

    def option(self, name: str, value: str) -> None:
        field = self.find(f"#opt-{name}")
        field.clear()
        field.send_keys(value)

    def run(self) -> str:
        """Press Chunk and wait until the page has drawn the chunks or shown an error.

        The form is submitted by its button as a click would, without a mouse:
        a pointer click aims at where the button was a moment before, which on
        a busy machine can be a few pixels from where it is when the click lands.
        """
        self.js(
            "document.body.dataset.state = 'submitted';"
            "document.getElementById('chunk-form').requestSubmit(document.getElementById('run'));"
        )
        return self.wait_state("idle", "error")

    def drawn_chunks(self) -> list[int]:
        """Indices of the chunks highlighted in the view."""
        return self.js(
            "const ids = new Set();"
            "for (const s of document.querySelectorAll('#view .seg'))"
            "  s.dataset.c.split(' ').forEach(i => ids.add(+i));"
            "return [...ids].sort((a, b) => a - b);"
        )

    def chunk_text(self, index: int) -> str:
        """The text the view draws as chunk ``index`` (its segments, in order)."""
        return self.js(
            "return [...document.querySelectorAll('#view .seg')]"
            ".filter(s => s.dataset.c.split(' ').includes(String(arguments[0])))"
            ".map(s => s.textContent).join('');",
            index,
        )

    def api(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(
            self.server.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def api_get(self, path: str) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(self.server.url + path, headers={"Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())

    def console_errors(self) -> list[str]:
        """Script errors the page logged; an API answering 4xx on purpose is not one."""
        log = self.driver.get_log("browser")
        return [e["message"] for e in log if e["level"] == "SEVERE" and e.get("source") != "network"]


@pytest.fixture
def page(browser: webdriver.Chrome, live_server: LiveServer) -> Iterator[Playground]:
    """The playground freshly loaded at 1280×800; fails if the page logged a console error."""
    playground = Playground(browser, live_server).open()
    yield playground
    assert playground.console_errors() == []


SAMPLE = (ROOT / "samples" / "article.txt").read_text()
