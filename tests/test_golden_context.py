"""Golden files for context: heading paths, table headers, parents and windows on the samples.

Each case chunks a sample with context options and compares every chunk's
offsets and metadata with ``tests/golden/context/<case>.json``, after the
properties that must hold whatever the figures: offsets exact, children
inside their parent, ``contextualized`` within ``chunk_size``. Regenerate on
purpose only, and review the diff::

    UPDATE_GOLDEN=1 python -m pytest tests/test_golden_context.py
"""

from __future__ import annotations

import json

import pytest

from app.core.chunkers import CHUNKERS
from app.core.context import ContextOptions, chunk_in_context, structure_for
from app.core.documents import DocumentLimits, extract
from tests.conftest import ROOT
from tests.helpers import VISIBLE_TEXT, assert_golden
from tests.make_documents import notes_docx

GOLDEN = ROOT / "tests" / "golden" / "context"
CASES = {
    # A guide with nested sections; a handbook with a long stock table.
    "guide-markdown": ("guide.md", "markdown", {"chunk_size": 200}, {"contextualize": True, "neighbours": 1}),
    "handbook-markdown": ("handbook.md", "markdown", {"chunk_size": 400}, {"contextualize": True}),
    "handbook-recursive-parents": ("handbook.md", "recursive", {"chunk_size": 300}, {"parent_size": 1200}),
    "article-html": ("article.html", "html", {"chunk_size": 300}, {"contextualize": True}),
    "article-sentence-windows": ("article.txt", "sentence", {"pack": False}, {"neighbours": 2}),
    "notes-docx-markdown": ("field-notes.docx", "markdown", {"chunk_size": 250}, {"contextualize": True}),
}


def sample_text(name: str) -> str:
    if name.endswith(".docx"):
        return extract(notes_docx(), limits=DocumentLimits()).text
    return (ROOT / "samples" / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("case", sorted(CASES))
def test_context_matches_golden(case):
    sample, strategy, options, context_options = CASES[case]
    text = sample_text(sample)
    chunker = CHUNKERS[strategy](**options)
    context = ContextOptions(**context_options)
    result = chunk_in_context(chunker, text, context, structure_for(strategy, text, context))
    for c in result.chunks:
        if strategy not in VISIBLE_TEXT:
            assert text[c.start : c.end] == c.text
        if context.contextualize:
            assert len(c.meta["contextualized"]) <= chunker.max_size().size
        if result.parents is not None:
            parent = result.parents[c.meta["parent"]]
            assert parent.start <= c.start and c.end <= parent.end
    actual = {
        "sample": sample,
        "strategy": strategy,
        "options": {**options, **context_options},
        "chunks": [[c.start, c.end, dict(c.meta)] for c in result.chunks],
        "parents": None if result.parents is None else [[p.start, p.end] for p in result.parents],
    }
    assert_golden(GOLDEN / f"{case}.json", actual)


def test_the_long_table_keeps_its_header_on_every_continuation():
    golden = json.loads((GOLDEN / "handbook-markdown.json").read_text(encoding="utf-8"))
    headers = {meta.get("table_header") for _, _, meta in golden["chunks"]} - {None}
    assert headers == {"| item | where | we aim to hold | reorder at |\n|---|---|---|---|"}
    assert sum("table_header" in meta for _, _, meta in golden["chunks"]) >= 2
