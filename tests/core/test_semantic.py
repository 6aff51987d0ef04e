"""Semantic chunking's parts on small inputs whose answers are worked out by hand."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from app.core.analysis import analyze_many, identity
from app.core.chunkers.grouping import Group, describe, merge_small, split_below, split_oversize
from app.core.chunkers.similarity import adjacent_similarities, term_counts
from app.core.chunkers.thresholds import (
    DEFAULT_AMOUNTS,
    choose_threshold,
    cohesion,
    midpoint,
    suggest_threshold,
)

# scikit-learn's smoothed idf: ln((1 + n) / (1 + df)) + 1.


def idf(n, df):
    return math.log((1 + n) / (1 + df)) + 1


def test_single_units_cosine_by_hand():
    # Terms after stemming: {appl, banana}, {appl, cherri}, {dog}.
    sims = adjacent_similarities(["apple banana", "apple cherry", "dog"], window=0)
    shared, own = idf(3, 2), idf(3, 1)
    assert sims.tolist() == [round(shared**2 / (shared**2 + own**2), 6), 0.0]


def test_window_sides_stop_at_the_gap():
    # Gap 0: {apple} against {apple, dog}; gap 1: {apple x2} against {dog x2};
    # gap 2: {apple, dog} against {dog}. Both terms have the same idf.
    sims = adjacent_similarities(["apple", "apple", "dog", "dog"], window=1)
    assert sims.tolist() == [round(1 / math.sqrt(2), 6), 0.0, round(1 / math.sqrt(2), 6)]


def test_window_wider_than_text_compares_everything_before_and_after():
    sims = adjacent_similarities(["apple", "apple", "dog", "dog"], window=50)
    # Gap 1: {apple x2} against {dog x2}; the ends see all units on their side.
    assert sims[1] == 0.0
    assert sims[0] == sims[2] == round(1 / math.sqrt(5), 6)


@pytest.mark.parametrize("window", [0, 1, 3])
def test_identical_units_have_similarity_one(window):
    sims = adjacent_similarities(["Bees make honey."] * 5, window)
    assert sims.tolist() == [1.0] * 4


def test_units_without_content_words_join_their_neighbours():
    # "It is." holds only stop words: no evidence of a change, similarity 1.
    assert adjacent_similarities(["Bees fly.", "It is.", "Chess is a game."], window=0).tolist() == [1.0, 1.0]
    assert adjacent_similarities(["It is.", "It was."], window=0).tolist() == [1.0]


def test_fewer_than_two_units_give_no_similarity():
    assert adjacent_similarities([], 2).size == 0
    assert adjacent_similarities(["Alone here."], 2).size == 0


def test_similarities_are_rounded_and_within_zero_one():
    texts = [f"word{i % 7} common shared thing{i % 3}" for i in range(40)]
    sims = adjacent_similarities(texts, 2)
    assert np.all((sims >= 0) & (sims <= 1))
    assert np.array_equal(sims, np.round(sims, 6))


# One curve for every method: sorted it is 0.1, 0.2, 0.8, 0.85, 0.9, 0.95.
CURVE = np.array([0.9, 0.8, 0.1, 0.85, 0.2, 0.95])


@pytest.mark.parametrize(
    ("method", "amount", "expected"),
    [
        # Gaps starting at or below the median (0.825): 0.1, 0.6, 0.05; the widest is 0.2 -> 0.8.
        ("gap", 50, 0.5),
        # Only the gap starting at the minimum counts.
        ("gap", 0, 0.15),
        # The 30th percentile: index 1.5 of the sorted curve, between 0.2 and 0.8.
        ("percentile", 70, 0.5),
        # The 10th percentile: index 0.5, between 0.1 and 0.2.
        ("percentile", 90, 0.15),
        ("std", 1, round(statistics.fmean(CURVE) - statistics.pstdev(CURVE), 6)),
        # q1 = 0.2 + 0.25 * 0.6 = 0.35, q3 = 0.85 + 0.75 * 0.05 = 0.8875.
        ("iqr", 0.5, round(statistics.fmean(CURVE) - 0.5 * (0.8875 - 0.35), 6)),
        # np.gradient: -0.1, -0.4, 0.025, 0.05, 0.05, 0.75; its 30th percentile is -0.0375, so
        # the falls are at 0 and 1, with floors 0.8 and 0.1; their median 0.45 lies between
        # 0.2 and 0.8, so the threshold is the midpoint 0.5.
        ("gradient", 70, 0.5),
    ],
    ids=lambda v: str(v),
)
def test_threshold_methods_by_hand(method, amount, expected):
    assert choose_threshold(CURVE, method, amount) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("method", sorted(DEFAULT_AMOUNTS))
def test_default_amount_is_used_when_none_is_given(method):
    assert choose_threshold(CURVE, method, None) == choose_threshold(CURVE, method, DEFAULT_AMOUNTS[method])


def test_std_below_zero_is_clamped_to_zero():
    assert choose_threshold(CURVE, "std", 3) == 0.0


@pytest.mark.parametrize("method", sorted(DEFAULT_AMOUNTS))
def test_a_flat_curve_is_not_split(method):
    flat = np.full(5, 0.4)
    threshold = choose_threshold(flat, method, None)
    # depth's threshold applies to the cohesion of the curve, not to the curve.
    curve = cohesion(flat) if method == "depth" else flat
    assert not np.any(curve < threshold)


@pytest.mark.parametrize("method", sorted(DEFAULT_AMOUNTS))
def test_no_similarity_gives_no_threshold(method):
    assert choose_threshold(np.zeros(0), method, None) is None


def test_a_single_similarity_is_not_split():
    assert choose_threshold(np.array([0.3]), "gap", None) == 0.3


def test_suggestion_is_the_middle_of_the_same_split():
    # Anything in (0.2, 0.8] splits at 0.1 and 0.2 only.
    assert suggest_threshold(CURVE, 0.3) == 0.5
    assert suggest_threshold(CURVE, 0.05) == 0.05  # no split: [0, 0.1]
    assert suggest_threshold(CURVE, 1.0) == 0.975  # all split: (0.95, 1]
    assert suggest_threshold(np.zeros(0), 0.5) is None


def test_midpoint_stays_above_low_after_rounding():
    assert midpoint(0.000001, 0.000002) == 0.000002
    assert midpoint(0.2, 0.4) == 0.3


def test_split_below():
    assert split_below(CURVE, 0.5) == [Group(0, 2), Group(3, 4), Group(5, 6)]
    assert split_below(CURVE, 0.0) == [Group(0, 6)]
    assert split_below(np.zeros(0), 0.5) == [Group(0, 0)]


def test_describe_by_hand():
    stats = describe(split_below(CURVE, 0.5), CURVE)
    first, middle, last = stats
    assert (first.internal_min, first.internal_mean, first.before, first.after) == (0.8, 0.85, None, 0.1)
    assert first.threshold_range == (0.1, 0.8) and first.suggested_threshold == 0.45
    assert (middle.internal_min, middle.internal_mean) == (0.85, 0.85)
    assert (middle.before, middle.after, middle.threshold_range) == (0.1, 0.2, (0.2, 0.85))
    assert middle.suggested_threshold == 0.525
    assert (last.before, last.after, last.threshold_range) == (0.2, None, (0.2, 0.95))


def test_a_single_unit_group_is_given_by_any_threshold_above_its_boundaries():
    [alone, rest] = describe([Group(0, 0), Group(1, 6)], CURVE)
    assert alone.internal_min is None and alone.internal_mean is None
    assert alone.threshold_range == (0.9, 1.0) and alone.suggested_threshold == 0.95
    # The rest holds the 0.1 link, weaker than its boundary 0.9: no threshold gives it.
    assert rest.threshold_range is None and rest.suggested_threshold is None


def test_the_whole_text_is_given_by_every_threshold_up_to_its_weakest_link():
    [whole] = describe([Group(0, 6)], CURVE)
    assert whole.threshold_range == (0.0, 0.1) and whole.suggested_threshold == 0.05
    [zero] = describe([Group(0, 2)], np.array([0.0, 0.4]))
    assert zero.threshold_range == (0.0, 0.0) and zero.suggested_threshold == 0.0


# Seven units of 10 characters, one space apart: unit i spans [11 i, 11 i + 10).
STARTS = np.arange(7) * 11
ENDS = STARTS + 10


def test_split_oversize_cuts_at_the_weakest_link_repeatedly():
    # Group 0..6 is 76 characters; at most 32: cut at 0.1 (link 2), then 0..2 at 0.8
    # (link 1), then 3..6 at 0.2 (link 4).
    assert split_oversize([Group(0, 6)], CURVE, STARTS, ENDS, 32) == [
        Group(0, 2),
        Group(3, 4),
        Group(5, 6),
    ]
    # At most 21: 0..2 (32 characters) is cut again, at 0.8 (link 1).
    assert split_oversize([Group(0, 6)], CURVE, STARTS, ENDS, 21) == [
        Group(0, 1),
        Group(2, 2),
        Group(3, 4),
        Group(5, 6),
    ]
    assert split_oversize([Group(0, 6)], CURVE, STARTS, ENDS, 10) == [Group(i, i) for i in range(7)]


def test_split_oversize_breaks_ties_toward_the_middle():
    flat = np.full(6, 0.5)
    # Links 2 and 3 are equally near the middle (2.5); the first is taken.
    assert split_oversize([Group(0, 6)], flat, STARTS, ENDS, 43) == [Group(0, 2), Group(3, 6)]


def test_merge_small_joins_the_more_similar_neighbour():
    groups = [Group(i, i) for i in range(7)]
    # Unit 0 joins unit 1 (0.9); unit 2 joins them (0.8 before it, 0.1 after);
    # unit 3 joins unit 4 (0.85 against 0.1); unit 5 joins unit 6 (0.95 against 0.2).
    merged = merge_small(groups, CURVE, STARTS, ENDS, 15, None)
    assert merged == [Group(0, 2), Group(3, 4), Group(5, 6)]


def test_merge_small_respects_the_maximum():
    groups = [Group(0, 1), Group(2, 2), Group(3, 6)]
    # Unit 2 is nearer 0..1 (0.8 before it, 0.1 after): it joins them when that fits.
    assert merge_small(groups, CURVE, STARTS, ENDS, 11, 32) == [Group(0, 2), Group(3, 6)]
    # With a maximum of 21 neither merge fits: it stays small.
    assert merge_small(groups, CURVE, STARTS, ENDS, 11, 21) == groups


def test_merge_small_falls_back_to_the_other_neighbour():
    groups = [Group(0, 1), Group(2, 2), Group(3, 3)]
    # Unit 2 prefers 0..1 (0.8 against 0.1), which would be 32 > 30 characters.
    assert merge_small(groups, CURVE, STARTS, ENDS, 11, 30) == [Group(0, 1), Group(2, 3)]


def test_merge_can_make_a_group_no_threshold_reproduces():
    sims = np.array([0.9, 0.2, 0.3, 0.4, 0.9])
    groups = merge_small(split_below(sims, 0.5), sims, STARTS[:6], ENDS[:6], 15, None)
    assert groups == [Group(0, 1), Group(2, 3), Group(4, 5)]
    # Group 2..3 holds the 0.3 link but is bounded by 0.4: not stable.
    assert describe(groups, sims)[1].threshold_range is None


def test_term_counts_are_analyze_manys_terms():
    texts = [
        "The bees were flying to their hives; a bee flies!",
        "",
        "İstanbul ÇAĞRI naïve café 42 x_y",
        "It is what it is.",
        "Running runners ran; 日本語の文です。",
    ]
    counts = term_counts(texts)
    expected = CountVectorizer(analyzer=identity).fit_transform(analyze_many(texts))
    # The column order may differ: compare each text's counts, and the shared counts of every
    # pair of texts (the Gram matrix), which only agree when the same terms are counted.
    assert [sorted(row.data.tolist()) for row in counts] == [sorted(row.data.tolist()) for row in expected]
    assert counts.shape == expected.shape
    assert np.array_equal((counts @ counts.T).toarray(), (expected @ expected.T).toarray())
    assert (counts.toarray().sum(axis=0) > 0).all()
    assert term_counts(["It is.", "the"]) is None
