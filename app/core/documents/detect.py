"""Telling formats apart by their bytes; a file name and a content type are only hints.

A PDF starts with ``%PDF-`` (readers accept it within the first kilobyte,
behind junk some generators write first); a DOCX is a zip archive holding
``word/document.xml``. Anything else must be UTF-8 text, which is HTML when
it opens like a web page, Markdown when it has Markdown's block syntax or the
hints say so, and plain text otherwise.
"""

from __future__ import annotations

import re

from app.core.documents.errors import UnsupportedFormat

FORMATS = ("pdf", "docx", "html", "markdown", "text")
PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGED = frozenset({"pdf"})

# Signatures of formats people send by mistake, named in the refusal.
_KNOWN_BINARY = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office file (.doc, .xls or .ppt)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"),
)
_HTML = re.compile(rb"^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE)
_MARKDOWN = re.compile(r"^(?:#{1,6} \S|```|\s*[-*+] \S.*\n\s*[-*+] \S|\|.*\|\s*\n\|[\s:|-]+\|)", re.MULTILINE)


def binary_format(data: bytes) -> str | None:
    """``pdf`` or ``docx`` when the bytes are one, None when they may be text.

    Raises:
        UnsupportedFormat: For the signature of another binary format, or a
            zip archive that is not a Word document.
    """
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_format(data)
    for signature, name in _KNOWN_BINARY:
        if data.startswith(signature):
            raise UnsupportedFormat(f"this file is {name}; {supported()}")
    return None


def text_format(text: str, filename: str = "", content_type: str = "") -> str:
    """``html``, ``markdown`` or ``text`` for a decoded text; the name and media type break ties."""
    if _HTML.match(text[:1024].lstrip("\ufeff").encode("utf-8", "replace")):
        return "html"
    hint = (filename.rsplit(".", 1)[-1] if "." in filename else "").lower()
    if hint in ("md", "markdown") or content_type == "text/markdown":
        return "markdown"
    if hint in ("html", "htm") or content_type == "text/html":
        return "html"
    if _MARKDOWN.search(text[:65536]):
        return "markdown"
    return "text"


def looks_binary(data: bytes) -> bool:
    """Whether bytes of no known format are binary data: NUL bytes and not valid UTF-8."""
    if b"\x00" not in data[:8192]:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def detect_format(data: bytes, filename: str = "", content_type: str = "") -> str:
    """Name the format of ``data``: one of :data:`FORMATS` (text formats read as UTF-8).

    Args:
        data: The uploaded bytes.
        filename: The file name the client gave, if any (a hint).
        content_type: The media type the client gave, if any (a hint).

    Returns:
        The format name.

    Raises:
        UnsupportedFormat: For bytes of another format, naming it when known.
    """
    found = binary_format(data)
    if found is not None:
        return found
    if looks_binary(data):
        raise UnsupportedFormat(f"this file is binary data of an unknown format; {supported()}")
    return text_format(data[:65536].decode("utf-8", "replace"), filename, content_type)


def _zip_format(data: bytes) -> str:
    # Member names are stored as plain bytes in the zip's directories, so a
    # search finds them without parsing a directory that may be hostile; the
    # archive itself is opened only by the bounded reader (docx.py).
    if b"word/document.xml" in data:
        return "docx"
    raise UnsupportedFormat(f"this zip archive is not a Word document (no word/document.xml); {supported()}")


def supported() -> str:
    """The sentence naming the formats read here."""
    return "supported formats: PDF, DOCX, HTML, Markdown and plain text (UTF-8)"
