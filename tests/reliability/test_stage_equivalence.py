"""The speed-ups made for hostile inputs change no answer: each is checked against what it replaced."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from nltk.tokenize.texttiling import TextTilingTokenizer

from app.core.chunkers import CHUNKERS
from app.core.chunkers.topic import _LinearTextTiling
from app.core.lexicon import stop_words

WORDS = [
    "bees",
    "hive",
    "Honey",
    "chess",
    "board",
    "ICE",
    "glacier",
    "the",
    "of",
    "café",
    "İstanbul",
    "ß",
    "x",
]
GLUE = [" ", " ", ", ", ". ", "! ", "\n", "\n\n", "\r\n\r\n", "\n\f\n", "\t", " - ", "'s ", "\u3000", "\n \n"]


@st.composite
def paragraphs(draw):
    parts = draw(
        st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(GLUE)), min_size=50, max_size=600)
    )
    return "".join(word + glue for word, glue in parts)


def outcome(tiler, text):
    try:
        return tiler.tokenize(text)
    except (ValueError, ZeroDivisionError, IndexError) as exc:
        return type(exc)


@given(text=paragraphs() | st.text(st.characters(exclude_categories=("Cs",)), max_size=600))
def test_texttiling_tokenize_matches_nltk(text):
    # Same segments, or the same kind of refusal (which the topic strategy turns into its fallback).
    ours = outcome(_LinearTextTiling(stopwords=stop_words()), text)
    assert ours == outcome(TextTilingTokenizer(stopwords=stop_words()), text)


@given(
    parts=st.lists(
        st.sampled_from(["<", "<<", "< ", "a", "b<c", " ", "\n", "\n\n", "é", "日本"]), max_size=80
    )
)
def test_runs_of_stray_angle_brackets_keep_exact_offsets(parts):
    # Literal runs the parser reports one by one are now joined: with no tag
    # and no reference in the text, each chunk's region must hold exactly its
    # visible characters, and together the chunks hold every one.
    text = "".join(parts)
    chunks = CHUNKERS["html"](chunk_size=7).chunk(text)
    for chunk in chunks:
        assert chunk.text.split() == text[chunk.start : chunk.end].split()
    assert "".join("".join(c.text.split()) for c in chunks) == "".join(text.split())
