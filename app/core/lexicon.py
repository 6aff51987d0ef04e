"""Word lists that chunkwise ships in ``app/core/data/`` instead of downloading NLTK data.

The lists are plain UTF-8 text files, one entry per line, with ``#`` comment
lines, so a reviewer can read and change them without tools. They are read
lazily on first use and cached for the life of the process; importing this
module does no IO.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

#: Where the shipped lists live, found from this file rather than the working
#: directory so the service works from any cwd and inside the Docker image.
DATA_DIR = Path(__file__).resolve().parent / "data"

_STOP_WORDS_FILE = "stopwords_en.txt"


@cache
def load_word_list(name: str) -> tuple[str, ...]:
    """Read one shipped list from ``app/core/data/``.

    Blank lines and lines whose first non-blank character is ``#`` are
    skipped; other lines are stripped of surrounding whitespace. Case is kept,
    so a list can give meaning to it.

    Args:
        name: The file name inside ``app/core/data/``, e.g. ``"stopwords_en.txt"``.

    Returns:
        The entries in file order, duplicates included.

    Raises:
        FileNotFoundError: If the project ships no such file.
    """
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    stripped = (line.strip() for line in text.splitlines())
    return tuple(line for line in stripped if line and not line.startswith("#"))


@cache
def stop_words() -> frozenset[str]:
    """Return the project's English stop words.

    The list holds lowercase function words (articles, pronouns, auxiliaries,
    prepositions, conjunctions) and the fragments that splitting contractions
    at the apostrophe leaves behind ("don", "t", "ll"); see the comments at
    the top of ``app/core/data/stopwords_en.txt``.

    Returns:
        The stop words, all lowercase. Compare with ``word.lower()``.
    """
    return frozenset(load_word_list(_STOP_WORDS_FILE))
