"""Hypothesis properties of semantic chunking: partition, size bounds, and thresholds that explain groups."""

from __future__ import annotations

import dataclasses

from hypothesis import example, given
from hypothesis import strategies as st

from app.core.chunkers.grouping import Group
from app.core.chunkers.semantic import SemanticChunker, SemanticOptions, analyze
from app.core.chunkers.thresholds import DEFAULT_AMOUNTS

TOPICS = [
    "bee hive honey queen comb nectar".split(),
    "chess board knight bishop pawn gambit".split(),
    "glacier ice snow crevasse moraine melt".split(),
]
FILLERS = ["It is.", "And so it was.", "Yes!", "Why?"]


@st.composite
def sentence(draw):
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(FILLERS))
    words = draw(st.lists(st.sampled_from(draw(st.sampled_from(TOPICS))), min_size=1, max_size=6))
    return " ".join(words).capitalize() + draw(st.sampled_from([".", "!", "?"]))


@st.composite
def documents(draw):
    parts = draw(st.lists(st.tuples(sentence(), st.sampled_from([" ", " ", "\n", "\n\n"])), max_size=30))
    return "".join(s + sep for s, sep in parts)


OPTIONS = st.fixed_dictionaries(
    {
        "split_by": st.sampled_from(["sentence", "paragraph"]),
        "window": st.integers(0, 4),
        "threshold": st.none() | st.floats(0, 1),
        "threshold_method": st.none() | st.sampled_from(sorted(DEFAULT_AMOUNTS)),
        "threshold_amount": st.none() | st.floats(0, 100),
    }
)
SIZES = st.fixed_dictionaries({"min_chunk_size": st.none() | st.integers(1, 120)}) | st.fixed_dictionaries(
    {"max_chunk_size": st.integers(1, 120), "min_chunk_size": st.none() | st.integers(1, 120)}
).filter(lambda sizes: (sizes["min_chunk_size"] or 0) <= sizes["max_chunk_size"])


def unbounded(options, threshold, max_chunk_size=None):
    """The same units, window and curve with an explicit threshold, and no bound but an optional maximum.

    The curve is the cohesion when the method in force was ``depth`` (named, or
    chosen for a null threshold), else the similarities.
    """
    method = options["threshold_method"]
    if method is None and options["threshold"] is None:
        method = "depth"
    return SemanticOptions(
        split_by=options["split_by"],
        window=options["window"],
        threshold=threshold,
        threshold_method=method,
        max_chunk_size=max_chunk_size,
    )


def bounded(stats):
    return stats.before is not None or stats.after is not None


def in_range(stats, t):
    low, high = stats.threshold_range
    # A group with no boundary (the whole text) is also given by t = 0.
    return low < t <= high or (t == low == 0.0 and not bounded(stats))


def _size(result, group):
    start, end = result.span(group)
    return end - start


def assert_partition(text, result):
    expected = 0
    for group in result.groups:
        assert group.first == expected and group.last >= group.first
        expected = group.last + 1
    assert expected == len(result.units)
    assert len(result.similarities) == max(len(result.units) - 1, 0)
    assert len(result.stats) == len(result.groups)


@given(text=documents(), options=OPTIONS)
@example(
    text="Bee hive. Bee hive. Chess board. Chess board.",
    options={
        "split_by": "sentence",
        "window": 0,
        "threshold": None,
        "threshold_method": "gap",
        "threshold_amount": None,
    },
)
def test_threshold_groups_are_stable_and_contain_the_threshold(text, options):
    result = analyze(text, SemanticOptions(**options))
    assert_partition(text, result)
    for stats in result.stats:
        assert stats.threshold_range is not None
        if result.threshold is not None:
            assert in_range(stats, result.threshold) or (not bounded(stats) and result.threshold == 0.0)


@given(text=documents(), options=OPTIONS, sizes=SIZES, pick=st.floats(0, 1), data=st.data())
def test_any_threshold_in_a_stable_range_reproduces_the_group(text, options, sizes, pick, data):
    result = analyze(text, SemanticOptions(**options, **sizes))
    stable = [(g, s) for g, s in zip(result.groups, result.stats, strict=True) if s.threshold_range]
    if not stable:
        return
    group, stats = data.draw(st.sampled_from(stable))
    low, high = stats.threshold_range
    candidates = {0.0, high, stats.suggested_threshold, round(low + pick * (high - low), 6)}
    for t in sorted(c for c in candidates if in_range(stats, c)):
        # The maximum stays: it cuts oversize units, so it decides what the units are.
        again = analyze(text, unbounded(options, t, sizes.get("max_chunk_size")))
        assert group in again.groups, (t, stats)


@given(text=documents(), options=OPTIONS)
def test_the_global_suggestion_gives_the_same_split(text, options):
    result = analyze(text, SemanticOptions(**options))
    if result.suggested_threshold is None:
        return
    again = analyze(text, unbounded(options, result.suggested_threshold))
    assert again.groups == result.groups


@given(text=documents(), options=OPTIONS, sizes=SIZES)
def test_sending_the_reported_threshold_back_gives_the_same_groups(text, options, sizes):
    result = analyze(text, SemanticOptions(**options, **sizes))
    if result.threshold is None:
        return
    # Sent back with the method that was in force, the threshold applies to the same curve.
    method = result.threshold_method or options["threshold_method"]
    explicit = {**options, "threshold": result.threshold, "threshold_method": method}
    assert analyze(text, SemanticOptions(**explicit, **sizes)).groups == result.groups


@given(text=documents(), options=OPTIONS, sizes=SIZES)
def test_size_bounds(text, options, sizes):
    result = analyze(text, SemanticOptions(**options, **sizes))
    assert_partition(text, result)
    limit, minimum = sizes.get("max_chunk_size"), sizes.get("min_chunk_size")
    groups = result.groups
    for i, group in enumerate(groups):
        if limit is not None:
            assert _size(result, group) <= limit
        if minimum is not None and _size(result, group) < minimum and len(groups) > 1:
            # A small group is left only when joining either neighbour would break the maximum.
            assert limit is not None
            for j in (i - 1, i + 1):
                if 0 <= j < len(groups):
                    joined = Group(min(group.first, groups[j].first), max(group.last, groups[j].last))
                    assert _size(result, joined) > limit


@given(text=documents(), options=OPTIONS, sizes=SIZES)
def test_chunker_chunks_are_the_groups(text, options, sizes):
    chunker = SemanticChunker(**options, **sizes, chunk_size=10_000)
    result = analyze(text, chunker, chunker.chunk_size)
    chunks = chunker.chunk(text)
    assert [(c.start, c.end) for c in chunks] == list(map(result.span, result.groups))
    assert all(text[c.start : c.end] == c.text for c in chunks)
    assert chunker.chunk(text) == chunks
    assert dataclasses.asdict(chunker)["chunk_size"] == 10_000
