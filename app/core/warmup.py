"""Loading what the core needs (sentence model, stop words, vectorisers, word vectors) before traffic."""

from __future__ import annotations

from app.core import embeddings, lexicon, retrieval
from app.core.chunkers import punkt
from app.core.chunkers.similarity import adjacent_similarities, embedding_similarities

# Two made-up units, enough to run each vectoriser end to end once.
_PROBE = ("Chunkwise warms its vectorisers at start.", "Readiness waits for them to be loaded.")


def warm_up() -> list[str]:
    """Load every lazily loaded resource and run each vectoriser once; cheap once done.

    Returns:
        The names of the resources now loaded.
    """
    punkt.warm_up()
    lexicon.stop_words()
    adjacent_similarities(_PROBE, 1)
    # The word vectors (16 MB on disk, 32 MB as float32) load here, once per worker.
    embedding_similarities(_PROBE, 1, embeddings.model())
    retrieval.fit(_PROBE, "tfidf")
    retrieval.fit(_PROBE, "bm25")
    return ["punkt", "stop_words", "semantic_vectoriser", "word_embeddings", "answer_vectorisers"]
