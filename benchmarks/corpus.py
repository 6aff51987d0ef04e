"""Benchmark documents of real English prose, assembled at run time from files on this machine.

Nothing is downloaded and no assembled text is committed. ``prose(n)`` reads
those of these files that exist, in this order, joins them with blank lines and repeats
the result until it is ``n`` characters long (the last copy is cut at a
whitespace boundary near ``n``):

* ``/usr/share/common-licenses/{GPL-3, GPL-2, LGPL-2.1, GFDL-1.3, MPL-2.0,
  Apache-2.0, Artistic, CC0-1.0}``: the licence texts Debian's ``base-files``
  ships, present on every Debian and Ubuntu system including the
  ``python:*-slim`` images. Long-form legal prose in paragraphs with
  hard-wrapped lines, headings and numbered sections. Licences: each text's
  own notice permits verbatim copying and distribution ("Everyone is
  permitted to copy and distribute verbatim copies of this license document,
  but changing it is not allowed" for the FSF texts; the Apache, Mozilla,
  Artistic and CC0 texts are likewise freely redistributable unmodified).
  They are used verbatim, in memory only.
* ``LICENSE.txt`` of the running Python's standard library (the history of
  Python and the PSF licence agreement, distributable under its own terms):
  used last, and alone on systems without ``/usr/share/common-licenses``.

Missing files are skipped; with none present ``prose`` raises
``FileNotFoundError`` naming every path it looked for.

The licences are hard-wrapped at about 70 characters, which favours
splitters that cut at line breaks. ``layout`` rewrites whitespace without
changing the length or the words, to measure the other common shapes of
input: ``unwrapped`` (one line per paragraph, as text taken from HTML or a
word processor) and ``flat`` (no line breaks at all, as some PDF extraction
gives).

Assembling 10 MB takes well under a second, so nothing is cached on disk.
"""

from __future__ import annotations

import gzip
import re
import sysconfig
from pathlib import Path

_LICENSES = Path("/usr/share/common-licenses")
# Longest, most prose-like first, so small documents are mostly running text.
_LICENSE_NAMES = ("GPL-3", "GPL-2", "LGPL-2.1", "GFDL-1.3", "MPL-2.0", "Apache-2.0", "Artistic", "CC0-1.0")

LAYOUTS = {
    "wrapped": "as shipped: lines wrapped at about 70 characters, blank lines between paragraphs",
    "unwrapped": "one line per paragraph: line breaks inside a paragraph turned into spaces",
    "flat": "no line breaks: every whitespace character turned into a space",
}
# A line break inside a paragraph: the only newline of its whitespace run.
_WRAP = re.compile(r"(?<=\S)([^\S\n]*)\n(?=[^\S\n]*\S)")
_SPACE = re.compile(r"\s")


def source_files() -> list[Path]:
    """The prose files that exist on this machine, in the order they are used.

    Raises:
        FileNotFoundError: When none of the candidate files exists.
    """
    candidates = [_LICENSES / name for name in _LICENSE_NAMES]
    candidates.append(Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt")
    found = [path for path in candidates if path.is_file()]
    if not found:
        listed = ", ".join(str(p) for p in candidates)
        raise FileNotFoundError(f"no prose source for the benchmark corpus; looked for: {listed}")
    return found


def _base_text(paths: list[Path]) -> str:
    texts = [path.read_text(encoding="utf-8", errors="replace").strip() for path in paths]
    return "\n\n".join(t for t in texts if t) + "\n\n"


def _repeat_to(base: str, size: int) -> str:
    copies, rest = divmod(size, len(base))
    tail = base[:rest]
    # Cut the last copy at whitespace so the document ends on a whole word.
    cut = max(tail.rfind(" "), tail.rfind("\n"))
    return base * copies + (tail[:cut] if cut > 0 else tail)


def prose(size_chars: int, layout: str = "wrapped") -> str:
    """A document of real English prose of about ``size_chars`` characters.

    Args:
        size_chars: Wanted length in characters (code points); the result is
            at most this long and shorter only by the end of a word.
        layout: A key of ``LAYOUTS``.

    Returns:
        The document, identical on every call with the same sources.

    Raises:
        FileNotFoundError: When no source file is present.
        ValueError: When ``size_chars`` is not positive or ``layout`` is unknown.
    """
    if size_chars <= 0:
        raise ValueError("size_chars must be positive")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}")
    text = _repeat_to(_base_text(source_files()), size_chars)
    if layout == "unwrapped":
        return _WRAP.sub(r"\1 ", text)
    if layout == "flat":
        return _SPACE.sub(" ", text)
    return text


# Documentation that Debian packages ship, read in this order of preference
# (prose first, change logs last). Each file's licence is in the
# ``copyright`` file beside it; the texts are read in memory and never committed.
_DOC_PREFIXES = ("NEWS", "README", "FAQ", "changelog")
_DOCS = Path("/usr/share/doc")
_PARAGRAPH = re.compile(r"\n[^\S\n]*\n")


def _doc_files() -> list[Path]:
    found: list[Path] = []
    for prefix in _DOC_PREFIXES:
        found.extend(p for p in sorted(_DOCS.glob(f"*/{prefix}*")) if p.is_file())
    return found


def _read_any(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def distinct_prose(size_chars: int) -> str:
    """A document of about ``size_chars`` characters in which no paragraph repeats.

    Unlike ``prose``, nothing is repeated: the licence texts come first, then
    the ``NEWS``, ``README``, ``FAQ`` and ``changelog`` files of the Debian
    packages installed under ``/usr/share/doc`` (sorted by path), and every
    paragraph already seen is skipped, so a cache or memo keyed by sentence
    or context gains nothing it would not gain on new text. Paragraphs of
    binary-looking text (few letters) are skipped too.

    Raises:
        ValueError: When ``size_chars`` is not positive, or the machine holds
            less distinct text than asked for.
    """
    if size_chars <= 0:
        raise ValueError("size_chars must be positive")
    seen: set[int] = set()
    parts: list[str] = []
    total = 0
    for path in [*source_files(), *_doc_files()]:
        try:
            text = _read_any(path)
        except (OSError, EOFError, gzip.BadGzipFile):
            continue
        for paragraph in _PARAGRAPH.split(text):
            key = hash(paragraph.strip())
            letters = sum(c.isalpha() for c in paragraph)
            if not paragraph.strip() or key in seen or letters < len(paragraph) // 2:
                continue
            seen.add(key)
            parts.append(paragraph.strip("\n"))
            total += len(parts[-1]) + 2
            if total >= size_chars:
                return "\n\n".join(parts)[:size_chars]
    raise ValueError(f"only {total} characters of distinct text on this machine")
