"""Chunks of real text that never repeat, for benchmarks where a cache or memo could profit.

``distinct_chunks(n)`` gives ``n`` chunks of about 575 characters, cut with
the service's ``recursive`` splitter (``chunk_size`` 600) from paragraphs of
real documents on this machine. Every paragraph is used once: a paragraph
seen before (after folding whitespace and case) is skipped, so the
boilerplate that many Debian copyright files share counts once, and no
chunk is a copy of another. The sources, read in this order:

* the licence texts in ``/usr/share/common-licenses`` (see
  ``benchmarks/corpus.py`` for their licences: verbatim copying permitted);
* the ``METADATA`` long descriptions of the Python packages this repository
  pins (``requirements*.txt``) as installed beside this interpreter (each
  package's own README, under its own licence, named in the same file),
  sorted by package name, so other installed packages do not change the corpus;
* Debian's per-package documentation in ``/usr/share/doc``: ``README*``,
  ``NEWS*`` and ``copyright`` files, gzipped or not (each under the licence
  its ``copyright`` file states), sorted by path.

Nothing is downloaded, nothing assembled is written to disk, and the result
depends only on the files present. About 5.8 MB (10,000 chunks) are available
on a Debian image with this project's virtualenv; asking for more than the
sources hold raises ``ValueError``.
"""

from __future__ import annotations

import gzip
import re
import sysconfig
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from app.core.chunkers.recursive import RecursiveChunker

# The recursive splitter's chunks average about 0.87 of its chunk_size here: 660 gives ~575.
CHUNK_SIZE = 660
_ROOT = Path(__file__).resolve().parent.parent
_LICENSES = Path("/usr/share/common-licenses")
_DOCS = Path("/usr/share/doc")
_DOC_NAMES = re.compile(r"^(README|NEWS|copyright)", re.IGNORECASE)
_PARAGRAPH = re.compile(r"\n\s*\n")
_SPACE = re.compile(r"\s+")
# Paragraphs shorter than this are headings, rules or list stubs: they add
# chunks that are mostly punctuation.
_MIN_PARAGRAPH = 40


def _read(path: Path) -> str:
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError):
        return ""
    return raw.decode("utf-8", errors="replace")


def _metadata_description(path: Path) -> str:
    # The long description follows the headers, after the first blank line.
    text = _read(path)
    _, _, body = text.partition("\n\n")
    return body


def _pinned() -> set[str]:
    names = set()
    for requirements in _ROOT.glob("requirements*.txt"):
        for line in requirements.read_text(encoding="utf-8").splitlines():
            if "==" in line and not line.startswith("#"):
                names.add(_normal(line.split("==")[0]))
    return names


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _documents() -> Iterator[str]:
    if _LICENSES.is_dir():
        yield from (_read(p) for p in sorted(_LICENSES.iterdir()) if p.is_file())
    site = Path(sysconfig.get_paths()["purelib"])
    pinned = _pinned()
    for path in sorted(site.glob("*.dist-info/METADATA")):
        if _normal(path.parent.name.split("-")[0]) in pinned:
            yield _metadata_description(path)
    if _DOCS.is_dir():
        docs = (p for p in sorted(_DOCS.rglob("*")) if _DOC_NAMES.match(p.name) and p.is_file())
        yield from (_read(p) for p in docs)


def _is_prose(paragraph: str) -> bool:
    # Tables of numbers, ASCII art and hex dumps are not what people ask about.
    return sum(c.isalpha() for c in paragraph) >= 0.6 * len(paragraph)


def _paragraphs() -> Iterator[str]:
    seen: set[str] = set()
    for document in _documents():
        for paragraph in _PARAGRAPH.split(document):
            paragraph = paragraph.strip()
            key = _SPACE.sub(" ", paragraph).lower()
            if len(key) >= _MIN_PARAGRAPH and _is_prose(key) and key not in seen:
                seen.add(key)
                yield paragraph


@cache
def _all_chunks(limit: int) -> tuple[str, ...]:
    chunker = RecursiveChunker(chunk_size=CHUNK_SIZE)
    chunks: list[str] = []
    seen: set[str] = set()
    buffer: list[str] = []
    buffered = 0
    for paragraph in _paragraphs():
        buffer.append(paragraph)
        buffered += len(paragraph)
        # Cut in batches of whole paragraphs, so chunks pack several short ones.
        if buffered < 50 * CHUNK_SIZE:
            continue
        chunks += [
            c.text for c in chunker.chunk("\n\n".join(buffer)) if c.text not in seen and not seen.add(c.text)
        ]
        buffer, buffered = [], 0
        if len(chunks) >= limit:
            return tuple(chunks[:limit])
    chunks += [
        c.text for c in chunker.chunk("\n\n".join(buffer)) if c.text not in seen and not seen.add(c.text)
    ]
    return tuple(chunks[:limit])


def distinct_chunks(n: int) -> list[str]:
    """``n`` distinct chunks of real text, about 575 characters each, the same on every call.

    Raises:
        ValueError: When the sources on this machine hold fewer than ``n`` chunks.
    """
    chunks = _all_chunks(n)
    if len(chunks) < n:
        raise ValueError(f"only {len(chunks)} distinct chunks available; asked for {n}")
    return list(chunks)
