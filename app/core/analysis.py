"""Turning text into index terms: lowercase words, minus stop words, stemmed.

Shared by semantic chunking and retrieval so that both see the same terms.
Stemming is the expensive step (about ten times the rest of TF-IDF fitting),
so :func:`analyze_many` stems each distinct word of a batch once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache

from nltk.stem.snowball import SnowballStemmer

from app.core.lexicon import stop_words

# Word characters only: numbers and one-character tokens such as "5" or "x"
# are kept, since a question about "item 5" should match "5".
_WORD = re.compile(r"\w+")


@cache
def _stemmer() -> SnowballStemmer:
    # Snowball's English (Porter2) rules are code, not NLTK data: nothing to download.
    return SnowballStemmer("english")


def words(text: str) -> list[str]:
    """Lowercase word tokens of ``text``, stop words included."""
    return _WORD.findall(text.lower())


def analyze_many(texts: Iterable[str], ngrams: int = 1) -> list[list[str]]:
    """Index terms for each text: stemmed content words, optionally with bigrams.

    Args:
        texts: The texts, e.g. the units or chunks of one document.
        ngrams: 1 for single terms; 2 to add adjacent pairs of terms,
            joined by a space, after the single terms.

    Returns:
        One list of terms per text, in order. A text with no content words
        gives an empty list.
    """
    stop = stop_words()
    tokenized = [[w for w in words(t) if w not in stop] for t in texts]
    stem = _stemmer().stem
    stems = {w: stem(w) for w in {w for toks in tokenized for w in toks}}
    result = []
    for toks in tokenized:
        terms = [stems[w] for w in toks]
        if ngrams >= 2:
            terms += [f"{a} {b}" for a, b in zip(terms, terms[1:], strict=False)]
        result.append(terms)
    return result


def identity(terms: Sequence[str]) -> Sequence[str]:
    """The analyzer to give scikit-learn when documents are already term lists."""
    return terms
