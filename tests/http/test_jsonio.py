"""Request bodies: read whole however they arrive; orjson kept only where it is the strict decoder."""

from __future__ import annotations

import io
import json
from types import MappingProxyType
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.web.jsonio import _fast, loads_strict, loads_telling_surrogates, strict_loads

# Characters that matter to the key check: quotes, colons, backslashes, spaces, non-ASCII.
TEXT = st.text(alphabet=st.sampled_from('ab:"\\ {}[],1-tn\u00e9\u2028\U0001f600'), max_size=8)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
)
# Objects as lists of pairs, so that a key may be repeated.
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda items: ("list", items)),
        st.lists(st.tuples(TEXT, inner), max_size=4).map(lambda pairs: ("object", pairs)),
    ),
    max_leaves=12,
)


def render(value: Any, ascii_only: bool, space: str) -> str:
    """JSON text for a generated value, objects keeping every pair (repeated keys too)."""
    if isinstance(value, tuple):
        kind, items = value
        if kind == "list":
            return "[" + f",{space}".join(render(v, ascii_only, space) for v in items) + "]"
        pairs = (
            f"{json.dumps(k, ensure_ascii=ascii_only)}{space}:{space}{render(v, ascii_only, space)}"
            for k, v in items
        )
        return "{" + f",{space}".join(pairs) + "}"
    return json.dumps(value, ensure_ascii=ascii_only)


def outcome(parse: Any, data: str | bytes) -> tuple[str, Any]:
    try:
        return "value", typed(parse(data))
    except ValueError as error:
        return "error", (type(error), str(error))


def typed(value: Any) -> Any:
    """The value with every type spelled out, so 1, 1.0 and True differ."""
    if isinstance(value, dict):
        return ("dict", [(k, typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    return (type(value).__name__, value)


def fast_outcome(data: str | bytes) -> tuple[str, Any]:
    """What loads_strict answers when the fast path is taken (bodies of 16 KiB and more)."""
    done, value = _fast(data)
    return ("value", typed(value)) if done else outcome(strict_loads, data)


@given(VALUES, st.booleans(), st.sampled_from(["", " ", "\n  "]), st.booleans())
def test_the_fast_path_answers_as_the_strict_decoder_does(value, ascii_only, space, as_bytes):
    text = render(value, ascii_only, space)
    data = text.encode("utf-8", "surrogatepass") if as_bytes else text
    assert fast_outcome(data) == outcome(strict_loads, data)


@given(st.binary(max_size=40) | st.text(max_size=20).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_are_answered_as_the_strict_decoder_does(data):
    assert fast_outcome(data) == outcome(strict_loads, data)


def strings_in(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [*value, *(s for v in value.values() for s in strings_in(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return [value] if isinstance(value, str) else []


def encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# Strings with lone surrogates, escaped or raw, to be padded past the fast path's threshold.
SURROGATE_TEXT = st.text(
    alphabet=st.sampled_from(["a", "\u00e9", "\ud800", "\udfff", "\U0001f600", '"', "\\"]), max_size=6
)


@given(st.lists(SURROGATE_TEXT, max_size=3), st.booleans(), st.booleans())
def test_strings_said_to_be_checked_hold_no_lone_surrogate(texts, ascii_only, as_bytes):
    body = json.dumps({"pad": "x" * 16384, "texts": texts}, ensure_ascii=ascii_only)
    data = body.encode("utf-8", "surrogatepass") if as_bytes else body
    try:
        value, checked = loads_telling_surrogates(data)
    except ValueError:
        # orjson and the strict decoder both refused it (a raw surrogate is not UTF-8).
        assert not encodes(body)
        return
    assert checked == all(map(encodes, strings_in(value)))


@pytest.mark.parametrize("repeat", [False, True])
def test_large_bodies_take_the_fast_path_only_when_it_is_exact(repeat):
    chunks = [f"chunk {i}: caf\u00e9 \u201cquoted\u201d" for i in range(2000)]
    text = json.dumps({"question": "q", "chunks": chunks})
    if repeat:
        text = text[:-1] + ', "question": "again"}'
    assert len(text) > 16 * 1024
    assert _fast(text.encode())[0] is not repeat
    assert outcome(loads_strict, text.encode()) == outcome(strict_loads, text.encode())


@pytest.mark.parametrize(
    "body",
    [
        '{"a": 1, "a": 2}',
        '{"a":1,"b":{"c":[1,{"d":2,"d":3}]}}',
        '{"x": ": 1", "x": 2}',
        '{"k\\"": 1, "k\\"": 2}',
        '{"\\u0061": 1, "a": 2}',
        '{"a": 123456789012345678901234567890}',
        '{"a": -9223372036854775809}',
        '{"a": 1e999}',
        '{"a": NaN}',
        '{"a": "\\ud800"}',
        "\ufeff{}",
        "[" * 100 + "]" * 100,
    ],
)
def test_what_orjson_reads_otherwise_goes_to_the_strict_decoder(body):
    assert _fast(body)[0] is False
    assert _fast(body.encode("utf-8"))[0] is False


@pytest.mark.parametrize(
    "body",
    [
        '{"question": "Why?", "chunks": ["a: b", "c \\"d\\": 1", ":e", "\\\\"]}',
        '{"a": [1, 2.5, -3, true, null, {"b": {}}], "c": "\\u00e9"}',
        "[1, 2, 3]",
        '"plain"',
    ],
)
def test_plain_bodies_take_the_fast_path_with_the_same_result(body):
    assert _fast(body.encode("utf-8")) == (True, strict_loads(body))


class Trickle(io.RawIOBase):
    """A request body that arrives a few bytes per read, or breaks off with an error."""

    def __init__(self, data: bytes, fail_after: int | None = None) -> None:
        self.data, self.at, self.fail_after = data, 0, fail_after

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.fail_after is not None and self.at >= self.fail_after:
            raise OSError("connection reset")
        part = self.data[self.at : self.at + min(size, 7)]
        self.at += len(part)
        return part


def post_stream(client, stream: io.RawIOBase, length: int):
    # The body given sets Content-Length; the server reads the stream instead.
    return client.post(
        "/answer",
        data=b" " * length,
        content_type="application/json",
        environ_overrides={"wsgi.input": stream},
    )


def test_a_body_arriving_in_pieces_is_read_whole(client):
    body = json.dumps({"question": "pears", "chunks": ["Pears keep well.", "Plums bruise."]}).encode()
    response = post_stream(client, Trickle(body), len(body))
    assert response.status_code == 200
    assert response.get_json()["chunk_index"] == 0


def test_a_body_cut_short_is_a_400(client):
    body = json.dumps({"question": "pears", "chunks": ["Pears keep well."]}).encode()
    response = post_stream(client, Trickle(body[:20]), len(body))
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "body"


def test_a_connection_lost_while_reading_is_a_400(client):
    body = json.dumps({"question": "pears", "chunks": ["Pears keep well."]}).encode()
    response = post_stream(client, Trickle(body, fail_after=14), len(body))
    assert response.status_code == 400


@pytest.mark.parametrize(
    "text",
    [
        '\\": 1 ' * 3000,  # escaped quotes before colons: candidates that are not keys
        "\\\\" * 20000 + '": 1',  # a long run of backslashes before one
    ],
)
def test_text_that_only_looks_like_keys_goes_to_the_strict_decoder(text):
    # Each candidate costs a step in Python: past a margin the strict decoder decides.
    body = json.dumps({"question": "q", "chunks": [text]}).encode()
    assert len(body) > 16 * 1024
    assert _fast(body)[0] is False
    assert loads_strict(body) == {"question": "q", "chunks": [text]}


def test_a_few_lookalikes_keep_the_fast_path():
    body = json.dumps({"question": "q", "chunks": ['say \\": 1'] * 100 + ["x" * 20000]}).encode()
    assert _fast(body) == (True, strict_loads(body))


def test_responses_are_utf8_and_read_as_pythons_encoder_wrote_them(app):
    value = {
        "text": "café 日本 😀",
        "meta": MappingProxyType({"headings": ("A", "B")}),
        "score": np.float64(0.25),
        "ids": np.arange(3),
        1: None,
    }
    with app.app_context():
        body = app.json.response(value).get_data()
    assert "café 日本 😀".encode() in body
    assert body.endswith(b"}\n")
    expected = {"meta": {"headings": ["A", "B"]}, "score": 0.25, "ids": [0, 1, 2], "1": None}
    assert json.loads(body) == {"text": "café 日本 😀", **expected}


def test_what_orjson_refuses_is_encoded_as_before(app):
    # A lone surrogate or an integer beyond 64 bits: Python's encoder, with its escapes.
    with app.app_context():
        assert app.json.response({"a": "\ud800"}).get_data() == b'{"a":"\\ud800"}\n'
        assert app.json.response({"n": 2**70}).get_data() == b'{"n":%d}\n' % 2**70
