from __future__ import annotations

import re

from openapi_spec_validator import validate

from app.core.chunkers import CHUNKERS
from app.web.openapi import DOCUMENT_MEDIA_TYPES


def test_service_info_lists_strategies_options_and_limits(client):
    response = client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    info = response.get_json()
    assert info["name"] == "chunkwise"
    assert sorted(info["strategies"]) == sorted(CHUNKERS)
    fixed = info["strategies"]["fixed"]["options"]
    assert fixed["chunk_size"] == {
        "default": 1000,
        "description": "Hard maximum size of a chunk, in unit.",
        "maximum": 10_000_000,
        "minimum": 1,
        "type": "integer",
    }
    assert fixed["unit"]["enum"] == ["chars", "words", "tokens"]
    assert "pack" in info["strategies"]["sentence"]["options"]
    assert info["limits"]["max_text_chars"] == 2_000_000
    assert info["limits"]["max_pages"] == 1000
    assert "POST /chunking" in info["endpoints"]


def test_curl_default_accept_gets_json(client):
    assert client.get("/", headers={"Accept": "*/*"}).mimetype == "application/json"


def test_browser_gets_a_page(client):
    response = client.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code in (200, 302)
    assert response.mimetype == "text/html" or response.headers["Location"].endswith("/docs")


def test_limits_follow_configuration():
    from app import create_app

    app = create_app({"TESTING": True, "MAX_TEXT_CHARS": 1234, "MAX_ANSWER_CHARS": 4321})
    info = app.test_client().get("/").get_json()
    assert info["limits"]["max_text_chars"] == 1234
    assert info["limits"]["max_answer_chars"] == 4321


def test_health_and_readiness(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["status"] == "ready"
    assert "punkt" in ready.get_json()["loaded"]


def test_openapi_document_is_valid_and_matches_the_registry(client):
    doc = client.get("/openapi.json").get_json()
    validate(doc)
    request = doc["components"]["schemas"]["ChunkRequest"]
    assert len(request["oneOf"]) == len(CHUNKERS)
    body = doc["paths"]["/chunking"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "text/plain", "multipart/form-data", *DOCUMENT_MEDIA_TYPES}
    fixed = doc["components"]["schemas"]["FixedChunkRequest"]
    assert fixed["properties"]["chunk_size"]["minimum"] == 1
    assert fixed["additionalProperties"] is False
    responses = doc["paths"]["/chunking"]["post"]["responses"]
    assert {"200", "400", "413", "415", "422"} <= set(responses)


def test_docs_page_uses_only_local_assets(client):
    page = client.get("/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    for asset in re.findall(r"(?:src|href)=\"(/docs/assets/[^\"]+)\"", html):
        with client.get(asset) as response:
            assert response.status_code == 200
            assert len(response.data) > 1000


def test_query_options_describe_their_default_rather_than_declare_it(client):
    # Swagger UI's "Try it out" sends every declared default in the query string,
    # which a JSON body refuses; the default is told in words instead.
    doc = client.get("/openapi.json").get_json()
    parameters = {p["name"]: p for p in doc["paths"]["/chunking"]["post"]["parameters"]}
    assert all("default" not in p["schema"] for p in parameters.values())
    assert parameters["chunk_size"]["description"] == "Only with a text/plain body; default 1000."
    assert parameters["strategy"]["description"] == 'Only with a text/plain body; default "recursive".'
