from __future__ import annotations

import json
import mmap

import numpy as np
import pytest

from app.core import retrieval
from app.core.index_codec import MAGIC, CorruptIndex, PackedStems, decode, encode

CHUNKS = [
    "Pears keep well in a cool cellar through the winter.",
    "Apples ripen in autumn; pick them when the seeds are brown.",
    "",
    "Café owners in Zürich serve pear tart — 🍐 — with cream.",
    "Store apples away from pears: apples give off ethylene.",
]
QUESTIONS = [
    "How do pears keep?",
    "When do apples ripen?",
    "café tart cream",
    "ethylene apples pears",
    "nothing",
]


def entry(index: retrieval.Index, key: str = "k") -> bytes:
    return b"".join(encode(index, key))


@pytest.mark.parametrize("method", retrieval.METHODS)
def test_a_decoded_index_scores_exactly_like_the_fitted_one(method):
    fitted = retrieval.fit(CHUNKS, method)
    decoded = decode(entry(fitted), "k")
    assert decoded.method == method
    assert decoded.size == len(CHUNKS)
    assert dict(decoded.words) == dict(fitted.words)
    for question in QUESTIONS:
        assert np.array_equal(retrieval.scores(decoded, question), retrieval.scores(fitted, question))
        assert retrieval.answer(decoded, question, CHUNKS, top_k=3, min_score=0) == retrieval.answer(
            fitted, question, CHUNKS, top_k=3, min_score=0
        )


def test_decoding_reads_a_memory_map_in_place(tmp_path):
    fitted = retrieval.fit(CHUNKS, "bm25")
    path = tmp_path / "entry"
    path.write_bytes(entry(fitted))
    with path.open("rb") as file:
        buffer = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    decoded = decode(buffer, "k")
    assert np.shares_memory(decoded.weights.data, np.frombuffer(buffer, dtype=np.uint8))
    assert retrieval.search(decoded, "pears", top_k=2) == retrieval.search(fitted, "pears", top_k=2)


@pytest.mark.parametrize("chunks", [[], [""], ["the and of"]], ids=["none", "empty", "stop-words"])
def test_indexes_without_terms_round_trip(chunks):
    decoded = decode(entry(retrieval.fit(chunks, "tfidf")), "k")
    assert decoded.size == len(chunks)
    assert len(decoded.words) == 0
    assert retrieval.search(decoded, "pears", top_k=3) == []


def test_packed_stems_find_every_stem_and_nothing_else():
    words = {"pear": 0, "zürich": 1, "🍐": 2, "appl": 3, "a": 4}
    fitted = retrieval.Index("bm25", words, np.zeros(0, dtype=np.int64), np.zeros(0), None, 0)
    stems = PackedStems(*_stem_parts(fitted))
    assert {w: stems[w] for w in words} == words
    assert sorted(stems) == sorted(words)
    assert stems.get("pea", -1) == -1
    assert stems.get("zz", -1) == -1
    assert "" not in stems


def _stem_parts(index: retrieval.Index):
    from app.core.index_codec import _stem_arrays

    offsets, ids, blob = _stem_arrays(index.words)
    return blob, offsets, ids


def test_an_entry_for_another_key_is_refused():
    with pytest.raises(CorruptIndex, match="another key"):
        decode(entry(retrieval.fit(CHUNKS, "bm25"), "first"), "second")


def _header_end(data: bytes) -> int:
    length = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "little")
    return len(MAGIC) + 4 + length


def _with_header(data: bytes, **changes) -> bytes:
    end = _header_end(data)
    header = json.loads(data[len(MAGIC) + 4 : end])
    header.update(changes)
    head = json.dumps(header).encode()
    prefix = MAGIC + len(head).to_bytes(4, "little") + head
    body_start = end + (-end % 8)
    return prefix + bytes(-len(prefix) % 8) + data[body_start:]


CORRUPTIONS = [
    "empty",
    "other-magic",
    "older-version",
    "truncated",
    "trailing",
    "header-not-json",
    "huge-header-length",
    "unknown-method",
    "negative-size",
    "fewer-rows",
    "lengths-disagree",
]


def _corruptions(data: bytes) -> dict[str, bytes]:
    lengths = json.loads(data[len(MAGIC) + 4 : _header_end(data)])["lengths"]
    return {
        "empty": b"",
        "other-magic": b"X" + data[1:],
        "older-version": data.replace(MAGIC, b"chunkwise-index-3\n", 1),
        "truncated": data[: len(data) // 2],
        "trailing": data + bytes(8),
        "header-not-json": data[: len(MAGIC) + 4] + b"!" + data[len(MAGIC) + 5 :],
        "huge-header-length": MAGIC + (10**9).to_bytes(4, "little") + data[len(MAGIC) + 4 :],
        "unknown-method": _with_header(data, method="lsa"),
        "negative-size": _with_header(data, size=-1),
        "fewer-rows": _with_header(data, size=1),
        "lengths-disagree": _with_header(data, lengths=[*lengths[:-1], lengths[-1] - 8]),
    }


@pytest.mark.parametrize("name", CORRUPTIONS)
def test_corrupt_entries_raise_corrupt_index(name):
    data = entry(retrieval.fit(CHUNKS, "bm25"))
    with pytest.raises(CorruptIndex):
        decode(_corruptions(data)[name], "k")


def test_out_of_range_rows_are_refused():
    fitted = retrieval.fit(CHUNKS, "bm25")
    weights = fitted.weights.copy()
    weights.indices[0] = 99
    broken = retrieval.Index(fitted.method, fitted.words, fitted.terms, fitted.idf, weights, fitted.size)
    with pytest.raises(CorruptIndex, match="out of range"):
        decode(entry(broken), "k")


def test_a_flipped_byte_anywhere_is_refused_or_still_answers():
    data = entry(retrieval.fit(CHUNKS, "tfidf"))
    refused = 0
    for position in range(0, len(data), 3):
        garbled = bytearray(data)
        garbled[position] ^= 0xA5
        try:
            decoded = decode(bytes(garbled), "k")
        except CorruptIndex:
            refused += 1
            continue
        for question in QUESTIONS:
            ranking = retrieval.search(decoded, question, top_k=3)
            assert all(0 <= r.index < len(CHUNKS) for r in ranking)
    assert refused > 0
