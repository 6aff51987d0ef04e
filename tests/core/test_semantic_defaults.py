"""Semantic chunking at its defaults on a long real document: bounded groups, headings kept with sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.chunkers.heading_lines import join_headings
from app.core.chunkers.semantic import DEFAULT_MAX_CHUNK_SIZE, SemanticChunker, SemanticOptions, analyze
from benchmarks.bench_semantic_defaults import heading_only

GPL3 = Path("/usr/share/common-licenses/GPL-3")
HEADINGS = ("Preamble", "0. Definitions.", "11. Patents.", "TERMS AND CONDITIONS")


@pytest.fixture(scope="module")
def licence() -> str:
    return GPL3.read_text(encoding="utf-8")


@pytest.mark.parametrize("similarity", ["tfidf", "embeddings"])
def test_no_group_over_the_ceiling_and_no_heading_alone(licence, similarity):
    result = analyze(licence, SemanticOptions(similarity=similarity))
    texts = [licence[slice(*result.span(g))] for g in result.groups]
    assert max(map(len, texts)) <= DEFAULT_MAX_CHUNK_SIZE == 4000
    assert not [t for t in texts if heading_only(t)]
    # Each heading opens the group it belongs to, never ends one.
    for heading in HEADINGS:
        holder = next(t for t in texts if heading in t)
        assert not holder.rstrip().endswith(heading)
    # The whole text is covered, in order.
    assert " ".join(texts).split() == licence.split()


def test_the_semantic_strategy_keeps_headings_with_their_sections(licence):
    chunks = SemanticChunker(chunk_size=800).chunk(licence)
    assert all(len(c.text) <= 800 for c in chunks)
    assert not [c.text for c in chunks if heading_only(c.text)]
    assert not [c.text for c in chunks if c.text.strip() in HEADINGS]


def test_threshold_choices_say_how_many_groups_each_gives(licence):
    result = analyze(licence, SemanticOptions())
    counts = dict(result.alternatives)
    assert len(counts) >= 2
    # A lower threshold splits fewer valleys: never more groups.
    ordered = [counts[t] for t in sorted(counts)]
    assert ordered == sorted(ordered)
    for threshold, groups in result.alternatives:
        again = analyze(licence, SemanticOptions(threshold=threshold, threshold_method="depth"))
        assert len(again.groups) == groups


def test_heading_rules():
    text = (
        "Preamble\n\nThe licence is free. It is long.\n\n0. Definitions.\n\nA word means a thing.\nLast line"
    )
    pieces = [
        "Preamble",
        "The licence is free.",
        "It is long.",
        "0. Definitions.",
        "A word means a thing.",
        "Last line",
    ]
    spans = _spans(text, pieces)
    joined = join_headings(text, spans)
    assert [text[s:e] for s, e in joined] == [
        "Preamble\n\nThe licence is free.",
        "It is long.",
        "0. Definitions.\n\nA word means a thing.",
        "Last line",
    ]


def test_a_sentence_on_its_own_line_is_not_a_heading():
    text = "Bees fly.\nThey make honey.\nChess is old."
    spans = _spans(text, ["Bees fly.", "They make honey.", "Chess is old."])
    assert join_headings(text, spans) == spans


def _spans(text, pieces):
    out, pos = [], 0
    for piece in pieces:
        start = text.index(piece, pos)
        out.append((start, start + len(piece)))
        pos = start + len(piece)
    return out
