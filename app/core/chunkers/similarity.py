"""Adjacent similarity of units: TF-IDF over a window of neighbours, cosine across each gap.

For the gap between unit ``i`` and unit ``i + 1`` the left vector sums the
term counts of units ``i - window .. i`` and the right vector those of units
``i + 1 .. i + 1 + window`` (cut at the ends of the text). Each unit thus
takes in ``window`` neighbours on each side, except across the gap being
measured: a vector that reached over the gap would contain part of the other
side and compare the text with itself, which flattens the curve exactly where
a topic changes (LangChain's ``buffer_size`` does that; see
``benchmarks/bench_segmentation.py``). Counts are weighted by scikit-learn's
``TfidfTransformer``, with document frequencies counted over the units, and
rows are L2-normalised, so a similarity is a row-wise dot product.

Every step is a sparse matrix operation: the window sums are one product
with a banded matrix, and the similarities one element-wise product of two
row-shifted views. No Python loop runs over units or pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfTransformer

from app.core.analysis import number_words, stem_words
from app.core.embeddings import StaticEmbeddings
from app.core.lexicon import stop_words

#: Decimal places every similarity is rounded to, before any comparison, so
#: the numbers a client sees are exactly the numbers thresholds were applied to.
DECIMALS = 6

#: The similarity across a gap where one side has no content word (only stop
#: words and punctuation): no evidence of a topic change, so the
#: units stay together. It also makes identical contentless units similar.
EMPTY_SIMILARITY = 1.0


def rounded(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Similarities and thresholds as reported and compared: rounded to :data:`DECIMALS`, in [0, 1]."""
    result: NDArray[np.float64] = np.clip(np.round(values, DECIMALS), 0.0, 1.0)
    return result


def term_counts(texts: Sequence[str]) -> sp.csr_matrix | None:
    """Stemmed content-term counts, one row per text: the terms of :func:`app.core.analysis.analyze_many`.

    The texts are tokenised together into word ids
    (:func:`app.core.analysis.number_words`); stop words and stemming are then
    decided once per distinct word, and the counts assembled with numpy.
    Columns are the stems in order of first occurrence.

    Args:
        texts: The units, in order.

    Returns:
        A CSR matrix of shape ``(len(texts), distinct terms)``, or None when
        no text has a content word.
    """
    vocabulary, ids, rows = number_words(texts)
    stop = stop_words()
    stems = stem_words([w for w in vocabulary if w not in stop])
    columns: dict[str, int] = {}
    # -1 marks a stop word.
    column_of = np.array(
        [columns.setdefault(stems[w], len(columns)) if w in stems else -1 for w in vocabulary] or [-1],
        dtype=np.int64,
    )
    cols = column_of[ids]
    keep = cols >= 0
    if not keep.any():
        return None
    rows = rows[keep]
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=len(texts)), out=indptr[1:])
    counts = sp.csr_matrix((np.ones(rows.size), cols[keep], indptr), shape=(len(texts), len(columns)))
    counts.sum_duplicates()
    return counts


def _window_sums(counts: sp.csr_matrix, window: int) -> sp.csr_matrix:
    """Row ``r`` of ``n + window`` sums rows ``r - window .. r`` of the counts (those that exist)."""
    n = counts.shape[0]
    size = n + window
    band = sp.diags(
        [np.ones(size - k) for k in range(window + 1)],
        [-k for k in range(window + 1)],
        shape=(size, n),
        format="csr",
    )
    summed: sp.csr_matrix = band @ counts
    return summed


def _rows(matrix: sp.csr_matrix, first: int, stop: int) -> sp.csr_matrix:
    """Rows ``first .. stop - 1`` as a matrix sharing ``matrix``'s data: slicing would copy them."""
    bounds = matrix.indptr[first : stop + 1]
    begin, end = bounds[0], bounds[-1]
    return sp.csr_matrix(
        (matrix.data[begin:end], matrix.indices[begin:end], bounds - begin),
        shape=(stop - first, matrix.shape[1]),
        copy=False,
    )


def adjacent_similarities(texts: Sequence[str], window: int) -> NDArray[np.float64]:
    """Cosine similarity across each gap between consecutive units.

    Args:
        texts: The units, in order.
        window: Neighbouring units each side of a gap takes in (0 compares
            single units).

    Returns:
        ``len(texts) - 1`` similarities in [0, 1], rounded to ``DECIMALS``;
        ``EMPTY_SIMILARITY`` where a side has no content word.
    """
    if len(texts) < 2:
        return np.zeros(0)
    return similarities_from_counts(term_counts(texts), len(texts), window)


def similarities_from_counts(counts: sp.csr_matrix | None, n: int, window: int) -> NDArray[np.float64]:
    """:func:`adjacent_similarities` from the units' term counts (see :func:`term_counts`).

    Args:
        counts: Term counts of the ``n`` units, or None when none has a content word.
        n: Number of units, at least 2.
        window: Neighbouring units each side of a gap takes in.

    Returns:
        The ``n - 1`` rounded similarities.
    """
    if counts is None:
        return np.full(n - 1, EMPTY_SIMILARITY)
    # A window wider than the text adds nothing but empty diagonals.
    window = min(window, n - 1)
    weights = TfidfTransformer().fit(counts)
    # The window sums are a new matrix: weighted in place rather than copied.
    vectors = weights.transform(_window_sums(counts, window), copy=False)
    left, right = _rows(vectors, 0, n - 1), _rows(vectors, window + 1, n + window)
    dots = np.asarray(left.multiply(right).sum(axis=1)).ravel()
    empty = (np.diff(left.indptr) == 0) | (np.diff(right.indptr) == 0)
    dots[empty] = EMPTY_SIMILARITY
    return rounded(dots)


def embedding_similarities(texts: Sequence[str], window: int, model: StaticEmbeddings) -> NDArray[np.float64]:
    """Cosine similarity across each gap of the summed token vectors of the units each side.

    The sides are the same as for TF-IDF: units ``i - window .. i`` and
    ``i + 1 .. i + 1 + window``. Each side is a sum of at most ``window + 1``
    unit vectors, added as shifted copies (a few float32 additions, where
    running sums over the whole text would need float64 to stay exact).

    Args:
        texts: The units, in order.
        window: Neighbouring units each side of a gap takes in.
        model: The token vectors.

    Returns:
        ``len(texts) - 1`` similarities, clipped to [0, 1] and rounded to
        ``DECIMALS``; ``EMPTY_SIMILARITY`` where a side has no token.
    """
    n = len(texts)
    if n < 2:
        return np.zeros(0)
    window = min(window, n - 1)
    vectors, counts = model.sums(texts)
    left, right = _side_sums(vectors, window)
    left_tokens, right_tokens = _side_sums(counts.reshape(n, 1), window)
    dots = np.einsum("ij,ij->i", left, right, dtype=np.float64)
    norms = np.sqrt(np.einsum("ij,ij->i", left, left, dtype=np.float64))
    norms *= np.sqrt(np.einsum("ij,ij->i", right, right, dtype=np.float64))
    empty = (left_tokens[:, 0] == 0) | (right_tokens[:, 0] == 0) | (norms == 0)
    dots = np.divide(dots, norms, out=np.full(n - 1, EMPTY_SIMILARITY), where=~empty)
    return rounded(dots)


Rows = TypeVar("Rows", NDArray[np.float32], NDArray[np.int64])


def _side_sums(rows: Rows, window: int) -> tuple[Rows, Rows]:
    """For each gap ``i``: the sum of rows ``i - window .. i``, and of rows ``i + 1 .. i + 1 + window``."""
    n = rows.shape[0]
    padded = np.concatenate(
        [np.zeros((window, rows.shape[1]), rows.dtype), rows, np.zeros_like(rows[:window])]
    )
    # padded[k + window] is rows[k]; ends[j] sums rows j - window .. j, starts[j] rows j .. j + window.
    ends, starts = rows.copy(), rows.copy()
    for k in range(1, window + 1):
        ends += padded[window - k : window - k + n]
        starts += padded[window + k : window + k + n]
    return ends[: n - 1], starts[1:]
