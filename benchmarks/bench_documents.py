"""Documents in: pages per second from upload to chunks over HTTP, beside extraction alone and LangChain.

Run: ``python -m benchmarks.bench_documents`` (prints a Markdown table).

Documents: a 100-page PDF and a 100-page DOCX of real prose with no page
repeated (:mod:`benchmarks.documents`: Debian's licence texts and package
copyright notices; running header and page number on every PDF page,
headings and a table in the DOCX).

Rows, all in one run:

* ``HTTP``: ``POST /chunking`` with the raw document as the body, recursive
  splitting at 1,000 characters, against a live gunicorn (one worker, the
  project's config) on loopback; *cold* is the first request after start
  (it starts the extraction process), *warm* the median of the next ones.
  The clock stops when the whole answer has arrived: parsing its JSON is
  the client's work, not the service's (about 1 ms for the PDF's 0.28 MB),
  so it is done once afterwards, untimed, to count the chunks.
* ``extraction alone``: the chosen library in this process, no HTTP and no
  chunking: pypdfium2's text of every page; the DOCX reader's Markdown.
* ``LangChain``: the matching loader (``PyPDFium2Loader``, ``Docx2txtLoader``)
  and ``RecursiveCharacterTextSplitter`` at 1,000 characters, in this
  process, reading the same bytes from a file.

Targets: a 100-page text PDF chunked over HTTP in at most 1 s; the service
adds at most 20 % to extraction alone.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import urllib.request
import warnings
from collections.abc import Callable
from pathlib import Path

from benchmarks.documents import prose_docx, prose_pdf
from benchmarks.httpload import start, stop

WARM_RUNS = 11
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def fetch(url: str, data: bytes, content_type: str) -> bytes:
    """POST and return the whole answer, unparsed."""
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type}, method="POST")
    with urllib.request.urlopen(request, timeout=120) as response:
        body: bytes = response.read()
    return body


def post(url: str, data: bytes, content_type: str) -> int:
    """POST and return the number of chunks in the answer."""
    import json

    return int(json.loads(fetch(url, data, content_type))["count"])


def seconds(work: Callable[[], object]) -> float:
    """Wall seconds of one call."""
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def interleaved(works: list[Callable[[], object]], runs: int = WARM_RUNS) -> list[tuple[float, float, float]]:
    """Each work's first (cold) time, median and best warm times, the works taking turns in every round.

    On a shared machine the load changes from second to second; taking turns
    exposes every contender to the same load, so their ratio holds even when
    the absolute times move. The best time is the one least disturbed by
    other work on the machine (timeit's reasoning).
    """
    cold = [seconds(work) for work in works]
    rounds = [[seconds(work) for work in works] for _ in range(runs)]
    return [
        (cold[i], statistics.median(r[i] for r in rounds), min(r[i] for r in rounds))
        for i in range(len(works))
    ]


def pdfium_alone(data: bytes) -> list[str]:
    """The chosen PDF library alone: every page's text."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return [document[i].get_textpage().get_text_bounded() for i in range(len(document))]
    finally:
        document.close()


def docx_alone(data: bytes) -> str:
    """The chosen DOCX reader alone."""
    from app.core.documents.docx import docx_markdown

    return docx_markdown(data, max_chars=10**8)


def langchain(loader: str, path: Path) -> int:
    """LangChain's loader and recursive splitter at 1,000 characters; the number of chunks."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from langchain_community import document_loaders
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        documents = getattr(document_loaders, loader)(str(path)).load()
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=0)
    return len(splitter.split_documents(documents))


def main() -> None:
    """Measure and print the table."""
    documents = {
        "PDF": (prose_pdf(100), "application/pdf", pdfium_alone, "PyPDFium2Loader", ".pdf"),
        "DOCX": (prose_docx(100), DOCX_TYPE, docx_alone, "Docx2txtLoader", ".docx"),
    }
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        server = start(Path(tmp), env={"CHUNKWISE_WORKERS": "1", "CHUNKWISE_LOG_LEVEL": "WARNING"})
        try:
            for label, (data, media_type, alone, loader, suffix) in documents.items():
                url = server.url + "/chunking?strategy=recursive&chunk_size=1000"
                path = Path(tmp, "document" + suffix)
                path.write_bytes(data)
                (cold, warm, best), (_, extraction, alone_best), (lc_cold, lc_warm, _) = interleaved(
                    [
                        lambda d=data, m=media_type, u=url: fetch(u, d, m),
                        lambda d=data, a=alone: a(d),
                        lambda p=path, lo=loader: langchain(lo, p),
                    ]
                )
                chunks = post(url, data, media_type)
                rows.append(
                    (label, len(data), chunks, cold, warm, best, extraction, alone_best, lc_cold, lc_warm)
                )
        finally:
            stop(server)
    print(
        "| document (100 pages) | bytes | chunks | HTTP cold s | HTTP warm s (best) | pages/s over HTTP "
        "| extraction alone s (best) | pages/s alone | HTTP over extraction, median (best) "
        "| LangChain cold s | LangChain warm s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for label, size, chunks, cold, warm, best, extraction, alone_best, lc_cold, lc_warm in rows:
        print(
            f"| {label} | {size} | {chunks} | {cold:.3f} | {warm:.3f} ({best:.3f}) | {100 / warm:.0f} "
            f"| {extraction:.3f} ({alone_best:.3f}) | {100 / extraction:.0f} "
            f"| {warm / extraction - 1:+.0%} ({best / alone_best - 1:+.0%}) | {lc_cold:.3f} | {lc_warm:.3f} |"
        )


if __name__ == "__main__":
    main()
