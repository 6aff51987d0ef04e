"""The extraction child process: reads requests on stdin, answers on stdout, one at a time.

A request is a JSON line ``{"format", "size", "max_pages", "max_chars"}``
followed by ``size`` bytes of the document; the answer is one JSON line,
``{"pages": [...], "outline": [[level, title, page index], ...]}`` (a
DOCX has no outline: its headings are in its Markdown) or ``{"error": "unreadable"|"too_large", "message"}``.
The process caps its own address space at start, so a decompression bomb
ends in a MemoryError or in PDFium aborting this process, never the server.
"""

from __future__ import annotations

import json
import resource
import sys
from typing import BinaryIO

from app.core.documents.errors import DocumentTooLarge, UnreadableDocument


def handle(header: dict[str, object], data: bytes) -> dict[str, object]:
    """Extract one document and describe the outcome as a JSON-ready dict."""
    from app.core.documents.docx import docx_markdown
    from app.core.documents.pdf import pdf_text_and_outline

    max_pages, max_chars = int(header["max_pages"]), int(header["max_chars"])  # type: ignore[call-overload]
    try:
        if header["format"] == "pdf":
            pages, outline = pdf_text_and_outline(data, max_pages=max_pages, max_chars=max_chars)
            return {"pages": pages, "outline": outline}
        return {"pages": [docx_markdown(data, max_chars=max_chars)]}
    except DocumentTooLarge as exc:
        return {"error": "too_large", "message": exc.message}
    except UnreadableDocument as exc:
        return {"error": "unreadable", "message": exc.message}
    except MemoryError:
        return {"error": "memory", "message": ""}
    except RecursionError:
        return {
            "error": "unreadable",
            "message": f"this {header['format']} file is nested too deeply to read",
        }


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """Answer requests until stdin closes."""
    while True:
        line = requests.readline()
        if not line:
            return
        header = json.loads(line)
        data = requests.read(int(header["size"]))
        answers.write(json.dumps(handle(header, data)).encode("utf-8") + b"\n")
        answers.flush()


def main(memory_mb: int) -> None:
    """Cap the address space at ``memory_mb`` MiB, then serve stdin."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    serve(sys.stdin.buffer, sys.stdout.buffer)
