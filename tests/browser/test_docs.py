"""GET /docs in real Chromium: Swagger UI reads the OpenAPI 3.1 description and calls the live service."""

from __future__ import annotations

import json
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import WAIT_SECONDS
from tests.conftest import LiveServer

pytestmark = pytest.mark.live


def _wait(driver: webdriver.Chrome, condition):
    return WebDriverWait(driver, WAIT_SECONDS, poll_frequency=0.1).until(condition)


def _operations(driver: webdriver.Chrome) -> list[WebElement]:
    return driver.find_elements(By.CSS_SELECTOR, ".opblock")


def _documented(server: LiveServer) -> set[tuple[str, str]]:
    with urllib.request.urlopen(server.url + "/openapi.json", timeout=60) as response:
        doc = json.loads(response.read())
    return {(method.upper(), path) for path, item in doc["paths"].items() for method in item}


def _open_docs(driver: webdriver.Chrome, server: LiveServer) -> None:
    driver.get(server.url + "/docs")
    _wait(driver, lambda d: _operations(d) or d.find_elements(By.CSS_SELECTOR, ".errors-wrapper"))


def test_every_operation_is_listed(browser: webdriver.Chrome, live_server: LiveServer) -> None:
    _open_docs(browser, live_server)
    assert browser.find_elements(By.CSS_SELECTOR, ".errors-wrapper") == []
    assert "Unable to render" not in browser.find_element(By.TAG_NAME, "body").text
    shown = {
        (
            op.find_element(By.CSS_SELECTOR, ".opblock-summary-method").text.strip(),
            op.find_element(By.CSS_SELECTOR, ".opblock-summary-path").get_attribute("data-path"),
        )
        for op in _operations(browser)
    }
    assert shown == _documented(live_server)
    assert ("POST", "/chunking") in shown


def test_try_it_out_calls_the_live_service(browser: webdriver.Chrome, live_server: LiveServer) -> None:
    _open_docs(browser, live_server)
    block = browser.find_element(By.CSS_SELECTOR, "#operations-default-chunking")
    block.find_element(By.CSS_SELECTOR, ".opblock-summary-control").click()
    _wait(browser, lambda d: block.find_elements(By.CSS_SELECTOR, ".try-out__btn"))[0].click()
    body = _wait(browser, lambda d: block.find_elements(By.CSS_SELECTOR, "textarea.body-param__text"))[0]
    body.clear()
    text = "Docs can call the service. They show its answer."
    body.send_keys(json.dumps({"text": text, "strategy": "sentence"}))
    block.find_element(By.CSS_SELECTOR, "button.execute").click()
    status = ".live-responses-table tr.response .response-col_status"
    code = _wait(browser, lambda d: block.find_elements(By.CSS_SELECTOR, status))[0]
    assert code.text.strip() == "200"
    shown = block.find_element(By.CSS_SELECTOR, ".live-responses-table tr.response pre.microlight").text
    answer = json.loads(shown)
    assert answer["chunks"] == [text]
    assert answer["strategy"] == "sentence" and answer["count"] == 1
