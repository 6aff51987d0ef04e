"""Inputs built to make a careless splitter quadratic; each must finish well within a hang detector.

The detector only catches hangs (a quadratic pass over a megabyte takes
hours); no test asserts how fast anything is. It counts CPU time, not the
wall clock, so a machine busy with other work cannot trip it.
"""

from __future__ import annotations

import threading

import pytest

from app.core.chunkers import CHUNKERS
from tests.conftest import join_or_fail

MB = 1_000_000
STRUCTURE = ("chat", "html", "markdown", "page", "topic")

INPUTS = {
    "hashes": "#" * MB,
    "divs": "<div>" * (MB // 5),
    "colon-lines": ":\n" * (MB // 2),
    "form-feeds": "\f" * MB,
    "long-line": ("pathological " * 20_000)[:200_000],
}
# Shapes aimed at one strategy's own parser.
TARGETED = {
    "html": {
        "open-tags": "<a" * (MB // 2),
        "open-end-tags": "</" * (MB // 2),
        "open-comments": "<!--x>" * (MB // 6),
        "processing": "<?" * (MB // 2),
        "cdata": "<![" * (MB // 3),
        "unclosed-p": "<p>a" * (MB // 4),
        "entities": "&amp;" * (MB // 5),
        "pre-lines": "<pre>" + "x\n" * (MB // 2),
    },
    "markdown": {
        "fence-lines": "```\n" * (MB // 4),
        "setext-lines": "a\n-\n" * (MB // 4),
        "heading-lines": "# a\n" * (MB // 4),
        "dash-line": "-" * 200_000 + "\n",
    },
    "chat": {
        "message-lines": "Ana: hi\n" * (MB // 8),
        "long-name-line": "a" * 200_000 + ": x",
        "stamped-lines": "[10:00] A: x\n" * (MB // 13),
    },
    "page": {"marker-lines": "--- Page 1 ---\n" * (MB // 15), "dash-line": "-" * 200_000},
    "topic": {"short-paragraphs": "word\n\n" * (MB // 6)},
}


def run_with_hang_detector(name: str, text: str, **options) -> list:
    result: list = []
    chunker = CHUNKERS[name](**options)
    worker = threading.Thread(target=lambda: result.append(chunker.chunk(text)), daemon=True)
    join_or_fail(worker, name)
    assert result, f"{name} raised"
    return result[0]


def check(name: str, text: str, chunks: list, size: int = 1000) -> None:
    assert all(0 < len(c.text) <= size for c in chunks)
    starts = [c.start for c in chunks]
    assert all(a < b for a, b in zip(starts, starts[1:], strict=False))
    if name != "html":
        assert all(text[c.start : c.end] == c.text for c in chunks[:50])
        content = sum(len(c.text) - sum(ch.isspace() for ch in c.text) for c in chunks)
        assert content == len(text) - sum(ch.isspace() for ch in text)


@pytest.mark.parametrize("name", STRUCTURE)
@pytest.mark.parametrize("shape", sorted(INPUTS))
def test_pathological_inputs_finish(name, shape):
    text = INPUTS[shape]
    check(name, text, run_with_hang_detector(name, text))


@pytest.mark.parametrize(
    ("name", "shape"), [(n, s) for n in sorted(TARGETED) for s in sorted(TARGETED[n])], ids=lambda v: v
)
def test_targeted_inputs_finish(name, shape):
    text = TARGETED[name][shape]
    check(name, text, run_with_hang_detector(name, text))


def test_many_small_sections_each_cut_at_its_blocks():
    # Every section is over chunk_size, so each is cut into blocks; finding
    # the fences of one section must not rescan the fences before it.
    text = "# a\n\n```\nb\n```\n\nc\n\n" * (MB // 20)
    check("markdown", text, run_with_hang_detector("markdown", text, chunk_size=8), size=8)


STRUCTURE_INPUTS = {
    "blank-line": " " * MB + "x",
    "pipe-then-blanks": "|" + " " * MB,
    "delimiter-rows": "|---|---|\n" * (MB // 10),
    "dashes-and-pipes": "-|" * (MB // 2),
    "tables": ("| a | b |\n|---|---|\n" + "| x | y |\n" * 3 + "\n") * (MB // 50),
    "fenced-rows": ("```\n|---|---|\n```\n" * (MB // 20)),
}


@pytest.mark.parametrize("shape", sorted(STRUCTURE_INPUTS))
def test_reading_a_documents_structure_finishes(shape):
    from app.core.context import ContextOptions, chunk_in_context, structure_for

    text = STRUCTURE_INPUTS[shape]
    result: list = []

    def work() -> None:
        context = ContextOptions(contextualize=True)
        chunker = CHUNKERS["markdown"](chunk_size=1000)
        result.append(chunk_in_context(chunker, text, context, structure_for("markdown", text, context)))

    join_or_fail(threading.Thread(target=work, daemon=True), shape)
    assert result, f"{shape} raised"
    chunks = result[0].chunks
    assert all(text[c.start : c.end] == c.text for c in chunks[:50])
    assert all(len(c.meta["contextualized"]) <= 1000 for c in chunks)
