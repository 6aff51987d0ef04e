"""The vectorised numeric paths of semantic chunking against plain reference computations.

Each reference below is the simplest way to compute the same thing (one
text, one gap or one group at a time, dense arrays), so a shortcut taken for
speed cannot change a unit's words, a similarity, a cohesion value or a
group's explanation.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from app.core.analysis import analyze_many, number_words, words
from app.core.chunkers.grouping import Group, GroupStats, describe, split_below, split_oversize
from app.core.chunkers.heading_lines import join_headings
from app.core.chunkers.packing import Sizer
from app.core.chunkers.punkt import split_sentences
from app.core.chunkers.recursive import PARAGRAPH_BREAK, split_at, split_recursive
from app.core.chunkers.semantic import split_units
from app.core.chunkers.similarity import DECIMALS, EMPTY_SIMILARITY, adjacent_similarities, term_counts
from app.core.chunkers.thresholds import MIN_SPACING, cohesion, depth_scores, midpoint, round_threshold

VOCABULARY = [*"bee bees hive honey the and of it is naïve café İstanbul ΣΟΦΙΑ 42 x_y".split(), "日本語"]
SEPARATORS = [" ", "\n", ", ", "; ", ". ", "\t", "\x00", "\x1c", "-"]


@st.composite
def unit_texts(draw):
    """Short texts from a small vocabulary, so that units share words; some not ASCII."""
    pieces = draw(st.lists(st.tuples(st.sampled_from(VOCABULARY), st.sampled_from(SEPARATORS)), max_size=8))
    text = "".join(word + sep for word, sep in pieces)
    return text.upper() if draw(st.booleans()) else text


TEXTS = st.lists(unit_texts() | st.text(max_size=12), max_size=12)


@given(TEXTS)
@example([])
@example([""])
@example(["a\x00b", "c"])
@example(["İstanbul ΣΟΦΙΑΣ", "plain"])
@example(["lone \ud800 surrogate", "ok"])
@example(["file\x1cseparator\x85next line\xa0no-break"])
def test_number_words_gives_each_texts_words(texts):
    vocabulary, ids, rows = number_words(texts)
    expected = [(row, w) for row, text in enumerate(texts) for w in words(text)]
    assert [(int(r), vocabulary[i]) for r, i in zip(rows, ids, strict=True)] == expected
    assert vocabulary == list(dict.fromkeys(w for _, w in expected))


def reference_counts(texts):
    """Dense term counts from ``analyze_many``'s term lists, columns in order of first occurrence."""
    terms = analyze_many(texts)
    columns = {}
    for term in (t for text in terms for t in text):
        columns.setdefault(term, len(columns))
    counts = np.zeros((len(texts), len(columns)))
    for row, text in enumerate(terms):
        for term in text:
            counts[row, columns[term]] += 1
    return counts


@given(TEXTS)
@example(["It is.", "the"])
def test_term_counts_equal_the_reference(texts):
    expected = reference_counts(texts)
    counts = term_counts(texts)
    if expected.size == 0:
        assert counts is None
    else:
        assert counts.has_canonical_format
        assert np.array_equal(counts.toarray(), expected)


def reference_similarities(texts, window):
    """TF-IDF cosine across each gap, one gap at a time, dense and unrounded."""
    counts = reference_counts(texts)
    n = len(texts)
    idf = np.log((1 + n) / (1 + (counts > 0).sum(axis=0))) + 1
    out = []
    for i in range(n - 1):
        left = counts[max(0, i - window) : i + 1].sum(axis=0) * idf
        right = counts[i + 1 : i + 2 + window].sum(axis=0) * idf
        norms = np.linalg.norm(left) * np.linalg.norm(right)
        out.append(EMPTY_SIMILARITY if norms == 0 else float(left @ right) / norms)
    return np.array(out)


@given(st.lists(unit_texts(), max_size=14), st.integers(0, 5))
@example(["bee hive honey"] * 3, 0)
def test_similarities_are_the_rounded_reference(texts, window):
    sims = adjacent_similarities(texts, window)
    expected = reference_similarities(texts, window)
    assert sims.shape == expected.shape
    assert np.array_equal(sims, np.round(sims, DECIMALS))
    # One rounding to DECIMALS places, and float sums taken in another order.
    assert np.all(np.abs(sims - np.clip(expected, 0, 1)) <= 0.5 * 10**-DECIMALS + 1e-12)


CURVES = st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75, 1.0]) | st.floats(0, 1), max_size=40).map(
    lambda values: np.round(np.array(values, dtype=np.float64), DECIMALS)
)


def reference_depths(sims):
    """TextTiling's climbs, one gap at a time."""
    n = sims.size
    left, right = sims.copy(), sims.copy()
    for i in range(1, n):
        if sims[i - 1] >= sims[i]:
            left[i] = left[i - 1]
    for i in range(n - 2, -1, -1):
        if sims[i + 1] >= sims[i]:
            right[i] = right[i + 1]
    return (left - sims) + (right - sims)


@given(CURVES)
@example(np.array([0.5, 0.5, 0.5]))
@example(np.array([1.0, 0.2, 0.2, 0.9, 0.1, 0.1, 0.8]))
def test_depth_scores_equal_the_reference(sims):
    assert np.array_equal(depth_scores(sims), reference_depths(sims))


def reference_cohesion(sims):
    """Candidate valleys taken deepest first, each blocking its neighbours, with a boolean mask."""
    out = np.ones_like(sims)
    if sims.size == 0:
        return out
    spacing = min(MIN_SPACING, (sims.size + 1) // 4)
    depth = reference_depths(sims)
    minima = [
        i
        for i in range(sims.size)
        if (i == 0 or sims[i] <= sims[i - 1]) and (i == sims.size - 1 or sims[i] <= sims[i + 1])
    ]
    blocked = np.zeros(sims.size, dtype=bool)
    blocked[:spacing] = True
    blocked[sims.size - spacing :] = True
    for i in sorted(minima, key=lambda i: -depth[i]):
        if not blocked[i]:
            out[i] = 1.0 - depth[i] / 2
            blocked[max(0, i - spacing) : i + spacing + 1] = True
    return np.clip(np.round(out, DECIMALS), 0.0, 1.0)


@given(CURVES)
def test_cohesion_equals_the_reference(sims):
    assert np.array_equal(cohesion(sims), reference_cohesion(sims))


def reference_describe(groups, sims):
    """Each group's statistics, one group at a time, with the scalar rounding helpers."""
    n = groups[-1].last + 1 if groups else 0
    out = []
    for g in groups:
        links = sims[g.first : g.last]
        inner = float(links.min()) if links.size else None
        mean = round_threshold(float(links.sum() / links.size)) if links.size else None
        before = float(sims[g.first - 1]) if g.first > 0 else None
        after = float(sims[g.last]) if g.last < n - 1 else None
        bounds = [b for b in (before, after) if b is not None]
        low = max(bounds) if bounds else 0.0
        high = 1.0 if inner is None else inner
        span = (low, high) if low < high or (not bounds and low == high) else None
        out.append(GroupStats(inner, mean, before, after, span, None if span is None else midpoint(*span)))
    return out


@given(CURVES, st.floats(0, 1))
@example(np.array([]), 0.5)
@example(np.array([0.3, 0.3, 0.3]), 0.3)
# A range narrower than the rounding: its rounded middle is its low end.
@example(np.array([0.3, 0.300001]), 0.3000005)
def test_describe_equals_the_reference(sims, threshold):
    groups = split_below(sims, threshold)
    described = describe(groups, sims)
    expected = reference_describe(groups, sims)
    # The sum of a group's links may be taken in another order: means agree to one rounding step.
    for got, want in zip(described, expected, strict=True):
        assert got._replace(internal_mean=None) == want._replace(internal_mean=None)
        assert (got.internal_mean is None) == (want.internal_mean is None)
        if got.internal_mean is not None:
            assert math.isclose(got.internal_mean, want.internal_mean, abs_tol=1.01 * 10**-DECIMALS)
    assert len(described) == len(expected)


def reference_split_oversize(groups, sims, starts, ends, limit):
    """Every group split at its weakest link until it fits, one group at a time."""
    out = []
    for group in groups:
        stack = [group]
        while stack:
            g = stack.pop()
            if g.first == g.last or ends[g.last] - starts[g.first] <= limit:
                out.append(g)
                continue
            links = sims[g.first : g.last]
            weakest = np.flatnonzero(links == links.min())
            k = g.first + int(weakest[np.argmin(np.abs(weakest - (links.size - 1) / 2))])
            stack += [Group(k + 1, g.last), Group(g.first, k)]
    return out


@given(CURVES, st.floats(0, 1), st.integers(1, 30), st.randoms(use_true_random=False))
def test_split_oversize_equals_the_reference(sims, threshold, limit, random):
    lengths = np.array([random.randint(1, limit) for _ in range(sims.size + 1)])
    ends = np.cumsum(lengths + 1) - 1
    starts = ends - lengths
    groups = split_below(sims, threshold)
    got = split_oversize(groups, sims, starts, ends, limit)
    assert got == reference_split_oversize(groups, sims, starts, ends, limit)


def reference_units(text, unit, limit):
    """Every unit sent through the recursive rules, whether it fits or not."""
    sizer = Sizer(text, "chars", limit)
    if unit == "sentence":
        spans = split_sentences(text)
    else:
        spans = [(s, e) for s, e in split_at(text, 0, len(text), PARAGRAPH_BREAK)]
    return [(p.start, p.end) for s, e in join_headings(text, spans) for p in split_recursive(sizer, s, e)]


PROSE = st.lists(
    st.tuples(
        st.lists(st.sampled_from([*VOCABULARY, "Heading", "1.", "Mr."]), min_size=1, max_size=12),
        st.sampled_from([". ", ".\n", "\n", "\n\n", "! ", "  "]),
    ),
    max_size=12,
).map(lambda parts: "".join(" ".join(words) + end for words, end in parts))


@given(PROSE, st.integers(1, 60), st.sampled_from(["sentence", "paragraph"]))
@example("One two three four five six seven. Short one.", 12, "sentence")
def test_split_units_cut_only_the_units_over_the_limit(text, limit, unit):
    assert split_units(text, unit, limit) == reference_units(text, unit, limit)
