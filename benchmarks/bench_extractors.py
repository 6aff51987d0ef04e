"""Which library turns PDFs and DOCX files into text: speed, quality and robustness, side by side.

Run: ``python -m benchmarks.bench_extractors`` (prints Markdown tables).

PDF candidates: pypdfium2 (PDFium; Apache-2.0/BSD-3), pdfminer.six (MIT),
pypdf (BSD-3). PyMuPDF is left out: AGPL. DOCX candidates: direct reading of
``word/document.xml`` with defusedxml (already a dependency), python-docx
(MIT) and mammoth (BSD-2).

Documents: the generated sample (two columns, a table, a scanned page), a
100-page PDF of real prose (the licence texts Debian ships, no text
repeated), and every PDF Debian ships under /usr/share/doc and
/usr/share/R/doc on this machine (LaTeX and DocBook output with ligatures,
hyphenation, running headers). Hostile files run in a child process with a
20-second timeout and a 2 GiB address-space limit, so a library that hangs
or explodes is reported instead of taking the benchmark with it.
"""

from __future__ import annotations

import io
import multiprocessing
import re
import resource
import statistics
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from benchmarks.documents import prose_docx, prose_pdf
from tests import hostile_documents as hostile
from tests.make_documents import sample_pdf

PdfReader = Callable[[bytes], list[str]]


def pdfium_pages(data: bytes) -> list[str]:
    """Text of each page with pypdfium2."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return [document[i].get_textpage().get_text_bounded() for i in range(len(document))]
    finally:
        document.close()


def pdfminer_pages(data: bytes) -> list[str]:
    """Text of each page with pdfminer.six (default layout analysis)."""
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data)).split("\f")[:-1]


def pypdf_pages(data: bytes) -> list[str]:
    """Text of each page with pypdf."""
    from pypdf import PdfReader as Reader

    return [page.extract_text() for page in Reader(io.BytesIO(data)).pages]


PDF_READERS: dict[str, PdfReader] = {
    "pypdfium2": pdfium_pages,
    "pdfminer.six": pdfminer_pages,
    "pypdf": pypdf_pages,
}

_LIGATURES = re.compile("[\ufb00-\ufb06]")
_BROKEN = re.compile("[\ufffd\ue000-\uf8ff\x00-\x08\x0b\x0e-\x1f]")
_HYPHENATED = re.compile(r"[a-z]-\r?\n[a-z]")
_GLUED = re.compile(r"[A-Za-z]{25,}")


def quality(pages: list[str]) -> dict[str, int]:
    """Counts of text defects: ligature glyphs left in, broken characters, line-end hyphens, glued words."""
    text = "\n".join(pages)
    firsts = [p.strip().splitlines()[0] for p in pages if p.strip()]
    common = max((firsts.count(line) for line in set(firsts)), default=0)
    return {
        "chars": len(text),
        "ligatures": len(_LIGATURES.findall(text)),
        "broken": len(_BROKEN.findall(text)),
        "hyphen_breaks": len(_HYPHENATED.findall(text)),
        "glued": len(_GLUED.findall(unicodedata.normalize("NFKC", text))),
        "repeated_first_line": common,
    }


def sample_checks(read: PdfReader) -> dict[str, object]:
    """Reading order and layout on the generated sample."""
    pages = read(sample_pdf())
    third = pages[2]
    left = [third.find(f"[p3s{i}]") for i in range(4)]
    right = [third.find(f"[p3c{i}]") for i in range(3)]
    columns = all(x >= 0 for x in left + right) and max(left) < min(right)
    rows = all(
        re.search(rf"{a}\s+{b}\s+\[p4t{i}\]", pages[3])
        for i, (a, b) in enumerate([("Mill", "3.2"), ("Ford", "1.1")], 1)
    )
    return {
        "pages": len(pages),
        "columns_in_order": columns,
        "table_rows_kept": bool(rows),
        "scan_page_empty": not pages[4].strip(),
    }


def timed(read: PdfReader, data: bytes, runs: int = 3) -> tuple[float, list[str]]:
    """Median seconds of ``runs`` extractions, and the last result."""
    times, pages = [], []
    for _ in range(runs):
        started = time.perf_counter()
        pages = read(data)
        times.append(time.perf_counter() - started)
    return statistics.median(times), pages


def debian_pdfs(limit_bytes: int = 2_000_000) -> list[Path]:
    """PDFs Debian packages installed on this machine, up to ``limit_bytes`` each."""
    found: list[Path] = []
    for root in (Path("/usr/share/doc"), Path("/usr/share/R/doc")):
        found += [p for p in root.rglob("*.pdf") if p.stat().st_size <= limit_bytes] if root.exists() else []
    return sorted(set(found))


def _child(name: str, data: bytes, queue: multiprocessing.Queue[str]) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    try:
        pages = PDF_READERS[name](data)
        queue.put(f"read: {len(pages)} pages, {sum(map(len, pages))} chars")
    except BaseException as exc:  # noqa: BLE001 - the outcome is what is measured
        queue.put(f"{type(exc).__name__}: {str(exc)[:60]}")


def robustness(name: str, data: bytes, timeout: float = 20.0) -> str:
    """What ``name`` does with a hostile file: its answer, a timeout, or the signal that killed it."""
    queue: multiprocessing.Queue[str] = multiprocessing.Queue()
    process = multiprocessing.get_context("fork").Process(target=_child, args=(name, data, queue))
    started = time.perf_counter()
    process.start()
    process.join(timeout)
    took = time.perf_counter() - started
    if process.is_alive():
        process.kill()
        process.join()
        return f"still running after {timeout:.0f} s (killed)"
    if process.exitcode:
        return f"process died (exit {process.exitcode}) after {took:.1f} s"
    return f"{queue.get(timeout=5)} ({took:.1f} s)"


HOSTILE_PDFS: dict[str, Callable[[], bytes]] = {
    "truncated": hostile.pdf_truncated,
    "garbage after %PDF-": hostile.pdf_garbage,
    "encrypted (RC4-128)": hostile.pdf_encrypted,
    "nested arrays, 200,000 deep": hostile.pdf_nested,
    "flate bomb, 1 MB to 1 GiB": hostile.pdf_flate_bomb,
    "10,000 pages in 0.3 MB": lambda: hostile.pdf_many_pages(10_000),
}


def table(title: str, headers: list[str]) -> None:
    """Print a Markdown section title and a table's header rows."""
    print(f"\n## {title}\n")
    row(headers)
    row(["---"] * len(headers))


def row(cells: list[object]) -> None:
    """Print one Markdown table row."""
    print("| " + " | ".join(map(str, cells)) + " |")


def main() -> None:
    """Print the comparison as Markdown tables."""
    table("PDF: generated sample", ["library", "pages", "columns in order", "table rows kept", "scan empty"])
    for name, read in PDF_READERS.items():
        row([name, *sample_checks(read).values()])
    documents = {"100-page prose PDF (generated)": prose_pdf(100)}
    documents |= {p.name: p.read_bytes() for p in debian_pdfs()}
    defects = [
        "chars",
        "ligature glyphs",
        "broken chars",
        "line-end hyphens",
        "glued words",
        "same first line",
    ]
    table("PDF: speed and text defects", ["document", "library", "pages", "seconds", "pages/s", *defects])
    for label, data in documents.items():
        for name, read in PDF_READERS.items():
            seconds, pages = timed(read, data, runs=1 if len(data) > 500_000 else 3)
            row(
                [
                    label,
                    name,
                    len(pages),
                    f"{seconds:.3f}",
                    f"{len(pages) / seconds:.0f}",
                    *quality(pages).values(),
                ]
            )
    table("PDF: hostile files (child process, 2 GiB address space, 20 s)", ["file", *PDF_READERS])
    for label, build in HOSTILE_PDFS.items():
        data = build()
        row([label, *(robustness(name, data) for name in PDF_READERS)])
    docx_comparison(prose_docx(100))


def docx_comparison(data: bytes) -> None:
    """DOCX: seconds for a 100-page document with each reader, and what structure each keeps."""
    import docx
    import mammoth

    from app.core.documents.docx import docx_markdown

    readers: dict[str, Callable[[bytes], str]] = {
        "defusedxml (direct XML)": lambda d: docx_markdown(d, max_chars=10**8),
        "python-docx (paragraphs)": lambda d: "\n\n".join(
            p.text for p in docx.Document(io.BytesIO(d)).paragraphs
        ),
        "mammoth (markdown)": lambda d: mammoth.convert_to_markdown(io.BytesIO(d)).value,
    }
    table(
        "DOCX: 100 pages of prose with headings and a table",
        ["reader", "seconds", "chars", "headings", "rows"],
    )
    for name, read in readers.items():
        seconds, text = timed(lambda d, r=read: [r(d)], data)
        body = text[0]
        headings = len(re.findall(r"^#{1,6} ", body, re.MULTILINE))
        rows = len(re.findall(r"^\|.*\|$", body, re.MULTILINE))
        row([name, f"{seconds:.3f}", len(body), headings, rows])


if __name__ == "__main__":
    main()
