"""Every strategy with sizes in tokens, for both built-in encodings, on random text.

Each chunk is re-encoded here with an encoding built by tiktoken's own
constructor (its download replaced by the shipped vocabulary), not by the
code under test.
"""

from __future__ import annotations

import functools

import pytest
import tiktoken
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tiktoken_ext import openai_public

from app.core.chunkers import CHUNKERS
from app.core.tokenizers import BUILTINS, load_ranks

from .test_properties import TEXTS, check_invariants

VISIBLE_TEXT = {"html"}
WORDS = ["The", "tokenizer", "counts", "tokens.", "Ça", "coûte", "3.5€", "日本語。", "😀", "don't", "§2)"]
GAPS = [" ", " ", "\n", "\n\n", "\t", "  "]
PROSE = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(GAPS)).map("".join), max_size=120).map(
    "".join
)


@functools.cache
def reference(name: str) -> tiktoken.Encoding:
    """The encoding as tiktoken itself builds it, from the shipped vocabulary."""
    ranks = load_ranks(name)
    original = openai_public.load_tiktoken_bpe
    openai_public.load_tiktoken_bpe = lambda *args, **kwargs: ranks
    try:
        return tiktoken.Encoding(**getattr(openai_public, name)())
    finally:
        openai_public.load_tiktoken_bpe = original


@pytest.mark.parametrize("encoding", sorted(BUILTINS))
@pytest.mark.parametrize("name", sorted(CHUNKERS))
@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(PROSE, TEXTS), size=st.integers(4, 48), data=st.data())
def test_chunks_fit_in_tokens(name, encoding, text, size, data):
    overlap = data.draw(st.sampled_from([0, 0, size // 4, size - 1]))
    chunker = CHUNKERS[name](chunk_size=size, chunk_overlap=overlap, unit="tokens", tokenizer=encoding)
    chunks = chunker.chunk(text)
    # Offsets, order, no blank chunk, coverage without overlap.
    check_invariants(name, text, chunks, {"chunk_overlap": overlap})
    encode = reference(encoding).encode_ordinary
    counts = [len(encode(c.text)) for c in chunks]
    assert all(count <= size for count in counts), (counts, size)
    assert chunker.chunk(text) == chunks
