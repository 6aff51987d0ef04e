"""GET / for people: the playground page and its own assets, through the Flask test client."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

STATIC = ROOT / "app" / "static"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_browser_gets_the_playground(client):
    response = client.get("/", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Accept" in response.headers["Vary"]
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html and 'name="viewport"' in html
    assert '<label for="text">' in html and '<label for="strategy">' in html


@pytest.mark.parametrize(
    "accept",
    ["application/json", "*/*", None, "application/json, text/html;q=0.5", "text/html;q=0.5, */*"],
    ids=["json", "curl", "none", "json-preferred", "html-less-preferred"],
)
def test_clients_that_do_not_prefer_html_get_json(client, accept):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "strategies" in response.get_json()
    assert "Accept" in response.headers["Vary"]


def test_the_page_loads_only_its_own_assets(client):
    html = client.get("/", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert "<style" not in html and " style=" not in html  # the CSP allows no inline style
    assert not re.search(r"<script>", html)  # nor inline script
    refs = re.findall(r'(?:src|href)="([^"#]+)"', html)
    local = [r for r in refs if r.startswith("/static/")]
    assert len(local) == 2
    assert all(r.startswith(("/", "data:")) for r in refs), refs
    for ref in local:
        with client.get(ref) as response:
            assert response.status_code == 200
            assert response.mimetype in ("text/css", "text/javascript", "application/javascript")


@pytest.mark.parametrize("name", ["playground.js", "playground.css"])
def test_assets_are_small_and_fetch_nothing_from_elsewhere(name):
    source = (STATIC / name).read_text()
    assert len(source.encode()) < 64_000
    urls = set(re.findall(r"https?://[^\s\"')]+", source))
    assert urls <= {"http://www.w3.org/2000/svg"}  # an XML namespace name, never fetched
    assert "@import" not in source and "fonts.g" not in source
