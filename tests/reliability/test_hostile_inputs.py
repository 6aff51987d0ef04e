"""Hostile inputs on every endpoint and strategy: a correct 200 or a 4xx naming the field, never worse.

Each request runs under a generous hang detector counting CPU time (the
machine's load cannot trip it); it only catches a request that would never
end, it says nothing about speed (the speed targets are measured in
``benchmarks/bench_scaling.py``). A 200 must hold correct chunks: offsets
that reproduce each chunk (except ``html``), increasing starts, no chunk over
``chunk_size``, and every non-whitespace character of the text in exactly one
chunk, so nothing is silently dropped. An error must be JSON in the
documented shape naming the field at fault: never a 5xx, an HTML page or a
traceback.
"""

from __future__ import annotations

import io
import json
import threading
from typing import Any

import pytest

from app import create_app
from app.config import DEFAULTS
from app.core.chunkers import CHUNKERS
from tests.conftest import join_or_fail
from tests.helpers import assert_error, check_chunks, non_space

HANG_CPU_SECONDS = 120
MB = 1_000_000
LIMIT = DEFAULTS["MAX_TEXT_CHARS"]

# Shapes that once made a strategy quadratic, at sizes that would show it.
LARGE = {
    "no-whitespace": "x" * 200_000,
    "dots": "." * MB,
    "newlines": "\n" * MB,
    "hashes": "#" * MB,
    "lt": "<" * MB,
    "a-dot": "a. " * (MB // 3),
    "sentences": "Yes. " * (MB // 5),
}
# Characters that trip careless code, each in a text long enough to be split
# at a small chunk_size.
UNICODE = {
    "nul": "One\x00two three.\x00\n\nFour\x00 five.",
    "bidi": "Left \u202eright to left\u202c and \u2066isolated\u2069 text. \u200fMark\u200e here.",
    "zero-width": "zero\u200bwidth\u200c non\u200djoiner \ufeffBOM inside. Soft\u00adhyphen.",
    "crlf": "Line one.\r\nLine two.\r\n\r\nSecond paragraph.\r\n",
    "lone-cr": "Line one.\rLine two.\r\rSecond paragraph.\r",
    "form-feeds": "Page one.\f\fPage three.\fPage four.\f",
    "emoji-combining": "Family 👩‍👩‍👧‍👦 flag 🇫🇷 skin 👍🏽. "
    "Cafe\u0301 na\u0308i\u0308ve Z\u0327\u0301\u0308.\n\n",
}
ENDPOINTS = [*sorted(CHUNKERS), "/semantic-chunking", "/answer"]


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True, "LOG_LEVEL": "WARNING"}).test_client()


def post(client, path: str, **kwargs: Any):
    """POST under the hang detector; an exception inside the app fails the test with its traceback."""
    box: list[Any] = []

    def run() -> None:
        try:
            box.append(client.post(path, **kwargs))
        except BaseException as exc:  # re-raised below, in the test's own thread
            box.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    join_or_fail(worker, f"POST {path}", HANG_CPU_SECONDS)
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]


def request_for(endpoint: str, text: str, **options: Any) -> tuple[str, dict[str, Any]]:
    if endpoint == "/semantic-chunking":
        return endpoint, {"text": text, **options}
    if endpoint == "/answer":
        return endpoint, {"question": "Which line holds the second paragraph?", "text": text, **options}
    return "/chunking", {"text": text, "strategy": endpoint, **options}


def check_answer(endpoint: str, text: str, response, size: int | None) -> None:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    body = response.get_json()
    if endpoint == "/answer":
        assert body["found"] in (True, False)
        assert isinstance(body["answer"], str) and len(body["ranking"]) <= 3
        if body["found"]:
            assert body["answer"][body["sentence_start"] : body["sentence_end"]] == body["sentence"]
        return
    strategy = "semantic" if endpoint == "/semantic-chunking" else endpoint
    check_chunks(text, body, strategy, size)
    if endpoint == "/semantic-chunking":
        units = {"chunks": body["initial_chunks"], "metadata": _unit_metadata(text, body)}
        check_chunks(text, units, "semantic", None)


def _unit_metadata(text: str, body: dict[str, Any]) -> list[dict[str, int]]:
    # initial_chunks carry no offsets; group i starts at its first unit, and units follow in order.
    metadata, pos = [], 0
    for unit in body["initial_chunks"]:
        start = text.index(unit, pos)
        metadata.append({"start": start, "end": start + len(unit)})
        pos = start + len(unit)
    return metadata


def default_size(endpoint: str) -> int | None:
    return None if endpoint in ("/semantic-chunking", "/answer") else 1000


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("shape", sorted(LARGE))
def test_large_hostile_text(client, endpoint, shape):
    text = LARGE[shape]
    path, body = request_for(endpoint, text)
    response = post(client, path, json=body)
    if response.status_code == 422:
        # Some shapes are refused by the chunk limit, never cut short.
        assert_error(response, 422, field="text" if endpoint == "/semantic-chunking" else "chunk_size")
        return
    check_answer(endpoint, text, response, default_size(endpoint))


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("shape", sorted(UNICODE))
def test_unicode_edge_cases(client, endpoint, shape):
    text = UNICODE[shape] * 200
    options = {} if endpoint == "/answer" else {"chunk_size": 40}
    if endpoint == "/semantic-chunking":
        options = {"max_chunk_size": 40}
    path, body = request_for(endpoint, text, **options)
    response = post(client, path, json=body)
    check_answer(endpoint, text, response, 40 if options else None)


@pytest.mark.parametrize("shape", sorted(UNICODE))
def test_unicode_edge_cases_as_plain_text_and_upload(client, shape):
    text = UNICODE[shape] * 20
    plain = post(
        client, "/chunking?strategy=sentence&chunk_size=30", data=text.encode(), content_type="text/plain"
    )
    check_answer("sentence", text, plain, 30)
    upload = {"file": (io.BytesIO(text.encode()), "doc.txt"), "strategy": "paragraph", "chunk_size": "30"}
    response = post(client, "/chunking", data=upload, content_type="multipart/form-data")
    check_answer("paragraph", text, response, 30)


# --- JSON that Python's parser would take, or choke on -------------------------------------------------

NESTED = "[" * 100_000 + "]" * 100_000
HUGE_INT = "1" + "0" * 4999
HUGE_FRACTION = "0." + "0" * 4998 + "1"


@pytest.mark.parametrize("path", ["/chunking", "/semantic-chunking", "/answer"])
@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (NESTED, "body"),
        ('{"text": ' + "[" * 50_000 + "]" * 50_000 + "}", "body"),
        ('{"text": "a", "chunk_size": ' + HUGE_INT + "}", "body"),
        ('{"text": "a", "chunk_size": 1e5000}', "body"),
        ('{"text": "a", "chunk_size": NaN}', "body"),
        ('{"text": "a", "chunk_size": Infinity}', "body"),
        ('{"text": "a", "chunk_size": -Infinity}', "body"),
        ('{"text": "a", "text": "b"}', "body"),
        ('"just a string"', "body"),
        ("", "body"),
    ],
    ids=[
        "nested-array",
        "nested-text",
        "5000-digit-int",
        "1e5000",
        "nan",
        "infinity",
        "-infinity",
        "duplicate-keys",
        "not-an-object",
        "empty",
    ],
)
def test_malformed_json_is_a_400_naming_the_body(client, path, raw, field):
    response = post(client, path, data=raw.encode(), content_type="application/json")
    assert_error(response, 400, field=field)


@pytest.mark.parametrize("path", ["/chunking", "/semantic-chunking"])
def test_a_5000_digit_fraction_is_refused_by_type(client, path):
    option = "chunk_size" if path == "/chunking" else "window"
    raw = '{"text": "a", "' + option + '": ' + HUGE_FRACTION + "}"
    response = post(client, path, data=raw.encode(), content_type="application/json")
    assert_error(response, 400, field=option)


def test_a_5000_digit_fraction_is_a_valid_score(client):
    raw = '{"question": "bees", "chunks": ["bees"], "min_score": ' + HUGE_FRACTION + "}"
    response = post(client, "/answer", data=raw.encode(), content_type="application/json")
    assert response.status_code == 200 and response.get_json()["found"] is True


@pytest.mark.parametrize("path", ["/chunking", "/semantic-chunking", "/answer"])
def test_a_query_string_beside_a_json_body_is_refused(client, path):
    response = post(client, path + "?chunk_size=5", json={"text": "a", "question": "q"})
    assert_error(response, 400, field="chunk_size")


INVALID_UTF8 = b"caf\xc3 \xff\xfe and \xed\xa0\x80 a surrogate"


@pytest.mark.parametrize("path", ["/chunking", "/semantic-chunking", "/answer"])
def test_invalid_utf8_in_json(client, path):
    raw = b'{"text": "' + INVALID_UTF8 + b'", "question": "q"}'
    assert_error(post(client, path, data=raw, content_type="application/json"), 400, field="body")


@pytest.mark.parametrize("path", ["/chunking", "/semantic-chunking"])
def test_invalid_utf8_as_plain_text_and_upload(client, path):
    assert_error(post(client, path, data=INVALID_UTF8, content_type="text/plain"), 400, field="text")
    upload = {"file": (io.BytesIO(INVALID_UTF8), "doc.txt")}
    assert_error(post(client, path, data=upload, content_type="multipart/form-data"), 400, field="file")


@pytest.mark.parametrize("path", ["/chunking", "/semantic-chunking", "/answer"])
@pytest.mark.parametrize("pad", [0, 20_000], ids=["small", "large"])
def test_escaped_lone_surrogate_is_refused(client, path, pad):
    # A large body is read by orjson, which refuses the surrogate; the strict
    # decoder then reads it, and the model names the field.
    raw = b'{"text": "' + b"a" * pad + b'a\\ud800b", "question": "q"}'
    assert_error(post(client, path, data=raw, content_type="application/json"), 400, field="text")


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/chunking", {"strategy": "fixed", "texts": ["x" * 20_000, "caf\u00e9 \ud800"]}, "texts[1]"),
        ("/semantic-chunking", {"texts": ["x" * 20_000, "\udfff caf\u00e9"]}, "texts[1]"),
        ("/answer", {"question": "q", "chunks": ["x" * 20_000, "ok", "na\u00efve \ud800"]}, "chunks[2]"),
    ],
)
def test_a_lone_surrogate_in_a_large_body_is_named(client, path, body, field):
    raw = json.dumps(body).encode()
    assert_error(post(client, path, data=raw, content_type="application/json"), 400, field=field)


# --- Limits: refused before work, never cut short ---------------------------------------------------------

BIGGEST = ("abcd " * (LIMIT // 5))[:LIMIT]


@pytest.mark.parametrize("strategy", sorted(CHUNKERS))
@pytest.mark.parametrize("unit", ["chars", "words"])
def test_chunk_size_1_on_the_largest_text_is_refused_before_work(client, monkeypatch, strategy, unit):
    cls = CHUNKERS[strategy]
    calls = []
    monkeypatch.setattr(cls, "chunk", lambda self, text: calls.append(text) or [])
    options = {"chunk_size": 1, "unit": unit}
    if strategy == "semantic":
        options = {"chunk_size": 1} if unit == "chars" else {"max_chunk_size": 1}
    response = post(client, "/chunking", json={"text": BIGGEST, "strategy": strategy, **options})
    assert_error(response, 422, field=next(iter(options)) if strategy == "semantic" else "chunk_size")
    assert calls == [], "the text was chunked before the request was refused"


def test_semantic_max_chunk_size_1_on_the_largest_text_is_refused_before_work(client, monkeypatch):
    from app.web.routes import semantic

    calls = []
    monkeypatch.setattr(semantic, "analyze", lambda *args, **kwargs: calls.append(args))
    response = post(client, "/semantic-chunking", json={"text": BIGGEST, "max_chunk_size": 1})
    assert_error(response, 422, field="max_chunk_size")
    assert calls == []


def test_answer_chunk_size_1_on_the_largest_text_is_refused_before_work(client, monkeypatch):
    calls = []
    monkeypatch.setattr(CHUNKERS["recursive"], "chunk", lambda self, text: calls.append(text) or [])
    response = post(client, "/answer", json={"question": "q", "text": BIGGEST, "chunk_size": 1})
    assert_error(response, 422, field="chunk_size")
    assert calls == []


@pytest.mark.parametrize("path", ["/chunking", "/semantic-chunking", "/answer"])
def test_text_at_the_limit_is_whole_and_one_over_is_a_413(client, path):
    body = {"text": BIGGEST, "question": "Which letters?"}
    if path == "/chunking":
        response = post(client, path, json={"text": BIGGEST})
        assert response.status_code == 200
        assert sum(map(non_space, response.get_json()["chunks"])) == non_space(BIGGEST)
    over = {**body, "text": BIGGEST + "e"}
    if path != "/answer":
        over.pop("question")
    assert_error(post(client, path, json=over), 413, field="text")


def test_ten_thousand_empty_chunks_to_answer(client):
    response = post(client, "/answer", json={"question": "anything at all", "chunks": [""] * 10_000})
    assert response.status_code == 200
    body = response.get_json()
    assert body["found"] is False and body["answer"] == "" and body["ranking"] == []
    too_many = post(client, "/answer", json={"question": "q", "chunks": [""] * 10_001})
    assert_error(too_many, 413, field="chunks")


def test_a_question_of_stop_words_only(client):
    chunks = ["The cat sat on the mat.", "It was the best of times."]
    response = post(client, "/answer", json={"question": "Is it the one that was on it?", "chunks": chunks})
    assert response.status_code == 200
    body = response.get_json()
    assert body["found"] is False and body["answer"] == "" and body["chunk_index"] is None


def test_a_batch_of_hostile_texts(client):
    texts = [LARGE["lt"][:100_000], LARGE["newlines"][:100_000], *(UNICODE[s] * 10 for s in sorted(UNICODE))]
    response = post(client, "/chunking", json={"texts": texts, "strategy": "recursive", "chunk_size": 50})
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert len(results) == len(texts)
    for text, result in zip(texts, results, strict=True):
        check_chunks(text, result, "recursive", 50)


def test_a_batch_over_the_text_limit_in_all_is_refused(client):
    texts = [BIGGEST[: LIMIT // 2], BIGGEST[: LIMIT // 2 + 1]]
    assert_error(post(client, "/chunking", json={"texts": texts}), 413, field="texts")


def test_json_response_is_valid_for_every_unicode_shape(client):
    # The JSON sent back must parse as JSON (no NaN, no lone surrogate), for each shape at once.
    text = "".join(UNICODE.values())
    raw = post(client, "/chunking", json={"text": text, "chunk_size": 7}).get_data(as_text=True)
    assert json.loads(raw)["count"] > 0


# --- Bodies built to make validation list millions of errors ---------------------------------------------

# As many items as fit in the default body limit (10 MB).
MANY = 1_500_000


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/chunking", {"texts": [0] * MANY}, "texts[0]"),
        ("/chunking", {"texts": ["fine", *([None] * MANY)]}, "texts[1]"),
        ("/semantic-chunking", {"texts": [[]] * MANY}, "texts[0]"),
        ("/answer", {"question": "q", "chunks": [0] * MANY}, "chunks[0]"),
    ],
    ids=["texts", "texts-after-one", "semantic-texts", "answer-chunks"],
)
def test_millions_of_wrong_items_name_the_first(client, path, body, field):
    response = post(client, path, data=json.dumps(body).encode(), content_type="application/json")
    assert_error(response, 400, field=field)


def _key(i: int) -> str:
    return format(i, "x")


@pytest.mark.parametrize("path", ["/chunking", "/semantic-chunking", "/answer"])
def test_a_million_unknown_keys_name_the_first(client, path):
    keys = ",".join(f'"{_key(i)}":0' for i in range(1_000_000))
    known = '"question": "q", "chunks": ["a"]' if path == "/answer" else '"text": "a"'
    raw = "{" + known + ", " + keys + "}"
    error = assert_error(
        post(client, path, data=raw.encode(), content_type="application/json"), 400, field="0"
    )
    assert error["message"] == "unknown field '0'"


def test_markup_is_not_counted_as_content_by_the_chunk_limit(client):
    # Two million characters of tags hold no visible text: nothing to refuse, no chunk to give.
    response = post(
        client, "/chunking", json={"text": "<div>" * (LIMIT // 5), "strategy": "html", "chunk_size": 1}
    )
    assert response.status_code == 200 and response.get_json()["chunks"] == []
    small = post(client, "/chunking", json={"text": "<p>a" * 40_000, "strategy": "html", "chunk_size": 1})
    assert small.status_code == 200 and small.get_json()["count"] == 40_000
