"""Turning text into index terms: lowercase words, minus stop words, stemmed.

Shared by semantic chunking and retrieval so that both see the same terms.
Stemming was the expensive step (70% of fitting /answer's index with NLTK's
pure-Python Snowball), so words are stemmed by the Snowball project's own C
implementation (PyStemmer) behind a bounded process-wide memo:
:func:`analyze_many` stems each distinct word of a batch once, and a word
met by an earlier request costs one dict lookup.

PyStemmer is pinned to the 2.2 line, whose English (Porter2) rules are the
ones NLTK's ``SnowballStemmer("english")`` implements: on the 658,458
distinct words of this machine's documentation the two differ on 12, all
``-ization``/``-izer`` words of at most one syllable before the suffix, or
misspellings (``quantization``: NLTK ``quantize``, Snowball ``quantiz``).
Snowball 3's English rules change more stems (``added``, ``internal``,
``university``).
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import chain, count
from typing import NamedTuple

import numpy as np
import Stemmer
from numpy.typing import NDArray

from app.core.lexicon import stop_words

# Word characters only: numbers and one-character tokens such as "5" or "x"
# are kept, since a question about "item 5" should match "5".
_WORD = re.compile(r"\w+")
_ASCII_WORD_BYTES = bytes(c if chr(c).isalnum() or c == ord("_") else ord(" ") for c in range(128)) + bytes(
    b" " * 128
)


#: Most words the stem memo holds. About 150 bytes a word, so some 30 MB at
#: most; English prose has far fewer distinct words, so the bound only
#: matters against inputs made of random tokens, and then the memo restarts.
STEM_MEMO_SIZE = 200_000

_memo: dict[str, str] = {}
# A Stemmer keeps state while it stems, so threads take turns; its own cache
# is off because the memo does that job for every thread.
_stemmer = Stemmer.Stemmer("english", 0)
_stemmer_lock = threading.Lock()


def stem_words(unique: Sequence[str]) -> dict[str, str]:
    """The Snowball English stem of each word, through the process-wide memo.

    Args:
        unique: Lowercase words, each once.

    Returns:
        Word to stem, for every word given.
    """
    memo = _memo
    stems = {w: s for w in unique if (s := memo.get(w)) is not None}
    missing = [w for w in unique if w not in stems]
    if missing:
        with _stemmer_lock:
            fresh = _stemmer.stemWords(missing)
        new = dict(zip(missing, fresh, strict=True))
        stems.update(new)
        if len(memo) + len(new) > STEM_MEMO_SIZE:
            memo.clear()
        if len(new) <= STEM_MEMO_SIZE:
            memo.update(new)
    return stems


def words(text: str) -> list[str]:
    """Lowercase word tokens of ``text`` (word-character runs), stop words included."""
    lowered = text.lower()
    if lowered.isascii():
        # The same tokens as the regex, 1.6 times faster: for ASCII, \w is
        # [a-z0-9_] once lowercased, and every other byte becomes a space.
        return lowered.encode("ascii").translate(_ASCII_WORD_BYTES).decode("ascii").split()
    return _WORD.findall(lowered)


# Stands between two texts when they are tokenised together: not a word
# character, so words() never returns it, and no text holding it is joined as is.
_SEPARATOR = "\x00"
_SPACED_SEPARATOR = f" {_SEPARATOR} "
# As _ASCII_WORD_BYTES, lowercasing as well (what str.lower does to ASCII),
# but the separator and the bytes of UTF-8 sequences stay: texts that are
# not ASCII arrive already split into lowercase words.
_JOINED_WORD_BYTES = bytes(
    c if c >= 128 or c == 0 else ord(chr(c).lower()) if chr(c).isalnum() or c == ord("_") else ord(" ")
    for c in range(256)
)


class WordIds(NamedTuple):
    """The words of several texts (as :func:`words` gives them) as integer ids.

    Attributes:
        vocabulary: The distinct words, in order of first occurrence.
        ids: The vocabulary index of every word, text after text, in order.
        rows: The index of the text each word is in (ascending).
    """

    vocabulary: list[str]
    ids: NDArray[np.int64]
    rows: NDArray[np.int64]


def number_words(texts: Sequence[str]) -> WordIds:
    """Tokenise all ``texts`` together: one translation (which lowercases too) and one split.

    Three calls per text, and a list per text, cost about twice as much on a
    10 MB document's sentences. Words are numbered as they are first met,
    each costing one C-level dict lookup; only the distinct ones are decoded
    to strings. Texts that are not ASCII, or hold the separator, are split
    by :func:`words` first and joined as their words.
    """
    joined = _SPACED_SEPARATOR.join(texts)
    if not joined.isascii() or joined.count(_SEPARATOR) != max(len(texts) - 1, 0):
        parts = [t if t.isascii() and _SEPARATOR not in t else " ".join(words(t)) for t in texts]
        joined = _SPACED_SEPARATOR.join(parts)
    tokens = joined.encode("utf-8").translate(_JOINED_WORD_BYTES).split()
    counter = count()
    numbers: defaultdict[bytes, int] = defaultdict(counter.__next__)
    numbers[_SEPARATOR.encode()] = next(counter)
    ids = np.fromiter(map(numbers.__getitem__, tokens), dtype=np.int64, count=len(tokens))
    between = ids == 0
    rows = np.cumsum(between)[~between]
    vocabulary = [w.decode("utf-8") for w in numbers]
    return WordIds(vocabulary[1:], ids[~between] - 1, rows)


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
    stems = stem_words(list({w for toks in tokenized for w in toks}))
    result = []
    for toks in tokenized:
        terms = [stems[w] for w in toks]
        if ngrams >= 2:
            terms += [f"{a} {b}" for a, b in zip(terms, terms[1:], strict=False)]
        result.append(terms)
    return result


class TermIds(NamedTuple):
    """The terms of several texts as integer ids: what :func:`analyze_many` gives, counted.

    Attributes:
        stems: Stem to id, ids in order of first occurrence.
        ids: The stem id of every content word, text after text, in order.
        lengths: How many of ``ids`` belong to each text.
    """

    stems: dict[str, int]
    ids: NDArray[np.int64]
    lengths: list[int]


def term_ids(texts: Sequence[str]) -> TermIds:
    """The stemmed content words of each text as ids, as :func:`analyze_many` would list them.

    ``[[stems of ids] per text]`` equals ``analyze_many(texts)``; the ids are
    assigned in order of first occurrence. Each distinct word is looked up
    once and every token then costs one C-level dict lookup, which is what
    makes fitting an index on thousands of chunks cheap.
    """
    tokens = [words(t) for t in texts]
    flat = list(chain.from_iterable(tokens))
    vocabulary = dict.fromkeys(flat)
    stop = stop_words()
    stemmed = stem_words([w for w in vocabulary if w not in stop])
    stems: dict[str, int] = {}
    # Stop words map to -1 and are dropped below.
    word_ids = {w: stems.setdefault(stemmed[w], len(stems)) if w in stemmed else -1 for w in vocabulary}
    ids = np.fromiter(map(word_ids.__getitem__, flat), dtype=np.int64, count=len(flat))
    if len(stemmed) == len(vocabulary):
        return TermIds(stems, ids, [len(t) for t in tokens])
    keep = ids >= 0
    bounds = np.cumsum([0] + [len(t) for t in tokens])
    kept = np.concatenate([[0], np.cumsum(keep)])[bounds]
    return TermIds(stems, ids[keep], np.diff(kept).tolist())


def identity(terms: Sequence[str]) -> Sequence[str]:
    """The analyzer to give scikit-learn when documents are already term lists."""
    return terms
