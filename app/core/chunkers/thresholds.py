"""Choosing the similarity threshold, and the ranges of thresholds that give the same result.

Units are split where the curve across their gap is below the threshold
``t``. For ``depth`` (the default) the curve is the *cohesion* of each gap
(:func:`cohesion`); for every other method it is the similarity itself.

* ``depth``: TextTiling's depth scores (Hearst 1997). A gap's depth is how
  far the similarity climbs from it to the nearest peak on its left, plus the
  same on its right: a deep valley between two coherent stretches. Only local
  minima are candidates, and of two minima closer than ``MIN_SPACING`` units
  only the deeper is (nor is a minimum that close to either end of the
  text); a candidate's cohesion is ``1 - depth / 2`` (depths
  of similarities in [0, 1] lie in [0, 2]), every other gap's is 1 (no
  threshold splits it). ``t`` is ``1 - (mean + amount * standard
  deviation) / 2`` of the depths of all gaps, so a valley splits when
  it is ``amount`` standard deviations deeper than the average gap. It looks
  at the shape of the curve, not its level, so the same rule suits TF-IDF
  similarities (mostly low) and embedding similarities (mostly high).

The other automatic methods are LangChain's, turned from distances (``1 -
similarity``, split above) into similarities (split below), plus ``gap``:

* ``gap``: sort the similarities; among the gaps between neighbours in that
  order whose lower end is at most the ``amount``-th percentile, take the
  widest; ``t`` is its midpoint.
* ``percentile``: ``t`` is the ``(100 - amount)``-th percentile, so
  ``amount`` percent of the gaps are at least ``t`` (LangChain splits above
  the ``amount``-th percentile of distances: the same gaps).
* ``std``: ``t = mean - amount * standard deviation``.
* ``iqr``: ``t = mean - amount * (q3 - q1)``.
* ``gradient``: LangChain's rule picks the gaps where the curve falls
  steepest (``numpy.gradient`` below its ``(100 - amount)``-th percentile).
  Each such fall reaches a floor, the lower of the similarity there and just
  after; ``t`` lies just above the median floor, so the median fall and every
  deeper one are split.

Every threshold is rounded to ``DECIMALS`` places and kept within [0, 1]
before it is applied, so sending it back as an explicit ``threshold``
reproduces the split.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from app.core.chunkers.similarity import rounded

ThresholdMethod = Literal["depth", "gap", "percentile", "std", "iqr", "gradient"]

Floats = NDArray[np.float64]

#: ``threshold_amount`` when none is given. Chosen on the segmentation
#: benchmark (``benchmarks/bench_segmentation.py``); LangChain's defaults
#: (95, 3, 1.5, 95) suit embedding distances, and with TF-IDF similarities
#: they hardly ever split.
DEFAULT_AMOUNTS: dict[str, float] = {
    "depth": 0.25,
    "gap": 50,
    "percentile": 75,
    "std": 0.75,
    "iqr": 0.5,
    "gradient": 70,
}

#: ``depth``'s amount for embedding similarities, whose curve is smoother
#: than TF-IDF's, with more shallow valleys: a stricter cut keeps precision
#: (chosen on the development half of ``benchmarks/data/segmentation``:
#: boundary F1 0.833 at 0.5, 0.827 at 0.25; TF-IDF 0.829 at 0.25, 0.813 at 0.5).
EMBEDDINGS_DEPTH_AMOUNT = 0.5

#: Fewest units in a group of ``depth``, minus one: a valley within this
#: many units of a deeper one, or of either end of the text, is not a
#: candidate. A topic rarely lasts fewer than four sentences; on the
#: development half of ``benchmarks/data/segmentation`` 2 over-splits
#: (TF-IDF boundary F1 0.79) and 4 loses recall (0.80) against 0.83 at 3,
#: and leaving the ends free of the rule cost 0.03 to 0.08 of F1.
MIN_SPACING = 3


def round_threshold(value: float) -> float:
    """A threshold as it is reported and applied: rounded, within [0, 1]."""
    return float(rounded(np.asarray(value, dtype=np.float64)))


def midpoints(low: Floats, high: Floats) -> Floats:
    """The rounded middle of each ``(low, high]``, strictly above ``low`` where the range is not empty."""
    middle = rounded((low + high) / 2)
    result: Floats = np.where((middle <= low) & (low < high), high, middle)
    return result


def midpoint(low: float, high: float) -> float:
    """:func:`midpoints` of one range."""
    return float(midpoints(np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)))


def _no_split(sims: Floats) -> float:
    # Nothing is below the smallest similarity.
    return float(sims.min())


def _just_above(sims: Floats, level: float) -> float:
    """A threshold that splits every similarity up to ``level`` and none above it."""
    above = sims[sims > level]
    if above.size == 0:
        return 1.0
    return midpoint(float(sims[sims <= level].max(initial=0.0)), float(above.min()))


def _gap(sims: Floats, amount: float) -> float:
    ordered = np.sort(sims)
    # Only gaps starting in the lower part of the curve count: the widest gap
    # overall is often among the highest similarities (repeated units at 1.0).
    lower = int(np.searchsorted(ordered, np.percentile(sims, amount), side="right"))
    widths = np.diff(ordered[: lower + 1])
    if widths.size == 0 or widths.max() <= 0:
        return _no_split(sims)
    j = int(np.argmax(widths))
    return midpoint(float(ordered[j]), float(ordered[j + 1]))


def _percentile(sims: Floats, amount: float) -> float:
    return float(np.percentile(sims, 100 - amount))


def _std(sims: Floats, amount: float) -> float:
    return float(sims.mean() - amount * sims.std())


def _iqr(sims: Floats, amount: float) -> float:
    q1, q3 = np.percentile(sims, [25, 75])
    return float(sims.mean() - amount * (q3 - q1))


def _gradient(sims: Floats, amount: float) -> float:
    if sims.size < 2:
        return _no_split(sims)
    slope = np.gradient(sims)
    falls = np.flatnonzero(slope < np.percentile(slope, 100 - amount))
    if falls.size == 0:
        return _no_split(sims)
    after = np.minimum(falls + 1, sims.size - 1)
    floors = np.minimum(sims[falls], sims[after])
    return _just_above(sims, float(np.median(floors)))


def depth_scores(sims: Floats) -> Floats:
    """TextTiling's depth of each gap: the climbs to the peaks on its left and on its right, added.

    Climbing stops where the curve turns down: the peak on the left of gap
    ``i`` is the similarity at the last gap up to ``i`` that is higher than
    the gap before it, found for every gap at once by a running maximum of
    indices (and the same from the right).
    """
    n = sims.size
    if n == 0:
        return np.zeros(0)
    positions = np.arange(n)
    rises = np.ones(n, dtype=bool)
    rises[1:] = sims[:-1] < sims[1:]
    left = sims[np.maximum.accumulate(np.where(rises, positions, 0))]
    falls = np.ones(n, dtype=bool)
    falls[:-1] = sims[1:] < sims[:-1]
    right = sims[np.minimum.accumulate(np.where(falls, positions, n - 1)[::-1])[::-1]]
    result: Floats = (left - sims) + (right - sims)
    return result


def spacing_for(units: int) -> int:
    """``MIN_SPACING``, or less for a short text: a quarter of its units, so four of them can still split."""
    return min(MIN_SPACING, units // 4)


def cohesion(sims: Floats) -> Floats:
    """The curve ``depth`` thresholds: ``1 - depth / 2`` at candidate valleys, 1 at every other gap.

    Candidates are local minima, taken deepest first (earlier first on a
    tie), each ruling out the minima within ``spacing`` gaps of it; the
    ``spacing`` gaps at either end of the text are no candidates either, so
    no group at an end is shorter than any other (a closing line or a
    signature is not a topic). ``spacing`` is :func:`spacing_for` the units.
    """
    out = np.ones_like(sims)
    if sims.size == 0:
        return out
    spacing = spacing_for(sims.size + 1)
    depth = depth_scores(sims)
    lower_left = np.r_[True, sims[1:] <= sims[:-1]]
    lower_right = np.r_[sims[:-1] <= sims[1:], True]
    minima = np.flatnonzero(lower_left & lower_right)
    # Plain lists: this loop visits a third of the gaps, one at a time.
    blocked = bytearray(sims.size)
    edge = min(spacing, sims.size)
    blocked[:edge] = b"\x01" * edge
    blocked[sims.size - edge :] = b"\x01" * edge
    chosen = []
    for i in minima[np.argsort(-depth[minima], kind="stable")].tolist():
        if blocked[i]:
            continue
        chosen.append(i)
        low, high = max(0, i - spacing), min(sims.size, i + spacing + 1)
        blocked[low:high] = b"\x01" * (high - low)
    out[chosen] = 1.0 - depth[chosen] / 2
    return rounded(out)


def _depth(sims: Floats, amount: float) -> float:
    depth = depth_scores(sims)
    return 1.0 - float(depth.mean() + amount * depth.std()) / 2


_METHODS: dict[str, Callable[[Floats, float], float]] = {
    "depth": _depth,
    "gap": _gap,
    "percentile": _percentile,
    "std": _std,
    "iqr": _iqr,
    "gradient": _gradient,
}


def choose_threshold(sims: Floats, method: ThresholdMethod, amount: float | None) -> float | None:
    """The threshold a method picks for a similarity curve.

    Args:
        sims: Adjacent similarities, in [0, 1] (for ``depth`` too: the
            threshold it returns applies to their :func:`cohesion`).
        method: One of ``depth``, ``gap``, ``percentile``, ``std``, ``iqr``, ``gradient``.
        amount: The method's parameter; None for ``DEFAULT_AMOUNTS[method]``.

    Returns:
        The rounded threshold in [0, 1], or None when there is no similarity
        to look at (fewer than two units).
    """
    if sims.size == 0:
        return None
    value = _METHODS[method](sims, DEFAULT_AMOUNTS[method] if amount is None else amount)
    return round_threshold(value)


def suggest_threshold(sims: Floats, threshold: float) -> float | None:
    """The middle of the thresholds that split exactly where ``threshold`` does.

    Every ``t`` with ``max(similarities below threshold) < t <= min(the rest)``
    gives the same split; its midpoint is the choice farthest from changing it.

    Returns:
        The rounded midpoint, or None when there is no similarity.
    """
    if sims.size == 0:
        return None
    below, rest = sims[sims < threshold], sims[sims >= threshold]
    high = float(rest.min()) if rest.size else 1.0
    if below.size == 0:
        # No split: every threshold from 0 up to the smallest similarity.
        return round_threshold(high / 2)
    return midpoint(float(below.max()), high)


#: How many times as many splits as the chosen threshold's the alternatives aim at.
ALTERNATIVE_FACTORS = (0.25, 0.5, 2.0, 4.0)


def alternative_thresholds(curve: Floats, threshold: float | None) -> list[float]:
    """A few thresholds that split about a quarter, half, twice and four times as many gaps as ``threshold``.

    Each is the middle of a range of thresholds that all give the same split,
    so it is as far from changing it as it can be; only gaps some threshold
    up to 1 can split count.

    Returns:
        Distinct rounded thresholds other than ``threshold``, ascending.
    """
    if threshold is None or curve.size == 0:
        return []
    levels = np.unique(curve[curve < 1.0])
    if levels.size == 0:
        return []
    splits = max(int(np.count_nonzero(curve < threshold)), 1)
    out = set()
    for factor in ALTERNATIVE_FACTORS:
        k = int(np.clip(round(splits * factor), 1, levels.size))
        high = float(levels[k]) if k < levels.size else 1.0
        out.add(midpoint(float(levels[k - 1]), high))
    out.discard(threshold)
    return sorted(out)
