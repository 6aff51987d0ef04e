"""LangChain's ``SemanticChunker`` over the same TF-IDF vectors chunkwise uses, for side-by-side runs.

``SemanticChunker`` needs an ``Embeddings`` object. ``TfidfEmbeddings`` embeds
the texts of one call exactly as chunkwise vectorises units: the same term
counts (``app.core.chunkers.similarity.term_counts``: stemmed, stop words removed)
weighted by scikit-learn's ``TfidfTransformer`` fitted on those texts, with no
model download. LangChain calls ``embed_documents`` once per document with all
its windowed sentences, so the fit sees the whole document, as chunkwise's does.

Two ways to hand the vectors over:

* ``rows="list"``: lists of floats, what the ``Embeddings`` interface declares
  and what an embedding model's client returns;
* ``rows="numpy"``: float32 numpy rows, which LangChain accepts as well and
  compares without converting lists; with ``skip_simsimd`` (see
  :func:`no_simsimd_lookup`) this is LangChain's best case.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfTransformer

from app.core.chunkers.similarity import term_counts

# LangChain's default sentence rule, used to count the sentences of its chunks.
LANGCHAIN_SENTENCE = re.compile(r"(?<=[.?!])\s+")


def _embeddings_base() -> type:
    from langchain_core.embeddings import Embeddings

    return Embeddings


class TfidfEmbeddings(_embeddings_base()):  # type: ignore[misc]
    """``Embeddings`` whose vectors are TF-IDF rows fitted on each batch of texts."""

    def __init__(self, rows: str = "list") -> None:
        self.rows = rows

    def embed_documents(self, texts: list[str]) -> list[Any]:
        counts = term_counts(texts)
        if counts is None:
            matrix = np.zeros((len(texts), 1), dtype=np.float32)
        else:
            matrix = TfidfTransformer().fit_transform(counts).astype(np.float32).toarray()
        return matrix.tolist() if self.rows == "list" else list(matrix)

    def embed_query(self, text: str) -> list[Any]:
        return self.embed_documents([text])[0]


def langchain_chunker(rows: str = "list", **options: Any) -> Any:
    """A ``SemanticChunker`` over ``TfidfEmbeddings``, with LangChain's defaults unless given."""
    with warnings.catch_warnings():
        # Both packages announce on import that they are no longer maintained.
        warnings.simplefilter("ignore", DeprecationWarning)
        from langchain_experimental.text_splitter import SemanticChunker
    return SemanticChunker(TfidfEmbeddings(rows), **options)


@contextlib.contextmanager
def no_simsimd_lookup() -> Iterator[None]:
    """Make LangChain's per-pair ``import simsimd`` fail at once when simsimd is not installed.

    ``langchain_community.utils.math.cosine_similarity`` tries the optional
    simsimd package on every call; without it, each failed import searches
    the whole ``sys.path``. A ``None`` entry in ``sys.modules`` makes the
    import fail immediately, so what remains is LangChain's own work.
    """
    if importlib.util.find_spec("simsimd") is not None or "simsimd" in sys.modules:
        yield
        return
    sys.modules["simsimd"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        del sys.modules["simsimd"]


class WordLlamaEmbeddings(_embeddings_base()):  # type: ignore[misc]
    """``Embeddings`` whose vectors are WordLlama's average-pooled token vectors, as chunkwise loads them."""

    def __init__(self) -> None:
        from app.core.embeddings import model

        self.model = model()

    def embed_documents(self, texts: list[str]) -> list[Any]:
        sums, counts = self.model.sums(texts)
        return list(sums / np.maximum(counts, 1)[:, None])

    def embed_query(self, text: str) -> list[Any]:
        return self.embed_documents([text])[0]


def langchain_wordllama_chunker(**options: Any) -> Any:
    """A ``SemanticChunker`` over ``WordLlamaEmbeddings``, with LangChain's defaults unless given."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from langchain_experimental.text_splitter import SemanticChunker
    return SemanticChunker(WordLlamaEmbeddings(), **options)
