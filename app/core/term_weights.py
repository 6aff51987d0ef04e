"""Counting index terms and turning the counts into TF-IDF or BM25 weights.

The terms of a text are the words of :func:`app.core.analysis.term_ids` and,
with ``ngrams`` 2, the pairs of adjacent words among them, counted as integer
codes (``n_words + a * n_words + b`` for words ``a`` then ``b``) rather than as
strings: fitting is about 1.4 times faster than counting pair strings with
CountVectorizer, and a cached index holds no pair strings.

A chunk may have a second field, its heading path. Its terms are counted like
the chunk's and added to the chunk's counts with a weight before any
weighting, which is BM25F with one length normalisation over both fields
(Robertson, Zaragoza and Taylor, "Simple BM25 extension to multiple weighted
fields", 2004); for TF-IDF it counts each heading term ``weight`` times in
the chunk. A pair never joins a heading's last word to the chunk's first.

BM25's document frequencies get a prior from a background collection
(``app/core/data/background_df.txt``, built by
``benchmarks/retrieval_background.py``): the index counts as if it held
:data:`BACKGROUND_CHUNKS` more chunks, in which each word occurs as often as
in the background. One document's tens of chunks say little about how common
a word is: "later" in one chunk of ten looks as rare as the document's own
terms. With the prior a word any text uses weighs less than one the
background rarely holds, while a large index is barely moved. Word pairs
and words the background lacks get no pseudo-occurrences.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from itertools import repeat
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

from app.core.analysis import term_ids
from app.core.lexicon import load_word_list

Vector = NDArray[np.float64]

#: Term saturation and length normalisation of BM25.
K1 = 1.5
B = 0.75
#: Shortest length BM25 normalises by, as a share of the average: a chunk
#: that is little more than a heading or a closing line otherwise outranks
#: the passage it introduces on one shared word. 0.75 was chosen on the
#: development half of benchmarks/data/retrieval (see benchmarks/RESULTS.md).
LENGTH_FLOOR = 0.75
#: Weight of the background prior, in chunks. Top-1 on the development half of
#: benchmarks/data/retrieval was equal from 200 to 1,000 (see benchmarks/RESULTS.md).
BACKGROUND_CHUNKS = 500.0
_BACKGROUND_FILE = "background_df.txt"


@cache
def background() -> tuple[int, dict[str, int]]:
    """The background's number of chunks, and per stem the number of chunks holding it."""
    lines = load_word_list(_BACKGROUND_FILE)
    counts = {}
    for line in lines[1:]:
        stem, count = line.split(" ")
        counts[stem] = int(count)
    return int(lines[0]), counts


def background_share(words: Mapping[str, int], terms: NDArray[np.int64]) -> Vector:
    """Per column, the share of background chunks holding its term (0 for pairs and unknown words).

    Args:
        words: Stem to word id, ids in insertion order from 0 (as :func:`count_terms` returns).
        terms: Each column's term code.
    """
    total, counts = background()
    per_word = np.fromiter(map(counts.get, words, repeat(0)), dtype=np.float64, count=len(words)) / total
    share = np.zeros(len(terms))
    is_word = terms < len(words)
    share[is_word] = per_word[terms[is_word]]
    return share


def count_terms(
    texts: Sequence[str], ngrams: int, fields: Sequence[str] | None = None, weight: float = 1.0
) -> tuple[Any, dict[str, int], NDArray[np.int64]]:
    """Count the terms of each text (plus ``weight`` times those of its field).

    Args:
        texts: The chunks.
        ngrams: 1 for words, 2 for words and adjacent word pairs.
        fields: A second text per chunk (its heading path), or None.
        weight: How much a term of the field counts against one of the chunk.

    Returns:
        The chunk × term counts (CSR), word to word id, and each column's term code.
    """
    everything = [*texts, *fields] if fields is not None else texts
    words, ids, lengths = term_ids(everything)
    rows = np.repeat(np.arange(len(everything)), lengths)
    codes, code_rows = ids, rows
    if ngrams >= 2:
        # A pair never spans two texts.
        same = rows[1:] == rows[:-1]
        pairs = len(words) + ids[:-1][same] * len(words) + ids[1:][same]
        codes, code_rows = np.concatenate([ids, pairs]), np.concatenate([rows, rows[1:][same]])
    values = np.ones(len(codes))
    if fields is not None:
        # Fold each field's row onto its chunk's row, weighted.
        in_field = code_rows >= len(texts)
        values[in_field] = weight
        code_rows = np.where(in_field, code_rows - len(texts), code_rows)
    # Every word occurs, and its code is its id, below every pair's code: only
    # the pairs need sorting into columns (half the work of sorting all codes).
    n_words = len(words)
    pair_terms, pair_columns = np.unique(codes[len(ids) :], return_inverse=True)
    terms = np.concatenate([np.arange(n_words, dtype=np.int64), pair_terms])
    columns = np.concatenate([ids, n_words + pair_columns.ravel()])
    shape = (len(texts), len(terms))
    # COO to CSR sums the repeated (chunk, term) entries into counts.
    counts = sparse.coo_matrix((values, (code_rows, columns)), shape=shape).tocsr()
    return counts, words, terms


def tfidf(counts: Any) -> tuple[Any, Vector]:
    """Sublinear tf × smoothed idf, rows L2-normalised (scikit-learn's ``TfidfTransformer``)."""
    if counts.shape[1] == 0:
        return counts, np.zeros(0)
    transformer = TfidfTransformer(sublinear_tf=True)
    weights = transformer.fit_transform(counts)
    return weights, np.asarray(transformer.idf_, dtype=np.float64)


def bm25(counts: Any, share: Vector | None = None) -> tuple[Any, Vector]:
    """Lucene's BM25 per (chunk, term), with lengths floored at :data:`LENGTH_FLOOR` of the average.

    Args:
        counts: Chunk × term counts (CSR).
        share: Per column, the background's share of chunks holding the term
            (:func:`background_share`); None for the index's own frequencies alone.
    """
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
    chunks = float(n)
    if share is not None:
        df += BACKGROUND_CHUNKS * share
        chunks += BACKGROUND_CHUNKS
    idf = np.log1p((chunks - df + 0.5) / (df + 0.5))
    lengths = np.asarray(counts.sum(axis=1), dtype=np.float64).ravel()
    average = lengths.mean() if n and lengths.any() else 1.0
    lengths = np.maximum(lengths, LENGTH_FLOOR * average)
    rows = np.repeat(np.arange(n), np.diff(counts.indptr))
    tf = counts.data
    norm = K1 * (1 - B + B * lengths[rows] / average)
    weights = counts.copy()
    weights.data = idf[counts.indices] * tf / (tf + norm)
    return weights, idf
