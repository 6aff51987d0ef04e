"""The published request schemas say exactly what the service accepts.

A JSON Schema validator reads /openapi.json as a client generator would; every
body here is both sent to the service and validated against the operation's
documented schema, and the two verdicts must agree.
"""

from __future__ import annotations

import jsonschema
import pytest

from app.core.chunkers import CHUNKERS
from app.web.openapi import _add_component

TEXT = "Cats purr. Dogs bark.\n\nRockets launch at dawn. They fly."


@pytest.fixture(scope="module")
def doc():
    from app import create_app

    return create_app({"TESTING": True}).test_client().get("/openapi.json").get_json()


def request_validator(doc, path):
    ref = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    return jsonschema.Draft202012Validator({**ref, "components": doc["components"]})


def documented_defaults(doc, name):
    """A body that spells out the strategy and every option at its documented default."""
    props = doc["components"]["schemas"][name]["properties"]
    return {"strategy": props["strategy"]["const"]} | {
        key: spec["default"] for key, spec in props.items() if "default" in spec
    }


def agree(client, doc, path, body):
    status = client.post(path, json=body).status_code
    valid = request_validator(doc, path).is_valid(body)
    assert (status == 200) == valid, (body, status, valid)
    return status


@pytest.mark.parametrize(
    "body",
    [
        {"text": TEXT},
        # Found by schema fuzzing: a text with no strategy, which the service
        # chunks with the default and the schema must call valid.
        {"text": "g\u00e3\b>"},
        {"text": TEXT, "chunk_size": 20},
        {"texts": [TEXT, TEXT]},
        {"texts": [TEXT], "chunk_size": 20},
    ],
    ids=["text", "fuzz-control-char", "text-size", "texts", "texts-size"],
)
def test_the_default_strategy_needs_no_name(client, doc, body):
    assert agree(client, doc, "/chunking", body) == 200


@pytest.mark.parametrize("name", sorted(CHUNKERS))
def test_every_strategy_at_its_documented_defaults_is_accepted(client, doc, name):
    single = documented_defaults(doc, f"{CHUNKERS[name].__name__.removesuffix('Chunker')}ChunkRequest")
    assert single["strategy"] == name and len(single) > 3
    assert agree(client, doc, "/chunking", {**single, "text": TEXT}) == 200
    assert agree(client, doc, "/chunking", {**single, "texts": [TEXT]}) == 200


@pytest.mark.parametrize(
    "body",
    [
        {"text": TEXT, "time_gap": 60},
        {"text": TEXT, "strategy": "recursive", "pack": False},
        {"text": TEXT, "strategy": "nonsense"},
        {"text": TEXT, "texts": [TEXT]},
        {"text": TEXT, "chunk_size": "20"},
        {"text": TEXT, "chunk_size": 0},
        {"chunk_size": 20},
        {"text": TEXT, "chunksize": 20},
    ],
    ids=[
        "option-of-another-strategy",
        "option-of-another-strategy-named",
        "unknown-strategy",
        "text-and-texts",
        "string-for-int",
        "below-minimum",
        "no-text",
        "unknown-field",
    ],
)
def test_what_the_schema_refuses_the_service_refuses(client, doc, body):
    assert agree(client, doc, "/chunking", body) == 400


@pytest.mark.parametrize(
    "body",
    [
        {"text": TEXT},
        {"texts": [TEXT, TEXT], "window": 1},
        {"text": TEXT, "threshold": 0.5, "threshold_method": "gap"},
        {"text": TEXT, "texts": [TEXT]},
        {"text": TEXT, "window": -1},
    ],
    ids=["text", "texts", "threshold", "text-and-texts", "negative-window"],
)
def test_semantic_chunking_schema_agrees(client, doc, body):
    agree(client, doc, "/semantic-chunking", body)


@pytest.mark.parametrize(
    "body",
    [
        {"question": "When do rockets launch?", "chunks": ["Cats purr.", "Rockets launch at dawn."]},
        {"question": "When do rockets launch?", "text": TEXT},
        {"question": "When do rockets launch?", "text": TEXT, "strategy": "sentence", "chunk_size": 40},
        {"question": "When?", "chunks": ["a"], "chunk_size": 40},
        {"question": "When?"},
        {"question": "When?", "chunks": ["a"], "text": "a"},
    ],
    ids=["chunks", "text", "text-options", "chunks-with-option", "no-source", "both-sources"],
)
def test_answer_schema_agrees(client, doc, body):
    agree(client, doc, "/answer", body)


def test_component_names_are_never_shared(doc):
    components = {"Same": {"type": "string"}}
    _add_component(components, "Same", {"type": "string"})
    with pytest.raises(ValueError, match="'Same'"):
        _add_component(components, "Same", {"type": "integer"})
    strategy_models = {f"{c.__name__.removesuffix('Chunker')}ChunkRequest" for c in CHUNKERS.values()}
    assert strategy_models <= set(doc["components"]["schemas"])
    assert "strategy" in doc["components"]["schemas"]["SemanticChunkRequest"]["properties"]
    assert "strategy" not in doc["components"]["schemas"]["SemanticRequest"]["properties"]
