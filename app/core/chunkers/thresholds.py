"""Choosing the similarity threshold, and the ranges of thresholds that give the same result.

Units are split where the similarity across their gap is below the threshold
``t``. The automatic methods are LangChain's, turned from distances (``1 -
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

from app.core.chunkers.similarity import DECIMALS

ThresholdMethod = Literal["gap", "percentile", "std", "iqr", "gradient"]

Floats = NDArray[np.float64]

#: ``threshold_amount`` when none is given. Chosen on the segmentation
#: benchmark (``benchmarks/bench_segmentation.py``); LangChain's defaults
#: (95, 3, 1.5, 95) suit embedding distances, and with TF-IDF similarities
#: they hardly ever split.
DEFAULT_AMOUNTS: dict[str, float] = {"gap": 50, "percentile": 75, "std": 0.75, "iqr": 0.5, "gradient": 70}


def round_threshold(value: float) -> float:
    """A threshold as it is reported and applied: rounded, within [0, 1]."""
    return float(np.clip(np.round(value, DECIMALS), 0.0, 1.0))


def midpoint(low: float, high: float) -> float:
    """The rounded middle of ``(low, high]``, kept strictly above ``low`` when the range is not empty."""
    middle = round_threshold((low + high) / 2)
    return high if middle <= low < high else middle


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


_METHODS: dict[str, Callable[[Floats, float], float]] = {
    "gap": _gap,
    "percentile": _percentile,
    "std": _std,
    "iqr": _iqr,
    "gradient": _gradient,
}


def choose_threshold(sims: Floats, method: ThresholdMethod, amount: float | None) -> float | None:
    """The threshold a method picks for a similarity curve.

    Args:
        sims: Adjacent similarities, in [0, 1].
        method: One of ``gap``, ``percentile``, ``std``, ``iqr``, ``gradient``.
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
