"""Tokenizers: built-in tiktoken encodings read offline, Hugging Face files, exact span counts."""

from __future__ import annotations

import dataclasses
import socket

import pytest
import tiktoken
from hypothesis import given
from hypothesis import strategies as st
from tiktoken_ext import openai_public

from app.core import tokenizers
from app.core.tokenizers import BUILTINS, TokenizerSet, UnknownTokenizer, load_ranks

from .tokenizer_helpers import train_tokenizer

SAMPLE = "Tokens count. Ça coûte 3.5 € — 日本語のテキスト。 😀 don't\n\n  x\ty\r\nz!\n"


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_builtin_encodings_are_tiktokens_own(name, monkeypatch):
    ranks = load_ranks(name)
    seen = {}

    def loader(url, expected_hash=None):
        seen["hash"] = expected_hash
        return ranks

    # tiktoken's own constructor, with its download replaced by the shipped file.
    monkeypatch.setattr(openai_public, "load_tiktoken_bpe", loader)
    theirs = getattr(openai_public, name)()
    ours = BUILTINS[name]
    assert seen["hash"] == ours.sha256
    assert theirs["pat_str"] == ours.pat_str
    assert theirs["special_tokens"] == ours.special_tokens
    reference = tiktoken.Encoding(**theirs)
    assert tokenizers.get_tokenizer(name).count(SAMPLE) == len(reference.encode_ordinary(SAMPLE))


def test_nothing_is_fetched(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a tokenizer tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    fresh = TokenizerSet()
    for name in BUILTINS:
        assert fresh.get(name).count("offline, always") > 0


def test_a_corrupt_vocabulary_is_refused(monkeypatch):
    wrong = dataclasses.replace(BUILTINS["cl100k_base"], sha256="0" * 64)
    monkeypatch.setitem(BUILTINS, "cl100k_base", wrong)
    with pytest.raises(ValueError, match="SHA-256"):
        load_ranks("cl100k_base")


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(UnknownTokenizer, match="cl100k_base, o200k_base"):
        TokenizerSet().get("gpt2")


def test_loaded_once_per_process():
    assert tokenizers.get_tokenizer("cl100k_base") is tokenizers.get_tokenizer("cl100k_base")


def test_hugging_face_files_in_the_directory(tmp_path):
    train_tokenizer(tmp_path / "tiny.json")
    (tmp_path / "notes.txt").write_text("not a tokenizer")
    found = TokenizerSet(tmp_path)
    assert found.names() == ["cl100k_base", "o200k_base", "tiny"]
    tiny = found.get("tiny")
    assert tiny is found.get("tiny")
    assert tiny.count("the quick brown fox") == len(tiny.model.encode("the quick brown fox").ids)
    index = tiny.index(SAMPLE)
    assert index.count(0, len(SAMPLE)) == tiny.count(SAMPLE)
    with pytest.raises(UnknownTokenizer):
        found.get("notes")


SPAN_TEXT = st.lists(
    st.sampled_from(list("ab Zé3.,'!\n\t\r-/日😀") + ["  ", "\n\n", " the", "don't", "ABC", "123456"]),
    max_size=60,
).map("".join)


@pytest.mark.parametrize("name", sorted(BUILTINS))
@given(text=SPAN_TEXT, data=st.data())
def test_span_counts_are_exact(name, text, data):
    tokenizer = tokenizers.get_tokenizer(name)
    index = tokenizer.index(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    exact = tokenizer.count(text[start:end])
    assert index.count(start, end) == exact
    assert index.estimate(0, len(text)) == tokenizer.count(text)
    # fits() decides from a bound when it can: limits around the count are where it cannot.
    for limit in {0, max(exact - 1, 0), exact, exact + 1, exact + 30}:
        assert index.fits(start, end, limit) == (exact <= limit)


def _overlapping_by_offsets(ends: list[int], start: int, end: int) -> int:
    """Tokens overlapping ``[start, end)`` counted one by one from each token's offsets."""
    starts = [0, *ends[:-1]]
    return sum(1 for s, e in zip(starts, ends, strict=True) if s < end and e > start)


@pytest.mark.parametrize("name", sorted(BUILTINS))
@given(text=SPAN_TEXT, data=st.data())
def test_estimates_agree_before_and_after_the_lookup_list(name, text, data):
    # The first estimates are looked up in the array, later ones in a list
    # made from it: both must count the same tokens, and advance() with them.
    tokenizer = tokenizers.get_tokenizer(name)
    ends = tokenizer.index(text)._ends_array.tolist()
    index = tokenizer.index(text)
    spans = data.draw(
        st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, len(text))), min_size=70, max_size=80)
    )
    for start, end in spans:
        expected = _overlapping_by_offsets(ends, start, end) if start < end else 0
        assert index.estimate(start, end) == expected
        reached = index.advance(start, 1)
        later = [e for e in ends if e > start]
        assert reached == (later[0] if later else start)
