"""Sizes in tokens over HTTP: the option on every endpoint that chunks, and the tokenizer list."""

from __future__ import annotations

import pytest

from app import create_app
from app.config import ConfigError
from app.core import tokenizers
from tests.core.tokenizer_helpers import train_tokenizer

TEXT = (
    "Tokens are what models count. An embedding model reads 512 of them at most.\n\n"
    "Chunks are cut to fit, and every chunk is counted again on its own. "
    "Ça coûte 3,50 € — 日本語のテキスト。 😀\n\nThe last paragraph is short."
)


@pytest.fixture
def tiny_client(tmp_path):
    train_tokenizer(tmp_path / "tiny.json")
    app = create_app({"TESTING": True, "WARM_UP": False, "TOKENIZERS_DIR": str(tmp_path)})
    yield app.test_client()
    tokenizers.configure(None)


def error_field(response, status):
    assert response.status_code == status, response.get_json()
    return response.get_json()["error"]["field"]


def test_service_info_lists_the_tokenizers(tiny_client):
    info = tiny_client.get("/", headers={"Accept": "application/json"}).get_json()
    assert info["tokenizers"] == ["cl100k_base", "o200k_base", "tiny"]
    assert info["default_tokenizer"] == "cl100k_base"


@pytest.mark.parametrize("tokenizer", ["cl100k_base", "o200k_base", "tiny"])
@pytest.mark.parametrize("strategy", ["recursive", "sentence", "fixed", "semantic"])
def test_sizes_are_token_counts_within_chunk_size(tiny_client, strategy, tokenizer):
    body = {"text": TEXT, "strategy": strategy, "chunk_size": 16, "unit": "tokens", "tokenizer": tokenizer}
    answer = tiny_client.post("/chunking", json=body).get_json()
    counter = tokenizers.get_tokenizer(tokenizer)
    sizes = [counter.count(chunk) for chunk in answer["chunks"]]
    assert [m["size"] for m in answer["metadata"]] == sizes
    assert max(sizes) <= 16 and answer["count"] > 1
    assert answer["params"]["tokenizer"] == tokenizer and answer["params"]["unit"] == "tokens"


def test_default_tokenizer_is_echoed(client):
    answer = client.post("/chunking", json={"text": TEXT, "unit": "tokens", "chunk_size": 40}).get_json()
    assert answer["params"]["tokenizer"] == "cl100k_base"
    assert "tokenizer" not in client.post("/chunking", json={"text": TEXT}).get_json()["params"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"unit": "tokens", "tokenizer": "gpt2"}, "tokenizer"),
        ({"unit": "words", "tokenizer": "cl100k_base"}, "tokenizer"),
        ({"unit": "tokens", "chunk_size": 3}, "chunk_size"),
        ({"unit": "tokens", "tokenizer": 5}, "tokenizer"),
    ],
    ids=["unknown", "not-tokens", "too-small", "not-a-string"],
)
def test_bad_tokenizer_options_name_the_field(client, body, field):
    assert error_field(client.post("/chunking", json={"text": TEXT, **body}), 400) == field


def test_query_string_takes_tokens(client):
    response = client.post(
        "/chunking?strategy=paragraph&unit=tokens&tokenizer=o200k_base&chunk_size=30",
        data=TEXT.encode(),
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 200
    assert response.get_json()["params"]["tokenizer"] == "o200k_base"


def test_semantic_chunking_bounds_groups_in_tokens(client):
    body = {"text": TEXT, "unit": "tokens", "max_chunk_size": 20, "min_chunk_size": 5, "window": 0}
    answer = client.post("/semantic-chunking", json=body).get_json()
    counter = tokenizers.get_tokenizer("cl100k_base")
    assert [m["size"] for m in answer["metadata"]] == [counter.count(c) for c in answer["chunks"]]
    assert max(m["size"] for m in answer["metadata"]) <= 20


def test_deprecated_unit_spelling_still_groups(client):
    answer = client.post("/semantic-chunking", json={"text": TEXT, "unit": "paragraph"}).get_json()
    assert answer["initial_chunks"][0] == TEXT.split("\n\n")[0]
    assert [m["size"] for m in answer["metadata"]] == [len(c) for c in answer["chunks"]]


def test_answer_chunks_text_in_tokens(client):
    body = {"text": TEXT, "question": "How many tokens does an embedding model read?", "unit": "tokens"}
    answer = client.post("/answer", json={**body, "chunk_size": 20}).get_json()
    assert answer["found"] and "512" in answer["answer"]
    assert tokenizers.get_tokenizer("cl100k_base").count(answer["answer"]) <= 20
    assert error_field(client.post("/answer", json={**body, "tokenizer": "nope"}), 400) == "tokenizer"


def test_tokenizers_dir_must_exist(tmp_path, monkeypatch):
    monkeypatch.setenv("CHUNKWISE_TOKENIZERS_DIR", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="TOKENIZERS_DIR"):
        create_app({"WARM_UP": False})
