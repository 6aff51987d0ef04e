r"""The extraction child process: reads requests on stdin, answers on stdout, one at a time.

A request is a JSON line ``{"format", "size", "max_pages", "max_chars"}``
followed by ``size`` bytes of the document. The answer is a JSON line
``{"pages": [characters of each page], "bytes": n, "outline": [[level, title, page index], ...]}``
followed by ``n`` bytes: the UTF-8 of the pages' texts joined by form feeds
(a DOCX is one page and has no outline: its headings are in its Markdown),
or the line ``{"error": "unreadable"|"too_large"|"memory", "message"}`` alone.
The text travels as raw UTF-8 rather than inside the JSON line: encoding and
decoding a JSON string of a whole book cost more than the rest of the trip.
The process caps its own address space at start, so a decompression bomb
ends in a MemoryError or in PDFium aborting this process, never the server.
"""

from __future__ import annotations

import json
import resource
import sys
from typing import BinaryIO

from app.core.documents.errors import DocumentTooLarge, UnreadableDocument
from app.core.gc_tuning import tune_for_requests


def handle(header: dict[str, object], data: bytes) -> tuple[dict[str, object], bytes]:
    """Extract one document: the answer's JSON line as a dict, and the text that follows it."""
    from app.core.documents.docx import docx_markdown
    from app.core.documents.pdf import pdf_text_and_outline

    max_pages, max_chars = int(header["max_pages"]), int(header["max_chars"])  # type: ignore[call-overload]
    outline: list[tuple[int, str, int]] = []
    try:
        if header["format"] == "pdf":
            pages, outline = pdf_text_and_outline(data, max_pages=max_pages, max_chars=max_chars)
        else:
            pages = [docx_markdown(data, max_chars=max_chars)]
    except DocumentTooLarge as exc:
        return {"error": "too_large", "message": exc.message}, b""
    except UnreadableDocument as exc:
        return {"error": "unreadable", "message": exc.message}, b""
    except MemoryError:
        return {"error": "memory", "message": ""}, b""
    except RecursionError:
        return {
            "error": "unreadable",
            "message": f"this {header['format']} file is nested too deeply to read",
        }, b""
    text = "\f".join(pages).encode("utf-8", "surrogatepass")
    return {"pages": [len(page) for page in pages], "bytes": len(text), "outline": outline}, text


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """Answer requests until stdin closes."""
    while True:
        line = requests.readline()
        if not line:
            return
        header = json.loads(line)
        data = requests.read(int(header["size"]))
        answer, text = handle(header, data)
        answers.write(json.dumps(answer).encode("utf-8") + b"\n")
        answers.write(text)
        answers.flush()


def main(memory_mb: int) -> None:
    """Cap the address space at ``memory_mb`` MiB, load the readers, then serve stdin."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # Loaded now, so that they are frozen with the rest rather than walked by every collection.
    import pypdfium2  # noqa: F401

    import app.core.documents.docx
    import app.core.documents.pdf  # noqa: F401

    tune_for_requests()
    serve(sys.stdin.buffer, sys.stdout.buffer)
