"""The semantic analysis end to end, and the ``semantic`` strategy of /chunking."""

from __future__ import annotations

import math
import random

import pytest

from app.core.chunkers import CHUNKERS
from app.core.chunkers.base import InvalidOptions
from app.core.chunkers.grouping import Group
from app.core.chunkers.semantic import SemanticChunker, SemanticOptions, analyze, split_units

BEES = "Bees make honey in the hive. The hive holds honey and bees."
CHESS = "Chess is a board game. The chess board has squares."
TEXT = f"{BEES} {CHESS}"


def idf(n, df):
    return math.log((1 + n) / (1 + df)) + 1


def test_two_topics_by_hand():
    # Terms: {bee, make, honey, hive}, {hive, hold, honey, bee}, {chess, board, game},
    # {chess, board, squar}; shared terms occur in 2 of 4 units, the others in 1.
    shared, own = idf(4, 2), idf(4, 1)
    result = analyze(TEXT, SemanticOptions(window=0))
    assert [TEXT[s:e] for s, e in result.units] == [
        "Bees make honey in the hive.",
        "The hive holds honey and bees.",
        "Chess is a board game.",
        "The chess board has squares.",
    ]
    bees = round(3 * shared**2 / (3 * shared**2 + own**2), 6)
    chess = round(2 * shared**2 / (2 * shared**2 + own**2), 6)
    assert result.similarities.tolist() == [bees, 0.0, chess]
    # gap: sorted 0, chess, bees; the median is chess; the widest gap from there down is 0 -> chess.
    assert result.threshold == pytest.approx(chess / 2, abs=1e-6)
    assert result.threshold_method == "gap"
    assert result.suggested_threshold == result.threshold
    assert result.groups == [Group(0, 1), Group(2, 3)]
    assert [TEXT[s:e] for s, e in map(result.span, result.groups)] == [BEES, CHESS]
    first, second = result.stats
    assert first.threshold_range == (0.0, bees) and second.threshold_range == (0.0, chess)


def test_explicit_threshold_is_applied_and_reported():
    result = analyze(TEXT, SemanticOptions(window=0, threshold=0.6))
    assert result.threshold == 0.6 and result.threshold_method is None
    assert result.groups == [Group(0, 1), Group(2, 2), Group(3, 3)]
    # The same split for any threshold in (0.554205.., 0.650933..].
    assert 0.55 < result.suggested_threshold <= 0.651


def test_paragraph_units():
    text = "Bees make honey in the hive.\nA second line.\n\nThe hive holds honey.\n\n\nChess is a game."
    result = analyze(text, SemanticOptions(unit="paragraph", window=0))
    assert [text[s:e] for s, e in result.units] == [
        "Bees make honey in the hive.\nA second line.",
        "The hive holds honey.",
        "Chess is a game.",
    ]
    assert result.groups == [Group(0, 1), Group(2, 2)]


@pytest.mark.parametrize("text", ["", "   \n\n\t "], ids=["empty", "whitespace"])
def test_empty_text(text):
    result = analyze(text, SemanticOptions())
    assert result.units == [] and result.groups == [] and result.stats == []
    assert result.threshold is None and result.suggested_threshold is None
    assert SemanticChunker().chunk(text) == []


def test_one_unit():
    result = analyze("  Just one sentence here.  ", SemanticOptions())
    assert result.units == [(2, 25)] and result.similarities.size == 0
    assert result.threshold is None and result.threshold_method == "gap"
    assert result.groups == [Group(0, 0)]
    assert result.stats[0].threshold_range == (0.0, 1.0) and result.stats[0].suggested_threshold == 0.5


def test_identical_units_stay_together():
    text = "Bees make honey. " * 6
    result = analyze(text, SemanticOptions())
    assert result.similarities.tolist() == [1.0] * 5
    assert result.groups == [Group(0, 5)]


def test_units_without_content_words():
    result = analyze("It is. It was. It is.", SemanticOptions(window=0))
    assert result.similarities.tolist() == [1.0, 1.0]
    assert result.groups == [Group(0, 2)]


def test_multibyte_offsets_are_code_points():
    text = "🐝 Bees make honey 🍯. Bees make honey 🍯. Échecs: le jeu d'échecs. Le jeu d'échecs."
    result = analyze(text, SemanticOptions(window=0))
    for s, e in result.units:
        assert text[s:e].strip() == text[s:e] and text[s:e]
    assert len(result.groups) == 2
    assert text[slice(*result.span(result.groups[1]))] == "Échecs: le jeu d'échecs. Le jeu d'échecs."


def test_max_chunk_size_cuts_oversize_units_by_the_recursive_rules():
    text = "alpha beta gamma delta epsilon zeta eta theta iota kappa."
    spans = split_units(text, "sentence", 20)
    assert all(e - s <= 20 for s, e in spans)
    assert " ".join(text[s:e] for s, e in spans) == text


def test_max_chunk_size_is_a_hard_bound():
    result = analyze(TEXT * 3, SemanticOptions(max_chunk_size=40))
    assert all(e - s <= 40 for s, e in map(result.span, result.groups))


def test_min_chunk_size_merges_small_groups():
    loose = analyze(TEXT, SemanticOptions(window=0, threshold=0.9))
    assert len(loose.groups) == 4
    merged = analyze(TEXT, SemanticOptions(window=0, threshold=0.9, min_chunk_size=40))
    assert merged.groups == [Group(0, 1), Group(2, 3)]


def test_max_wins_over_min():
    result = analyze(TEXT, SemanticOptions(window=0, threshold=0.9, min_chunk_size=100, max_chunk_size=30))
    assert all(e - s <= 30 for s, e in map(result.span, result.groups))
    assert len(result.groups) == 4


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"window": -1}, "window"),
        ({"window": 101}, "window"),
        ({"threshold": 1.5}, "threshold"),
        ({"threshold_amount": -1.0}, "threshold_amount"),
        ({"threshold_method": "median"}, "threshold_method"),
        ({"unit": "lines"}, "unit"),
        ({"split_by": "chars"}, "split_by"),
        ({"split_by": "sentence", "unit": "paragraph"}, "split_by"),
        ({"unit": "chars", "tokenizer": "cl100k_base"}, "tokenizer"),
        ({"unit": "tokens", "tokenizer": "nope"}, "tokenizer"),
        ({"unit": "tokens", "max_chunk_size": 3}, "max_chunk_size"),
        ({"min_chunk_size": 0}, "min_chunk_size"),
        ({"max_chunk_size": True}, "max_chunk_size"),
    ],
    ids=lambda v: str(v),
)
def test_invalid_options_name_the_field(options, field):
    with pytest.raises(InvalidOptions, match=field) as info:
        SemanticOptions(**options)
    assert info.value.field == field


def test_chunker_registered_with_chunk_size_and_overlap():
    assert CHUNKERS["semantic"] is SemanticChunker
    with pytest.raises(InvalidOptions, match="chunk_overlap must be smaller") as info:
        SemanticChunker(chunk_size=10, chunk_overlap=10)
    assert info.value.field == "chunk_overlap"


def test_chunker_returns_the_groups():
    chunks = SemanticChunker(window=0).chunk(TEXT)
    assert [c.text for c in chunks] == [BEES, CHESS]
    assert [(c.start, c.end) for c in chunks] == [(0, len(BEES)), (len(BEES) + 1, len(TEXT))]


def test_chunk_size_is_the_hard_maximum():
    chunks = SemanticChunker(window=0, chunk_size=30).chunk(TEXT)
    assert all(len(c.text) <= 30 for c in chunks)
    assert [c.text for c in chunks][:2] == ["Bees make honey in the hive.", "The hive holds honey and bees."]


def test_overlap_repeats_whole_units_that_fit():
    chunks = SemanticChunker(window=0, chunk_size=100, chunk_overlap=30).chunk(TEXT)
    assert [c.text for c in chunks] == [BEES, f"The hive holds honey and bees. {CHESS}"]
    # 29 characters cannot hold the 30 of the last sentence: no overlap.
    assert [c.text for c in SemanticChunker(window=0, chunk_overlap=29).chunk(TEXT)] == [BEES, CHESS]
    # The overlap must also fit chunk_size.
    assert [c.text for c in SemanticChunker(window=0, chunk_size=70, chunk_overlap=30).chunk(TEXT)] == [
        BEES,
        CHESS,
    ]


def _long_text(chars):
    rnd = random.Random(4)
    topics = [
        "bee hive honey queen worker comb nectar pollen swarm".split(),
        "chess board knight bishop rook pawn king queen gambit".split(),
        "glacier ice snow crevasse moraine valley melt firn".split(),
    ]
    parts, size, topic = [], 0, 0
    while size < chars:
        if rnd.random() < 0.1:
            topic = (topic + 1) % len(topics)
        sentence = " ".join(rnd.choice(topics[topic]) for _ in range(8)).capitalize() + "."
        parts.append(sentence)
        size += len(sentence) + 1
    return " ".join(parts)[:chars]


def test_text_at_the_default_length_limit():
    text = _long_text(2_000_000)
    result = analyze(text, SemanticOptions())
    assert len(result.similarities) == len(result.units) - 1 > 30_000
    spans = list(map(result.span, result.groups))
    assert spans[0][0] == result.units[0][0] and spans[-1][1] == result.units[-1][1]
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))
    # Topics change about every tenth sentence; most groups should not be single sentences.
    assert len(result.groups) < len(result.units) / 3
