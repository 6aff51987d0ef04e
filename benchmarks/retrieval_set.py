"""The held-out retrieval set: documents shipped by Debian packages, questions, gold spans, halves.

``benchmarks/data/retrieval/retrieval.json`` names each document by its path
on a Debian system (with the package that installs it and the SHA-256 of the
installed file), its genre, its format and its half; each question names its
document and quotes the passage that answers it. The README beside it says
how the set was made and split.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from app.core.chunkers import CHUNKERS

SET_FILE = Path(__file__).resolve().parent / "data" / "retrieval" / "retrieval.json"
Half = Literal["dev", "test"]


@dataclass(frozen=True)
class Document:
    """One source document and where it comes from."""

    name: str
    text: str
    genre: str
    format: str
    half: Half


@dataclass(frozen=True)
class Question:
    """A question, its document and the gold span's offsets in that document."""

    text: str
    document: str
    start: int
    end: int


@dataclass(frozen=True)
class PooledChunk:
    """A chunk of one document, with its offsets and heading path."""

    document: str
    start: int
    end: int
    text: str
    headings: tuple[str, ...] = ()


def _read(entry: dict[str, Any]) -> str:
    path = Path(entry["path"])
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: install the Debian package {entry['package']}")
    raw = path.read_bytes()
    if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
        raise ValueError(f"{path} differs from the file the questions were written on (sha256)")
    return (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8")


def locate(gold: str, text: str, name: str) -> tuple[int, int]:
    """The offsets of ``gold`` in ``text``; runs of whitespace in the quotation match any run.

    Raises:
        ValueError: When the quotation is not found exactly once.
    """
    pattern = r"\s+".join(map(re.escape, gold.split()))
    found = [m.span() for m in re.finditer(pattern, text)]
    if len(found) != 1:
        raise ValueError(f"gold span found {len(found)} times in {name}: {gold!r}")
    return found[0]


def load() -> tuple[dict[str, Document], list[Question]]:
    """Every document and question, each gold span located exactly once in its document."""
    data = json.loads(SET_FILE.read_text(encoding="utf-8"))
    documents = {
        name: Document(name, _read(entry), entry["genre"], entry["format"], entry["half"])
        for name, entry in data["documents"].items()
    }
    questions = [
        Question(
            q["question"], q["document"], *locate(q["gold"], documents[q["document"]].text, q["document"])
        )
        for q in data["questions"]
    ]
    return documents, questions


def strategy_for(document: Document, strategy: str, structure: bool) -> str:
    """``markdown`` for a Markdown document when structure is asked for, else ``strategy``."""
    return "markdown" if structure and document.format == "markdown" else strategy


def chunk(document: Document, strategy: str, chunk_size: int) -> list[PooledChunk]:
    """The document's chunks by ``strategy`` at ``chunk_size`` (characters), heading paths kept."""
    chunker = CHUNKERS[strategy](chunk_size=chunk_size)  # type: ignore[call-arg]
    return [
        PooledChunk(document.name, c.start, c.end, c.text, tuple(map(str, c.meta.get("headings") or ())))  # type: ignore[union-attr]
        for c in chunker.chunk(document.text)
    ]


def covers(chunk: PooledChunk, question: Question) -> bool:
    """A hit: the chunk is from the question's document and holds at least half of the gold span."""
    if chunk.document != question.document:
        return False
    overlap = min(chunk.end, question.end) - max(chunk.start, question.start)
    return overlap * 2 >= question.end - question.start
