"""Groups of consecutive units: split below a threshold, bounded in size, described.

A group is the inclusive range ``(first, last)`` of unit indices. Link ``i``
is the gap between unit ``i`` and unit ``i + 1``, and ``sims[i]`` its
similarity. Sizes are in characters, from the first unit's start to the last
unit's end (``ends[last] - starts[first]``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from app.core.chunkers.similarity import rounded
from app.core.chunkers.thresholds import midpoints

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


class Group(NamedTuple):
    """Units ``first`` to ``last``, inclusive."""

    first: int
    last: int


class GroupStats(NamedTuple):
    """What one group's similarities say about it.

    Attributes:
        internal_min: Weakest link inside the group; None for a single unit.
        internal_mean: Mean of the links inside the group; None for a single unit.
        before: Similarity of the link before the group; None at the start.
        after: Similarity of the link after the group; None at the end.
        threshold_range: ``(low, high)``: every threshold ``t`` with
            ``low < t <= high`` gives this group; None when no threshold does.
            A group with no link on either side is also given by ``t = 0``.
        suggested_threshold: The range's rounded midpoint, or None.
    """

    internal_min: float | None
    internal_mean: float | None
    before: float | None
    after: float | None
    threshold_range: tuple[float, float] | None
    suggested_threshold: float | None


def split_below(sims: Floats, threshold: float) -> list[Group]:
    """Split ``len(sims) + 1`` units at every link whose similarity is below ``threshold``."""
    cuts = np.flatnonzero(sims < threshold)
    firsts = [0, *(cuts + 1).tolist()]
    lasts = [*cuts.tolist(), sims.size]
    return [Group(f, e) for f, e in zip(firsts, lasts, strict=True)]


def _weakest_link(sims: Floats, group: Group) -> int:
    """The group's weakest link; of equally weak links, the one nearest the group's middle."""
    links = sims[group.first : group.last]
    weakest = np.flatnonzero(links == links.min())
    # Ties toward the middle keep the halves balanced: a run of identical
    # units is halved, not peeled one unit at a time.
    middle = (links.size - 1) / 2
    return group.first + int(weakest[np.argmin(np.abs(weakest - middle))])


def _bounds(groups: list[Group]) -> tuple[Ints, Ints]:
    """The first and the last unit of every group, as two arrays."""
    firsts, lasts = (np.array(side, dtype=np.int64) for side in zip(*groups, strict=True))
    return firsts, lasts


def split_oversize(groups: list[Group], sims: Floats, starts: Ints, ends: Ints, limit: int) -> list[Group]:
    """Split every group longer than ``limit`` at its weakest link, repeatedly, until each fits.

    Every single unit must fit ``limit`` already. The groups that fit are
    found at once and kept as they are; only the others are split one by one.
    """
    if not groups:
        return []
    firsts, lasts = _bounds(groups)
    over = np.flatnonzero((ends[lasts] - starts[firsts] > limit) & (lasts > firsts)).tolist()
    out: list[Group] = []
    done = 0
    for k in over:
        out += groups[done:k]
        out += _split_to_fit(groups[k], sims, starts, ends, limit)
        done = k + 1
    out += groups[done:]
    return out


def _split_to_fit(group: Group, sims: Floats, starts: Ints, ends: Ints, limit: int) -> list[Group]:
    out: list[Group] = []
    stack = [group]
    while stack:
        g = stack.pop()
        if g.first == g.last or ends[g.last] - starts[g.first] <= limit:
            out.append(g)
            continue
        k = _weakest_link(sims, g)
        # The right half goes on the stack first, so groups come out in order.
        stack += [Group(k + 1, g.last), Group(g.first, k)]
    return out


def _merge_target(
    groups: list[Group], i: int, sims: Floats, starts: Ints, ends: Ints, limit: int | None
) -> int | None:
    """The neighbour small group ``i`` should join: the more similar one that fits, if any."""
    g = groups[i]
    candidates = []
    if i > 0:
        candidates.append((float(sims[g.first - 1]), i - 1))
    if i + 1 < len(groups):
        candidates.append((float(sims[g.last]), i + 1))
    # Most similar first; on a tie the earlier neighbour (sorted is stable).
    for _, j in sorted(candidates, key=lambda c: -c[0]):
        first, last = min(g.first, groups[j].first), max(g.last, groups[j].last)
        if limit is None or ends[last] - starts[first] <= limit:
            return j
    return None


def merge_small(
    groups: list[Group], sims: Floats, starts: Ints, ends: Ints, minimum: int, limit: int | None
) -> list[Group]:
    """Merge each group shorter than ``minimum`` into its more similar neighbour.

    A merge that would exceed ``limit`` goes to the other neighbour instead;
    when neither fits, the group stays as it is.
    """
    groups = list(groups)
    i = 0
    while i < len(groups):
        g = groups[i]
        target = (
            None
            if ends[g.last] - starts[g.first] >= minimum
            else _merge_target(groups, i, sims, starts, ends, limit)
        )
        if target is None:
            i += 1
            continue
        lo = min(i, target)
        groups[lo : lo + 2] = [Group(groups[lo].first, groups[lo + 1].last)]
        # The merged group may still be small: look at it again.
        i = lo
    return groups


def _or_none(values: Floats, present: NDArray[np.bool_]) -> list[float | None]:
    return [v if p else None for v, p in zip(values.tolist(), present.tolist(), strict=True)]


def _ranges(before: Floats, after: Floats, inner: Floats) -> tuple[Floats, Floats, NDArray[np.bool_]]:
    """``(low, high, stable)`` per group: every ``t`` with ``low < t <= high`` gives it, when stable.

    ``before`` and ``after`` are the boundary links, NaN where there is none;
    ``inner`` the weakest internal link, NaN for a single unit. A group with
    no boundary link is also given by ``t = 0``.
    """
    bounded = ~(np.isnan(before) & np.isnan(after))
    low = np.where(bounded, np.fmax(before, after), 0.0)
    high = np.where(np.isnan(inner), 1.0, inner)
    return low, high, (low < high) | (~bounded & (low == high))


def describe(groups: list[Group], sims: Floats) -> list[GroupStats]:
    """Internal and boundary similarities of each group, and the thresholds that reproduce it.

    Computed for all groups at once: a long text has tens of thousands of
    groups, and rounding one number at a time with numpy cost more than the
    rest of grouping.
    """
    if not groups:
        return []
    n = groups[-1].last + 1
    firsts, lasts = _bounds(groups)
    # Link i of a group ends at its last unit; mask the boundary links (and a
    # padding link after the last unit) so reduceat sees only internal ones.
    padded = np.append(sims, np.nan)
    internal = np.ones(n, dtype=bool)
    internal[lasts] = False
    counts = lasts - firsts
    inner = counts > 0
    lows = np.where(inner, np.minimum.reduceat(np.where(internal, padded, np.inf), firsts), np.nan)
    sums = np.add.reduceat(np.where(internal, padded, 0.0), firsts)
    means = rounded(np.divide(sums, counts, out=np.full_like(sums, np.nan), where=inner))
    # padded[-1] is the NaN: no link before the first group, none after the last.
    before, after = padded[firsts - 1], padded[lasts]
    low, high, stable = _ranges(before, after, lows)
    suggested = midpoints(low, high)
    columns = zip(
        *(_or_none(v, ~np.isnan(v)) for v in (lows, means, before, after)),
        low.tolist(),
        high.tolist(),
        stable.tolist(),
        suggested.tolist(),
        strict=True,
    )
    return [
        GroupStats(inner_min, mean, before_link, after_link, (lo, hi) if ok else None, mid if ok else None)
        for inner_min, mean, before_link, after_link, lo, hi, ok, mid in columns
    ]
