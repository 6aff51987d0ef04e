"""Build ``app/core/data/background_df.txt``: how common each stem is in documentation at large.

Run from the repository root on a Debian system::

    python -m benchmarks.retrieval_background

BM25 fitted on the chunks of one document learns its idf from tens of
chunks, so a word any text uses ("get", "later", "missing") looks as rare
as the document's own terms when it happens to occur in one chunk. The
table written here gives, for each stem, the number of chunks of a large
background collection that hold it; ``app.core.term_weights`` uses it as a
prior on every index's document frequencies.

The collection is real documentation that is on this machine and that the
retrieval evaluation never asks about:

* the README, NEWS, FAQ, TODO, HACKING, ``*.txt``, ``*.md`` and ``*.rst``
  files under ``/usr/share/doc`` (gzipped or not), without changelogs and
  copyright files (which hold licence texts), without every package
  directory whose name shares a word with a package of
  ``benchmarks/data/retrieval`` (zlib, pip, dpkg, apt, zstd, redis, systemd,
  lzma, xz, python, gzip, git, polkit, man-db, base-files), without
  ``/usr/share/common-licenses``, identical files once, each file cut to its
  first 30,000 characters so that no long NEWS file dominates;
* the topics of CPython's ``pydoc_data`` (the language reference, PSF licence).

Each file is cut into chunks by the ``sentence`` strategy at 800 characters
(/answer's defaults) and analysed as an index analyses chunks. Before
writing, the build checks that no gold passage of the retrieval set occurs
in the collection. Stems in fewer than :data:`MIN_CHUNKS` chunks are left
out: they would move no document frequency by a measurable amount.
``app/core/data/background_sources.txt`` lists the files used; each keeps
its package's licence (``/usr/share/doc/PACKAGE/copyright``), and only
counts of stems are shipped, no text.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from app.core.analysis import term_ids
from app.core.chunkers import CHUNKERS
from app.core.lexicon import DATA_DIR
from benchmarks import retrieval_set

DOC = Path("/usr/share/doc")
TABLE = DATA_DIR / "background_df.txt"
SOURCES = DATA_DIR / "background_sources.txt"
CAP = 30_000
MIN_CHUNKS = 5
_EXCLUDED = re.compile(
    r"zlib|pip|dpkg|apt|zstd|redis|systemd|lzma|xz|python|gzip|git|polkit|man-db|base-files|fonts-"
)
_NAMES = re.compile(r"^(README|NEWS|FAQ|TODO|HACKING)|\.(txt|md|rst)(\.gz)?$", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def _debian_files() -> Iterator[tuple[str, str]]:
    for root, dirs, files in os.walk(DOC):
        dirs.sort()
        parts = Path(root).relative_to(DOC).parts
        if parts and _EXCLUDED.search(parts[0]):
            dirs.clear()
            continue
        for name in sorted(files):
            lower = name.lower()
            path = Path(root, name)
            if "copyright" in lower or "changelog" in lower or not _NAMES.search(name) or path.is_symlink():
                continue
            text = _read(path)
            if text is not None and len(text) > 200:
                yield str(path), text


def _read(path: Path) -> str | None:
    raw = path.read_bytes()
    try:
        return (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def collection() -> list[tuple[str, str]]:
    """The background texts as (source, text), identical texts once, each cut to :data:`CAP`."""
    import pydoc_data.topics

    topics = [(f"pydoc_data.topics:{k}", v) for k, v in sorted(pydoc_data.topics.topics.items())]
    seen: set[str] = set()
    texts = []
    for source, text in [*_debian_files(), *topics]:
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        if digest not in seen:
            seen.add(digest)
            texts.append((source, text[:CAP]))
    return texts


def gold_passages() -> list[str]:
    """Every gold passage of the retrieval set (which reads its documents)."""
    documents, questions = retrieval_set.load()
    return [documents[q.document].text[q.start : q.end] for q in questions]


def check_disjoint(texts: list[tuple[str, str]], passages: list[str]) -> None:
    """Refuse a collection that holds any of ``passages`` (whitespace runs compared as one space).

    Raises:
        ValueError: Naming the first passage found and the text that holds it.
    """
    for passage in passages:
        wanted = _SPACE.sub(" ", passage).strip()
        for source, text in texts:
            if wanted in _SPACE.sub(" ", text):
                raise ValueError(f"{source} holds a gold passage: {wanted[:60]!r}")


def chunk_frequencies(texts: list[tuple[str, str]]) -> tuple[int, dict[str, int]]:
    """The number of chunks, and for each stem the number of chunks holding it."""
    chunker = CHUNKERS["sentence"](chunk_size=800)  # type: ignore[call-arg]
    pieces = [c.text for _, text in texts for c in chunker.chunk(text)]
    stems, ids, lengths = term_ids(pieces)
    rows = np.repeat(np.arange(len(pieces)), lengths)
    present = np.unique(rows * len(stems) + ids) % len(stems)
    df = np.bincount(present, minlength=len(stems))
    return len(pieces), {stem: int(df[i]) for stem, i in stems.items()}


def main() -> None:
    """Write the table and the list of sources."""
    texts = collection()
    check_disjoint(texts, gold_passages())
    total, df = chunk_frequencies(texts)
    kept = sorted(((s, c) for s, c in df.items() if c >= MIN_CHUNKS), key=lambda sc: (-sc[1], sc[0]))
    characters = sum(len(text) for _, text in texts)
    header = [
        "# How many chunks of a background collection hold each stem; written by",
        "# benchmarks/retrieval_background.py (its docstring says how the collection is",
        f"# chosen). {len(texts)} texts, {characters:,} characters: Debian documentation",
        "# files under /usr/share/doc (each under its package's licence, listed in",
        "# background_sources.txt) and CPython's pydoc_data topics (PSF licence). Only",
        "# counts are shipped, no text. Stems are those of app.core.analysis; rebuild",
        "# the table if the analysis changes.",
        "#",
        "# Format: the first line that is not a comment is the number of chunks; then",
        f"# one stem and its count per line, most common first (stems in at least {MIN_CHUNKS}).",
    ]
    lines = [*header, str(total), *(f"{s} {c}" for s, c in kept)]
    TABLE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sources = ["# The texts counted into background_df.txt, in order.", *(s for s, _ in texts)]
    SOURCES.write_text("\n".join(sources) + "\n", encoding="utf-8")
    print(f"{len(texts)} texts, {total} chunks, {len(kept)} stems written to {TABLE}")


if __name__ == "__main__":
    main()
