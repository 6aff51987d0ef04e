"""What ``--strategy auto`` chunks a document with: the strategy for its kind.

A document's kind comes from its id's suffix when it has a known one
(``.md``, ``.html``, ``.txt``, ...), otherwise from a look at the start of its
text: HTML markup, then Markdown headings or code fences, else plain text.
Each kind maps to the strategy that uses its structure.

The kinds are a table so that a new one is a new row: a binary document
format (PDF, DOCX) becomes a kind here, with its suffixes and its strategy
(``page`` for paged text, ``markdown`` for documents with headings), once
:func:`app.batch.sources.read_text` can turn its bytes into text.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from app.batch.sources import DocId

AUTO = "auto"

#: kind -> the strategy ``auto`` gives it.
STRATEGY_FOR_KIND: dict[str, str] = {
    "html": "html",
    "markdown": "markdown",
    "text": "recursive",
}
_SUFFIXES: dict[str, str] = {
    ".htm": "html",
    ".html": "html",
    ".xhtml": "html",
    ".markdown": "markdown",
    ".md": "markdown",
    ".mdown": "markdown",
    ".text": "text",
    ".txt": "text",
}
# Only the start is looked at, so detection costs the same for any length.
_SNIFF_CHARS = 8192
_HTML_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_BLOCK = re.compile(r"</(?:p|div|h[1-6]|li|table|section|article)>", re.I)
_MARKDOWN = re.compile(r"^(?:#{1,6}[ \t]+\S|```|~~~)", re.M)


def detect_kind(doc_id: DocId, text: str) -> str:
    """The kind of a document: a key of :data:`STRATEGY_FOR_KIND`.

    Args:
        doc_id: The document's id (a path for folder documents).
        text: Its text.

    Returns:
        ``"html"``, ``"markdown"`` or ``"text"``.
    """
    suffix = PurePosixPath(str(doc_id)).suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    head = text[:_SNIFF_CHARS]
    # Closing block tags, not any "<": plain text quotes markup too, rarely closed three times.
    if _HTML_START.match(head) or len(_HTML_BLOCK.findall(head)) >= 3:
        return "html"
    # Two marks, not one: a lone "# note" line is as likely a comment in a script.
    if len(_MARKDOWN.findall(head)) >= 2:
        return "markdown"
    return "text"


def auto_strategy(doc_id: DocId, text: str) -> str:
    """The strategy ``auto`` chunks this document with."""
    return STRATEGY_FOR_KIND[detect_kind(doc_id, text)]
