"""Where documents come from: a folder (one per file) or a JSONL file (one per line).

The driver lists the documents (:func:`list_documents`) without keeping their
texts; each worker reads its own (:func:`read_text`), so texts travel from
disk to the worker that chunks them and never through the scheduler. With a
remote cluster the source must therefore be at the same path on every worker
(a shared file system), as for Dask's own ``read_text``.

A folder's files are documents as the HTTP API reads uploads: PDF and DOCX
files are told by their bytes and turned into text (PDF pages joined by form
feeds, DOCX as Markdown) by the same extraction, with its default limits;
other files are decoded as strict UTF-8. A document that cannot be read, is
not UTF-8, holds a lone surrogate or is refused by the extraction is reported
and skipped, never chunked from a guess.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from app.core.documents import DocumentError as ExtractionError
from app.core.documents import DocumentLimits, Extraction, extract
from app.core.documents.detect import detect_format

DocId = str | int


@dataclass(frozen=True, slots=True)
class DocRef:
    """Where one document's text is.

    Attributes:
        id: The document's id: a folder document's path relative to the
            folder (with ``/``), or a JSONL line's ``id``.
        path: Absolute path of the file holding the text.
        offset: Byte offset of the JSONL line, or -1 for a whole file.
        size: Bytes to read (the line, or the file).
    """

    id: DocId
    path: str
    offset: int
    size: int


@dataclass(frozen=True, slots=True)
class Problem:
    """A document that was skipped, and why.

    Attributes:
        where: The document's id, or ``line N`` of a JSONL file.
        reason: A sentence.
    """

    where: str
    reason: str


class DocumentError(ValueError):
    """A document cannot be read as text; the message says why."""


def list_documents(source: Path) -> tuple[list[DocRef], list[Problem]]:
    """Every document of a folder or a JSONL file, in a stable order.

    A folder's documents are its regular files at any depth, hidden files and
    folders (``.name``) left out, sorted by path. A JSONL file's are its
    lines, each ``{"id": ..., "text": ...}`` (other keys are ignored; blank
    lines are skipped).

    Args:
        source: A folder or a ``.jsonl`` file.

    Returns:
        The documents, and the JSONL lines that are not documents (malformed,
        without a string ``text``, or with a repeated ``id``).

    Raises:
        DocumentError: When ``source`` is neither a folder nor a readable file.
    """
    if source.is_dir():
        return _folder(source.resolve()), []
    if source.is_file():
        return _jsonl(source.resolve())
    raise DocumentError(f"{source} is neither a folder nor a file")


def read_document(ref: DocRef) -> tuple[str, Extraction | None]:
    """The text of one document, and its extraction when it was a PDF or DOCX file.

    Raises:
        DocumentError: As :func:`read_text`, and when the extraction refuses the file.
    """
    raw = _read(ref)
    # Only PDF and DOCX files take the extraction; everything else keeps the
    # strict UTF-8 reading, so a stray binary file is still "not valid UTF-8".
    if ref.offset < 0 and _is_document(raw):
        try:
            extraction = extract(raw, filename=ref.path, limits=DocumentLimits())
        except ExtractionError as exc:
            raise DocumentError(exc.message) from None
        return extraction.text, extraction
    return _decoded(ref, raw), None


def _is_document(raw: bytes) -> bool:
    try:
        return detect_format(raw) in ("pdf", "docx")
    except ExtractionError:
        return False


def read_text(ref: DocRef) -> str:
    """The text of one document.

    Raises:
        DocumentError: When the file cannot be read, is not UTF-8, or the
            text holds a lone surrogate (which JSON can escape).
    """
    return _decoded(ref, _read(ref))


def _read(ref: DocRef) -> bytes:
    try:
        with open(ref.path, "rb") as handle:
            if ref.offset >= 0:
                handle.seek(ref.offset)
            return handle.read(ref.size) if ref.offset >= 0 else handle.read()
    except OSError as exc:
        raise DocumentError(f"cannot be read: {exc.strerror or exc}") from None


def _decoded(ref: DocRef, raw: bytes) -> str:
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"is not valid UTF-8 (byte {exc.start})") from None
    text = decoded if ref.offset < 0 else _line_text(decoded)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise DocumentError(f"holds a lone surrogate at index {exc.start}") from None
    return text


def _line_text(line: str) -> str:
    # Listing checked the line; this guards against the file changing since.
    try:
        record = json.loads(line)
    except ValueError as exc:
        raise DocumentError(f"is not valid JSON any more: {exc}") from None
    text = record.get("text") if isinstance(record, dict) else None
    if not isinstance(text, str):
        raise DocumentError("has no text any more")
    return text


def _folder(root: Path) -> list[DocRef]:
    refs = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder, name)
            if name.startswith(".") or not path.is_file():
                continue
            doc_id = path.relative_to(root).as_posix()
            refs.append(DocRef(doc_id, str(path), -1, path.stat().st_size))
    return refs


def _jsonl(path: Path) -> tuple[list[DocRef], list[Problem]]:
    refs: list[DocRef] = []
    problems: list[Problem] = []
    seen: set[DocId] = set()
    offset = 0
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            start, offset = offset, offset + len(line)
            if not line.strip():
                continue
            doc_id, reason = _line_id(line)
            if reason is None and doc_id in seen:
                reason = f"repeats the id {doc_id!r} of an earlier line"
            if reason is not None or doc_id is None:
                problems.append(Problem(f"line {number}", reason or "has no id"))
                continue
            seen.add(doc_id)
            refs.append(DocRef(doc_id, str(path), start, len(line)))
    return refs, problems


def _line_id(line: bytes) -> tuple[DocId | None, str | None]:
    try:
        record = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return None, f"is not valid UTF-8 (byte {exc.start})"
    except ValueError as exc:
        return None, f"is not valid JSON: {exc}"
    if not isinstance(record, dict):
        return None, "is not a JSON object"
    doc_id, text = record.get("id"), record.get("text")
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int):
        return None, "needs an id that is a string or an integer"
    if not isinstance(text, str):
        return None, "needs a text that is a string"
    return doc_id, None
