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


def _docstrings() -> list[str]:
    # Docstrings of the standard library: English prose about Python,
    # distributed with it under the PSF licence, in a stable (sorted) order.
    # Tests and installed third-party packages are left out.
    import ast

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    texts = []
    for path in sorted(stdlib.rglob("*.py")):
        parts = path.relative_to(stdlib).parts
        if parts[0] in ("site-packages", "test", "idlelib") or "tests" in parts:
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node)
                if doc and len(doc) > 200:
                    texts.append(doc)
    return texts


def distinct_prose(size_chars: int) -> str:
    """About ``size_chars`` characters of real prose in which no paragraph repeats.

    The licence texts of :func:`prose`, then the Python documentation topics
    that ship with every Python (``pydoc_data.topics``, PSF licence), then the
    standard library's module docstrings; a paragraph already used is skipped,
    so the document never repeats itself.

    Raises:
        ValueError: When the sources hold fewer than ``size_chars`` characters.
    """
    from pydoc_data.topics import topics

    sources = [_base_text(source_files()), *(topics[k] for k in sorted(topics)), *_docstrings()]
    seen: set[str] = set()
    parts: list[str] = []
    total = 0
    for source in sources:
        for paragraph in re.split(r"\n\s*\n", source):
            paragraph = paragraph.strip()
            if not paragraph or paragraph in seen:
                continue
            seen.add(paragraph)
            parts.append(paragraph)
            total += len(paragraph) + 2
            if total >= size_chars:
                return "\n\n".join(parts)[:size_chars].rstrip()
    raise ValueError(f"the prose sources hold only {total} distinct characters")
