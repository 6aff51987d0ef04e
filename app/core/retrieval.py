"""Ranking chunks against a question: TF-IDF cosine and BM25, fitted on the chunks themselves.

Both methods index the same terms: the words of :func:`app.core.analysis.analyze_many`
(lowercase, minus the project's stop words, stemmed by the Snowball English
stemmer, numbers and one-character tokens kept) and the pairs of adjacent
words among them. They are counted into a sparse chunk × term matrix, which
each method turns into fixed per-term weights at fit time, so a question
costs one sparse column slice and a dot product:

* ``tfidf``: cosine between the question's and each chunk's TF-IDF vector,
  words and word pairs, sublinear tf (``1 + log tf``), smoothed idf, rows
  L2-normalised (scikit-learn's ``TfidfTransformer``). Scores are in [0, 1].
* ``bm25``: Lucene's BM25 (``k1`` 1.5, ``b`` 0.75, the defaults of bm25s and
  rank_bm25). Its idf, ``log(1 + (N - df + 0.5) / (df + 0.5))``, stays
  positive for a term in half or more of the chunks, where Okapi's
  ``log((N - df + 0.5) / (df + 0.5))`` is zero or negative: with two chunks, a
  term in one of them would otherwise score nothing. Lengths are floored
  at 0.75 of the average, so that a chunk holding little more than a heading
  does not outrank the passage under it. Document frequencies get a prior
  from a background collection of documentation, worth 500 chunks, so that
  the words any text uses weigh less in an index of a few chunks (see
  :mod:`app.core.term_weights`). Scores are unbounded above.

Counting and weighting live in :mod:`app.core.term_weights`, which also
folds a chunk's heading path into its counts as a field of its own
(BM25F-style) when :func:`fit` is given ``headings``.

A chunk that shares no term with the question scores 0 and is never ranked.
Equal scores rank by position (lower index first), so results are
deterministic. Nothing here reads configuration or does IO.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from app.core.analysis import analyze_many
from app.core.chunkers.punkt import split_sentences
from app.core.term_weights import K1 as K1
from app.core.term_weights import B as B
from app.core.term_weights import background_share, bm25, count_terms, tfidf
from app.core.types import ScoredChunk

Method = Literal["bm25", "tfidf"]
METHODS: tuple[Method, ...] = ("bm25", "tfidf")
#: Chosen on benchmarks/bench_answer.py's evaluation set (see benchmarks/RESULTS.md).
DEFAULT_METHOD: Method = "bm25"

#: How much a heading-path term counts against a term of the chunk itself.
HEADING_WEIGHT = 1.0
#: Terms per method: 1 for words only, 2 for words and adjacent word pairs.
#: Pairs added top-1 hits for both methods on the evaluation set (see
#: benchmarks/RESULTS.md, the ablation rows).
NGRAMS: Mapping[Method, int] = {"bm25": 2, "tfidf": 2}

Vector = NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class Index:
    """A fitted index over one list of chunks.

    Attributes:
        method: ``tfidf`` or ``bm25``.
        words: Stemmed word to word id.
        terms: The term code of each column, sorted: a word id, or
            ``len(words) + a * len(words) + b`` for the pair of words a, b.
        idf: Inverse document frequency per column.
        weights: Chunk × term weights (CSC, so question columns slice fast).
        size: Number of chunks indexed.
    """

    method: Method
    words: Mapping[str, int]
    terms: NDArray[np.int64]
    idf: Vector
    weights: Any
    size: int


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence inside a chunk.

    Attributes:
        text: The sentence: ``chunk[start:end]``.
        start: Offset of its first character in the chunk (code points).
        end: Offset one past its last character.
        score: Its similarity to the question.
    """

    text: str
    start: int
    end: int
    score: float


@dataclass(frozen=True, slots=True)
class Answer:
    """The best chunk for a question, and the evidence.

    Attributes:
        found: Whether a chunk scored above ``min_score``.
        chunk_index: The best chunk's index, when found.
        score: Its score, when found.
        sentence: The sentence of that chunk most similar to the question.
        ranking: Up to ``top_k`` chunks sharing a term with the question,
            best first (whatever ``min_score``).
    """

    found: bool
    chunk_index: int | None
    score: float | None
    sentence: Sentence | None
    ranking: list[ScoredChunk]


def fingerprint(
    chunks: Sequence[str], method: Method, headings: Sequence[Sequence[str]] | None = None
) -> str:
    """A key that identifies the index ``fit(chunks, method, headings)`` would build.

    Each chunk (and each heading) is hashed with its length, so ``["ab", "c"]``
    and ``["a", "bc"]`` differ; chunks without headings keep the key they had
    before headings counted.
    """
    digest = hashlib.sha256(method.encode())
    for chunk in chunks:
        _update(digest, chunk)
    paths = _heading_paths(headings)
    if paths is not None:
        digest.update(b"\0headings")
        for path in paths:
            digest.update(len(path).to_bytes(8, "little"))
            for title in path:
                _update(digest, title)
    return digest.hexdigest()


def fit(
    chunks: Sequence[str],
    method: Method,
    headings: Sequence[Sequence[str]] | None = None,
    *,
    heading_weight: float = HEADING_WEIGHT,
) -> Index:
    """Fit an index over ``chunks``.

    Args:
        chunks: The texts to rank; any may be empty.
        method: ``tfidf`` or ``bm25``.
        headings: Each chunk's heading path (outermost first), counted as a
            field of the chunk; None or all empty when there are none.
        heading_weight: How much a heading term counts against a chunk term.

    Returns:
        The index, ready for any number of questions.
    """
    paths = _heading_paths(headings)
    fields = [" ".join(path) for path in paths] if paths is not None else None
    if fields is not None and len(fields) != len(chunks):
        raise ValueError(f"{len(fields)} heading paths for {len(chunks)} chunks")
    counts, words, terms = count_terms(chunks, NGRAMS[method], fields, heading_weight)
    weights, idf = tfidf(counts) if method == "tfidf" else bm25(counts, background_share(words, terms))
    return Index(method, words, terms, idf, sparse.csc_matrix(weights), len(chunks))


def scores(index: Index, question: str) -> Vector:
    """Score every chunk of the index against ``question`` (0 when no term is shared)."""
    ids, query = _query(index, analyze_many([question])[0])
    if not ids:
        return np.zeros(index.size)
    return np.asarray(index.weights[:, ids] @ query, dtype=np.float64).ravel()


def search(index: Index, question: str, *, top_k: int) -> list[ScoredChunk]:
    """The ``top_k`` best chunks sharing a term with ``question``, best first, ties by position."""
    return top(scores(index, question), top_k)


def rank(
    question: str, chunks: Sequence[str], *, top_k: int, method: Method = DEFAULT_METHOD
) -> list[ScoredChunk]:
    """Fit ``method`` on ``chunks`` and rank them for ``question``.

    Args:
        question: Any text.
        chunks: The candidates.
        top_k: Most chunks to return.
        method: ``tfidf`` or ``bm25``.

    Returns:
        Up to ``top_k`` chunks with a positive score, best first; equal
        scores in chunk order.
    """
    return search(fit(chunks, method), question, top_k=top_k)


def top(values: Vector, k: int) -> list[ScoredChunk]:
    """The ``k`` highest positive values, best first, equal values by index."""
    positive = np.flatnonzero(values > 0)
    if len(positive) > k:
        # Keep every value tied with the k-th, so ties are settled by index below.
        kth = np.partition(values[positive], len(positive) - k)[len(positive) - k]
        positive = positive[values[positive] >= kth]
    order = positive[np.lexsort((positive, -values[positive]))][:k]
    return [ScoredChunk(int(i), float(values[i])) for i in order]


def best_sentence(index: Index, question: str, chunk: str) -> Sentence | None:
    """The sentence of ``chunk`` most similar to ``question``; the first of equals.

    Similarity is the cosine of sublinear-tf × idf vectors, with the index's
    terms and idf, so BM25 and TF-IDF pick by the same evidence they ranked on.

    Returns:
        The sentence with its offsets in ``chunk``, or None for a blank chunk.
    """
    spans = split_sentences(chunk)
    if not spans:
        return None
    terms = analyze_many([question, *(chunk[s:e] for s, e in spans)])
    question_vector = _unit_vector(index, terms[0])
    similarity = [_dot(question_vector, _unit_vector(index, t)) for t in terms[1:]]
    best = int(np.argmax(similarity))
    start, end = spans[best]
    return Sentence(chunk[start:end], start, end, similarity[best])


def answer(index: Index, question: str, chunks: Sequence[str], *, top_k: int, min_score: float) -> Answer:
    """Rank ``chunks`` (the ones ``index`` was fitted on) and pick the answer.

    Args:
        index: ``fit(chunks, method)``.
        question: Any text.
        chunks: The indexed chunks, for the best sentence.
        top_k: Length of the ranking.
        min_score: The best chunk is an answer only when it scores above this.

    Returns:
        The answer; ``found`` is False when no chunk scores above ``min_score``.
    """
    ranking = search(index, question, top_k=top_k)
    if not ranking or ranking[0].score <= min_score:
        return Answer(False, None, None, None, ranking)
    best = ranking[0]
    return Answer(True, best.index, best.score, best_sentence(index, question, chunks[best.index]), ranking)


def _columns(index: Index, stems: list[str]) -> list[int]:
    """Columns of the index's terms among ``stems`` (a term once per occurrence)."""
    ids = np.array([index.words.get(w, -1) for w in stems], dtype=np.int64)
    codes = ids[ids >= 0]
    if NGRAMS[index.method] >= 2 and len(ids) > 1:
        first, second = ids[:-1], ids[1:]
        known = (first >= 0) & (second >= 0)
        n = len(index.words)
        codes = np.concatenate([codes, n + first[known] * n + second[known]])
    columns = np.searchsorted(index.terms, codes)
    inside = columns < len(index.terms)
    inside[inside] = index.terms[columns[inside]] == codes[inside]
    return [int(c) for c in columns[inside]]


def _query(index: Index, terms: list[str]) -> tuple[list[int], Vector]:
    known = Counter(_columns(index, terms))
    ids = sorted(known)
    counts = np.array([known[i] for i in ids], dtype=np.float64)
    if index.method == "bm25":
        # Lucene and both BM25 libraries sum a repeated question term once per occurrence.
        return ids, counts
    weights = (1 + np.log(counts)) * index.idf[ids]
    norm = float(np.linalg.norm(weights))
    return ids, weights / norm if norm else weights


def _heading_paths(headings: Sequence[Sequence[str]] | None) -> Sequence[Sequence[str]] | None:
    # No heading at all is the same index as no headings given.
    return headings if headings is not None and any(headings) else None


def _update(digest: Any, text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    digest.update(len(data).to_bytes(8, "little"))
    digest.update(data)


def _unit_vector(index: Index, terms: list[str]) -> dict[int, float]:
    counts = Counter(_columns(index, terms))
    vector = {i: (1 + math.log(c)) * float(index.idf[i]) for i, c in counts.items()}
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {i: w / norm for i, w in vector.items()} if norm else vector


def _dot(a: dict[int, float], b: dict[int, float]) -> float:
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return sum(w * large.get(i, 0.0) for i, w in small.items())
