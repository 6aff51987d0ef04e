"""Golden files: the chunks of every sample document under every structure strategy.

The invariants are checked first, then the chunks are compared with
``tests/golden/<sample>.<strategy>.json``. A strategy applied to a document
without its structure (chat on the HTML article, say) is recorded too: that
is the documented fallback. Regenerate on purpose only, and review the diff::

    UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import pytest

from app.core.chunkers import CHUNKERS
from tests.conftest import ROOT
from tests.helpers import assert_golden, check_invariants

GOLDEN = ROOT / "tests" / "golden"
SAMPLES = ("book.txt", "guide.md", "article.html", "chat.txt")
OPTIONS = {
    "chat": {"chunk_size": 500, "time_gap": 3600},
    "html": {"chunk_size": 500},
    "markdown": {"chunk_size": 500},
    "page": {"chunk_size": 1500},
    "topic": {"chunk_size": 800},
}


def as_json(chunks) -> list[dict]:
    return [{"text": c.text, "start": c.start, "end": c.end, "meta": dict(c.meta)} for c in chunks]


@pytest.mark.parametrize("strategy", sorted(OPTIONS))
@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_matches_golden(sample, strategy):
    text = (ROOT / "samples" / sample).read_text(encoding="utf-8")
    options = OPTIONS[strategy]
    chunks = CHUNKERS[strategy](**options).chunk(text)
    check_invariants(strategy, text, chunks, options)
    assert chunks, "every sample gives chunks under every strategy"
    actual = {"sample": sample, "strategy": strategy, "options": options, "chunks": as_json(chunks)}
    assert_golden(GOLDEN / f"{sample}.{strategy}.json", actual)


def test_every_golden_file_belongs_to_a_case():
    expected = {f"{s}.{n}.json" for s in SAMPLES for n in OPTIONS}
    assert {p.name for p in GOLDEN.glob("*.json")} == expected
