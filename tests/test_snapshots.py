"""Snapshots: every registered strategy on every sample text, at two sizes, with and without overlap.

For each case the chunk invariants are checked first, then the chunks are
compared with ``tests/golden/matrix/<strategy>.json``, so a new strategy is
covered as soon as it is registered (its snapshot is missing until made). A
chunk is recorded as ``[start, end, meta]``; the text is ``sample[start:end]``
(checked by the invariants), and recorded as well for strategies whose chunks
are visible text rather than a slice. Regenerate on purpose only, and review
the diff::

    UPDATE_GOLDEN=1 python -m pytest tests/test_snapshots.py
"""

from __future__ import annotations

import pytest

from app.core.chunkers import CHUNKERS
from tests.conftest import ROOT
from tests.helpers import VISIBLE_TEXT, assert_golden, check_invariants

MATRIX = ROOT / "tests" / "golden" / "matrix"
SAMPLES = sorted(p.name for p in (ROOT / "samples").glob("*") if p.suffix in (".txt", ".md", ".html"))
SIZES = (200, 800)


def cases() -> list[tuple[str, int, int]]:
    """Every sample at each size, without overlap and with a quarter of the size."""
    return [(sample, size, overlap) for sample in SAMPLES for size in SIZES for overlap in (0, size // 4)]


@pytest.mark.parametrize("name", sorted(CHUNKERS))
def test_strategy_matches_its_snapshot(name):
    actual = {}
    for sample, size, overlap in cases():
        text = (ROOT / "samples" / sample).read_text(encoding="utf-8")
        options = {"chunk_size": size, "chunk_overlap": overlap}
        chunks = CHUNKERS[name](**options).chunk(text)
        check_invariants(name, text, chunks, options)
        assert chunks, f"{sample} gives no chunks"
        visible = name in VISIBLE_TEXT
        actual[f"{sample} {size}/{overlap}"] = [
            [c.start, c.end, dict(c.meta), *([c.text] if visible else [])] for c in chunks
        ]
    assert_golden(MATRIX / f"{name}.json", actual, indent=0)


def test_every_snapshot_belongs_to_a_strategy():
    assert {p.stem for p in MATRIX.glob("*.json")} == set(CHUNKERS)
