"""The output folder: JSONL parts, each written whole or not at all, and what they already hold.

Layout of the output folder::

    job.json            the strategy and effective options the parts were made with
    part-000000.jsonl   one line per chunk, documents whole and in order
    part-000001.jsonl   ...

A line is ``{"id", "chunk_id", "index", "strategy", "chunk", "start", "end",
"metadata"}``: ``chunk_id`` is stable (:func:`chunk_id`), ``index`` the chunk's
place in its document and ``strategy`` the one that made it; ``chunk``,
``start`` and ``end`` are ``chunks[i]`` and ``metadata[i]``'s offsets in the
answer of ``POST /chunking`` for the same text and options, and ``metadata``
is the rest of ``metadata[i]`` (``size`` and the strategy's own keys).

A part is written to a hidden temporary file in the folder, flushed to disk
and renamed, which is atomic on POSIX file systems: a crash leaves no half
part, only a hidden temporary file that the next run removes. Resuming reads
the ids back from the parts; a document with no chunks (an empty text)
leaves no line, so it is simply chunked again, at no cost.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from app.batch.sources import DocId

JOB_FILE = "job.json"
_PART = re.compile(r"part-(\d+)\.jsonl")
_TEMPORARY = re.compile(r"\.(part-\d+\.jsonl|job\.json)\.[0-9a-f]{32}\.tmp")
# Every line starts with this, so resuming can read the id without the chunk.
_ID_PREFIX = '{"id": '


class OutputError(ValueError):
    """The output folder cannot take this job's parts; the message says why."""


def chunk_lines(doc_id: DocId, result: dict[str, Any]) -> list[str]:
    """One JSON line per chunk of a ``/chunking`` answer.

    Args:
        doc_id: The document's id.
        result: What :func:`app.core.serialize.chunking_result` gave for it.

    Returns:
        The lines, without line breaks.
    """
    lines = []
    for index, (chunk, meta) in enumerate(zip(result["chunks"], result["metadata"], strict=True)):
        rest = {k: v for k, v in meta.items() if k not in ("start", "end")}
        record = {
            "id": doc_id,
            "chunk_id": chunk_id(doc_id, index, chunk),
            "index": index,
            "strategy": result["strategy"],
            "chunk": chunk,
            "start": meta["start"],
            "end": meta["end"],
            "metadata": rest,
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    return lines


def chunk_id(doc_id: DocId, index: int, chunk: str) -> str:
    """A chunk's stable id: ``<document id>#<index>:<hash>``.

    The same document, options and chunk give the same id on every run and
    machine, so a vector store can upsert by it; the hash (the first 16 hex
    digits of the SHA-256 of the chunk's UTF-8 text) changes when the chunk's
    text does, so a changed chunk is never mistaken for the old one.

    Args:
        doc_id: The document's id.
        index: The chunk's place in the document, from 0.
        chunk: The chunk's text.
    """
    digest = hashlib.sha256(chunk.encode("utf-8")).hexdigest()[:16]
    return f"{doc_id}#{index}:{digest}"


def write_part(folder: Path, number: int, lines: Iterable[str]) -> Path:
    """Write one part atomically.

    Args:
        folder: The output folder.
        number: The part's number (its name is ``part-NNNNNN.jsonl``).
        lines: JSON lines, without line breaks.

    Returns:
        The part's path.
    """
    path = folder / f"part-{number:06d}.jsonl"
    _write_atomically(path, "".join(line + "\n" for line in lines))
    return path


def prepare(folder: Path, job: dict[str, Any]) -> tuple[set[DocId], int]:
    """Make the output folder ready, refusing one made with other options.

    Creates the folder and ``job.json`` if missing and removes temporary
    files a crashed run left.

    Args:
        folder: The output folder.
        job: The strategy and its effective options, as JSON-ready values.

    Returns:
        The ids of the documents already written, and the next free part number.

    Raises:
        OutputError: When the folder holds parts of another job, or is a file.
    """
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.iterdir():
        if _TEMPORARY.fullmatch(leftover.name):
            leftover.unlink()
    recorded = folder / JOB_FILE
    wanted = json.loads(json.dumps(job))
    if recorded.exists():
        found = json.loads(recorded.read_text(encoding="utf-8"))
        if found != wanted:
            raise OutputError(
                f"{folder} holds chunks made with {json.dumps(found)}; this job is {json.dumps(wanted)}"
                " (use another output folder, or the same options to resume)"
            )
    else:
        _write_atomically(recorded, json.dumps(wanted, indent=2) + "\n")
    return _written(folder)


def _written(folder: Path) -> tuple[set[DocId], int]:
    done: set[DocId] = set()
    numbers = [-1]
    decoder = json.JSONDecoder()
    for path in folder.iterdir():
        match = _PART.fullmatch(path.name)
        if not match:
            continue
        numbers.append(int(match.group(1)))
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(_ID_PREFIX):
                    done.add(decoder.raw_decode(line, len(_ID_PREFIX))[0])
    return done, max(numbers) + 1


def _write_atomically(path: Path, content: str) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
