"""Rankers and scoring for the held-out retrieval evaluation (see ``bench_quality.retrieval_section``).

A ranker is built on a list of chunks and returns, for a question, the
indices of its three best chunks. Each question's outcome is whether the
best chunk covers the gold span (top-1) and whether one of the three best
does (recall@3), where covering means holding at least half of the span.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from app.core import retrieval
from benchmarks.retrieval_set import Document, Half, PooledChunk, Question, chunk, covers, strategy_for

DEPTH = 3
Ranker = Callable[[str], list[int]]
MakeRanker = Callable[[list[PooledChunk]], Ranker]
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The plain tokenizer of the rank_bm25 baseline: lowercase ``\\w+`` runs, nothing removed."""
    return _WORD.findall(text.lower())


def chunkwise(method: retrieval.Method, *, headings: bool = False, **options: object) -> MakeRanker:
    """chunkwise's ranking as /answer does it; ``headings`` passes each chunk's heading path."""

    def make(chunks: list[PooledChunk]) -> Ranker:
        texts = [c.text for c in chunks]
        extra = {"headings": [c.headings for c in chunks]} if headings else {}
        index = retrieval.fit(texts, method, **extra, **options)  # type: ignore[arg-type]
        return lambda question: [r.index for r in retrieval.search(index, question, top_k=DEPTH)]

    return make


def sklearn_tfidf(chunks: list[PooledChunk]) -> Ranker:
    """scikit-learn ``TfidfVectorizer()`` at its defaults, cosine (rows are L2-normalised)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer()
    matrix = vectorizer.fit_transform([c.text for c in chunks])

    def run(question: str) -> list[int]:
        values = (matrix @ vectorizer.transform([question]).T).toarray().ravel()
        return [r.index for r in retrieval.top(values, DEPTH)]

    return run


def rank_bm25(chunks: list[PooledChunk]) -> Ranker:
    """rank_bm25 ``BM25Okapi`` at its defaults on :func:`words`."""
    from rank_bm25 import BM25Okapi

    model = BM25Okapi([words(c.text) or [""] for c in chunks])

    def run(question: str) -> list[int]:
        values = np.asarray(model.get_scores(words(question)), dtype=np.float64)
        return [r.index for r in retrieval.top(values, DEPTH)]

    return run


@dataclass(frozen=True)
class Outcome:
    """One question's result."""

    question: Question
    genre: str
    top1: bool
    recall: bool


@dataclass(frozen=True)
class Setting:
    """How documents are chunked and pooled.

    Attributes:
        strategy: The chunking strategy.
        chunk_size: In characters.
        structure: Markdown documents by ``markdown`` instead.
        pooled: One pool of all the half's documents, else one per document.
    """

    strategy: str
    chunk_size: int
    structure: bool
    pooled: bool


def _pools(documents: Sequence[Document], setting: Setting) -> list[list[PooledChunk]]:
    per_document = [
        chunk(d, strategy_for(d, setting.strategy, setting.structure), setting.chunk_size) for d in documents
    ]
    return [[c for p in per_document for c in p]] if setting.pooled else per_document


def run(
    make: MakeRanker,
    documents: dict[str, Document],
    questions: Sequence[Question],
    half: Half,
    setting: Setting,
) -> list[Outcome]:
    """Every question of ``half`` ranked by ``make`` under ``setting``."""
    chosen = [d for d in documents.values() if d.half == half]
    outcomes = []
    for pool in _pools(chosen, setting):
        if not pool:
            continue
        ranker = make(pool)
        names = {c.document for c in pool}
        for q in questions:
            if q.document in names:
                hits = [covers(pool[i], q) for i in ranker(q.text)]
                genre = documents[q.document].genre
                outcomes.append(Outcome(q, genre, bool(hits and hits[0]), any(hits)))
    return outcomes


def share(outcomes: Sequence[Outcome], what: str) -> tuple[int, int]:
    """Successes (``top1`` or ``recall``) and total."""
    return sum(getattr(o, what) for o in outcomes), len(outcomes)


def by_genre(outcomes: Sequence[Outcome]) -> str:
    """Top-1 per genre, as ``genre hits/total`` joined by commas."""
    genres = sorted({o.genre for o in outcomes})
    return ", ".join(
        f"{g} {sum(o.top1 for o in outcomes if o.genre == g)}/{sum(o.genre == g for o in outcomes)}"
        for g in genres
    )


def markdown_only(outcomes: Sequence[Outcome], documents: dict[str, Document]) -> list[Outcome]:
    """The outcomes of questions on Markdown documents (the ones with headings)."""
    return [o for o in outcomes if documents[o.question.document].format == "markdown"]


def mean_chunk_chars(documents: dict[str, Document], half: Half, strategy: str, size: int) -> float:
    """Mean length of the chunks of the half's documents by ``strategy`` at ``size``."""
    lengths = [len(c.text) for d in documents.values() if d.half == half for c in chunk(d, strategy, size)]
    return sum(lengths) / len(lengths)
