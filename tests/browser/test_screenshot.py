"""The README's picture of the playground: taken by a test at 1280×800, refreshed with UPDATE_SCREENSHOT=1."""

from __future__ import annotations

import os
import struct

import pytest
from selenium.webdriver.common.keys import Keys

from tests.browser.conftest import SAMPLE, Playground
from tests.conftest import ROOT

SCREENSHOT = ROOT / "docs" / "playground.png"
SIZE = (1280, 800)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.live
def test_screenshot_at_1280_by_800_shows_chunks_plot_and_answer(page: Playground) -> None:
    page.set_text(SAMPLE)
    page.choose("/semantic-chunking")
    page.option("window", "1")
    assert page.run() == "idle"
    box = page.find("#question")
    box.send_keys("Why do offsets matter?")
    page.js("document.body.dataset.state = 'submitted'")
    box.send_keys(Keys.ENTER)
    assert page.wait_state("idle") == "idle"
    # The left column scrolls on its own: show the answer there, the plot and the chunks beside it.
    page.js(
        "document.activeElement.blur();"
        "document.getElementById('ask-heading').scrollIntoView({block: 'start'});"
        "window.scrollTo(0, document.getElementById('results').getBoundingClientRect().top + scrollY - 8);"
    )
    for part in ("#summary", "#plot", "#view", "#answer"):
        rect = page.find(part).rect
        top = rect["y"] - page.js("return scrollY")
        assert 0 <= top < SIZE[1] and rect["x"] + rect["width"] <= SIZE[0], part
    assert page.js("return document.documentElement.scrollWidth <= innerWidth")
    png = page.driver.get_screenshot_as_png()
    assert png_size(png) == SIZE
    if os.environ.get("UPDATE_SCREENSHOT"):
        SCREENSHOT.write_bytes(png)


def test_readme_shows_the_screenshot() -> None:
    assert png_size(SCREENSHOT.read_bytes()) == SIZE
    assert "](docs/playground.png)" in (ROOT / "README.md").read_text()
