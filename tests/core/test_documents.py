"""Documents to text: format detection, PDF pages, DOCX as Markdown, and every refusal."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.documents import (
    DocumentLimits,
    DocumentTooLarge,
    Extraction,
    InvalidText,
    PageSpan,
    UnreadableDocument,
    UnsupportedFormat,
    extract,
)
from app.core.documents.detect import detect_format
from app.core.documents.isolation import Sandbox
from app.core.documents.unzip import ZipLimits, open_zip
from tests import hostile_documents as hostile
from tests.make_documents import DocxBlock, PdfPage, docx_bytes, pdf_bytes, sample_docx, sample_pdf

LIMITS = DocumentLimits()
TAG = re.compile(r"\[p(\d+)[sct]\d+\]")


def debian_pdfs(limit_bytes: int = 1_500_000) -> list[Path]:
    """PDFs that installed Debian packages ship, where present (none is required)."""
    roots = [Path("/usr/share/doc"), Path("/usr/share/R/doc")]
    found = [p for root in roots if root.exists() for p in root.rglob("*.pdf")]
    return sorted(p for p in found if p.stat().st_size <= limit_bytes)[:6]


@pytest.fixture(scope="module")
def sample() -> Extraction:
    return extract(sample_pdf(), limits=LIMITS)


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"%PDF-1.4\n...", "", "pdf"),
        (b"junk first\n%PDF-1.7\n", "", "pdf"),
        (b"<!DOCTYPE html><p>Hi</p>", "", "html"),
        (b"<p>Hi</p>", "page.html", "html"),
        (b"# Title\n\nBody.", "", "markdown"),
        (b"Plain words.", "notes.md", "markdown"),
        (b"Plain words.\n\nMore.", "", "text"),
        (b"Plain words.", "report.pdf", "text"),
    ],
    ids=[
        "pdf",
        "pdf-behind-junk",
        "html",
        "html-by-name",
        "markdown",
        "markdown-by-name",
        "text",
        "name-lies",
    ],
)
def test_format_is_told_by_the_bytes(data, name, expected):
    assert detect_format(data, name) == expected


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "a PNG image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "a legacy Office file"),
        (b"\x00\x01\xff\xfebinary", "binary data"),
    ],
    ids=["png", "doc", "binary"],
)
def test_other_formats_are_refused_naming_them_and_the_supported_ones(data, named):
    with pytest.raises(UnsupportedFormat, match=f"{named}.*supported formats: PDF, DOCX"):
        extract(data, limits=LIMITS)


def test_a_zip_that_is_not_a_word_document_is_refused():
    with pytest.raises(UnsupportedFormat, match="not a Word document"):
        extract(hostile.zip_not_docx(), limits=LIMITS)


def test_text_must_be_utf8():
    with pytest.raises(InvalidText, match=r"not valid UTF-8 \(byte 0\)"):
        extract(b"\xff\xfe bad", limits=LIMITS)


def test_pdf_pages_are_joined_by_form_feeds(sample):
    assert sample.format == "pdf" and len(sample.pages) == 6
    assert sample.text.count("\f") == 5
    assert [p.page for p in sample.pages] == [1, 2, 3, 4, 5, 6]
    for span in sample.pages:
        page_text = sample.text[span.start : span.end]
        assert "\f" not in page_text
        # Every tag on a page names that page; the scanned page 5 has none.
        assert {int(n) for n in TAG.findall(page_text)} == ({span.page} if span.page != 5 else set())


def test_pdf_keeps_headers_columns_and_table_rows(sample):
    third = sample.text[sample.pages[2].start : sample.pages[2].end]
    assert "Chunkwise Field Notes" in third and "Page 3" in third
    left = [third.index(f"[p3s{i}]") for i in range(4)]
    right = [third.index(f"[p3c{i}]") for i in range(3)]
    assert max(left) < min(right)
    fourth = sample.text[sample.pages[3].start : sample.pages[3].end]
    assert "Mill 3.2 [p4t1]" in fourth and "Ford 1.1 [p4t2]" in fourth


def test_describe_and_page_at(sample):
    assert sample.describe() == {
        "format": "pdf",
        "pages": 6,
        "chars": len(sample.text),
        "sha256": sample.sha256,
    }
    for span in sample.pages:
        assert sample.page_at(span.start) == span.page
        assert sample.page_at(max(span.end - 1, span.start)) == span.page
    # A form feed belongs to the page before it.
    assert sample.page_at(sample.pages[0].end) == 1


def test_docx_becomes_markdown():
    text = extract(sample_docx(), limits=LIMITS).text
    assert text == (
        "# Field notes\n\n"
        "The survey records the river crossing near the mill.\n\n"
        "## Equipment\n\n"
        "- A rope of forty metres\n- Two lanterns\n\n"
        "## Procedure\n\n"
        "1. Measure the depth at the ford\n2. Write the depth in the ledger\n\n"
        "### Readings\n\n"
        "| Station | Depth |\n| --- | --- |\n| Mill | 3.2 |\n| Ford | 1.1 |\n\n"
        "Each visitor compares the readings with the old map."
    )


def test_docx_escapes_pipes_and_leading_hashes_and_has_no_pages():
    blocks = [
        DocxBlock("paragraph", "#hashtag is not a heading"),
        DocxBlock("table", rows=[["a|b", "c"], ["d"] * 2]),
    ]
    extraction = extract(docx_bytes(blocks), limits=LIMITS)
    assert extraction.text == "\\#hashtag is not a heading\n\n| a\\|b | c |\n| --- | --- |\n| d | d |"
    assert extraction.pages == () and extraction.describe()["pages"] is None


def test_multibyte_text_survives_both_formats():
    words = "Größe café naïve"
    assert words in extract(docx_bytes([DocxBlock("paragraph", words)]), limits=LIMITS).text
    pdf = pdf_bytes([PdfPage(paragraphs=[words])])
    assert words in extract(pdf, limits=LIMITS).text


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (hostile.pdf_truncated, UnreadableDocument, "damaged or incomplete"),
        (hostile.pdf_garbage, UnreadableDocument, "damaged or incomplete"),
        (hostile.pdf_encrypted, UnreadableDocument, "encrypted with a password"),
        (hostile.pdf_scanned, UnreadableDocument, "no text layer .*OCR is not supported"),
        (lambda: hostile.pdf_many_pages(1001), DocumentTooLarge, "1001 pages; the limit is 1000"),
        (hostile.docx_zip_bomb, DocumentTooLarge, "inflates to 1073741824 bytes"),
        (hostile.docx_many_members, DocumentTooLarge, "60017 parts; the limit is 10000"),
        (hostile.docx_entities, UnreadableDocument, "declares a DTD"),
        (hostile.docx_truncated, UnreadableDocument, "damaged or incomplete"),
        (hostile.docx_nested, UnreadableDocument, "has no text"),
    ],
    ids=[
        "pdf-truncated",
        "pdf-garbage",
        "pdf-encrypted",
        "pdf-scanned",
        "pdf-pages",
        "docx-zip-bomb",
        "docx-members",
        "docx-entities",
        "docx-truncated",
        "docx-nested",
    ],
)
def test_hostile_documents_are_refused_in_words(build, error, message):
    with pytest.raises(error, match=message):
        extract(build(), limits=LIMITS)


def test_a_pdf_decompression_bomb_ends_in_the_child_not_here():
    with pytest.raises(UnreadableDocument, match="within 512 MiB of memory"):
        extract(hostile.pdf_flate_bomb(), limits=DocumentLimits(sandbox=Sandbox(timeout=60, memory_mb=512)))


def test_deeply_nested_pdf_objects_are_read():
    assert extract(hostile.pdf_nested(), limits=LIMITS).text.strip() == "deep"


def test_a_slow_extraction_is_stopped_and_the_next_one_works():
    slow = DocumentLimits(sandbox=Sandbox(timeout=0.001))
    # 900 pages take PDFium a hundred times longer than the millisecond allowed.
    with pytest.raises(UnreadableDocument, match="took longer than 0.001 s and was stopped"):
        extract(hostile.pdf_many_pages(900), limits=slow)
    assert len(extract(sample_pdf(), limits=LIMITS).pages) == 6


def test_text_limits_hold_for_every_format():
    small = DocumentLimits(max_chars=100)
    for data in (sample_pdf(), sample_docx(), b"x" * 101):
        with pytest.raises(DocumentTooLarge, match="the limit is 100"):
            extract(data, limits=small)


def test_zip_ratio_limit():
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("word/document.xml", b" " * (2 << 20))
    with pytest.raises(DocumentTooLarge, match="inflates .* times; the limit is 100"):
        open_zip(buffer.getvalue(), ZipLimits())


def test_extraction_is_deterministic_and_hashes_the_bytes(sample):
    import hashlib

    again = extract(sample_pdf(), limits=LIMITS)
    assert again == sample
    assert sample.sha256 == hashlib.sha256(sample_pdf()).hexdigest()
    assert Extraction("a", "text", (), "x").pages == () and PageSpan(1, 0, 1).end == 1


@pytest.mark.parametrize("path", debian_pdfs(), ids=lambda p: p.name)
def test_debian_pdfs_where_present(path):
    from pypdf import PdfReader

    data = path.read_bytes()
    extraction = extract(data, limits=LIMITS)
    assert len(extraction.pages) == len(PdfReader(io.BytesIO(data)).pages)
    assert extraction.text.count("\f") == len(extraction.pages) - 1
    # PDFium maps ligature glyphs to letters and removes its own control marks.
    assert not re.search("[\ufb00-\ufb06\x00-\x08\x0b\x0e-\x1f]", extraction.text)
    words = re.findall(r"[A-Za-z]{3,}", extraction.text)
    assert len(words) > 50 * len(extraction.pages) / 2


def test_the_readme_samples_are_what_the_generators_write():
    from tests.conftest import ROOT
    from tests.make_documents import notes_docx, notes_pdf

    folder = ROOT / "samples" / "documents"
    for name, build in (("field-notes.pdf", notes_pdf), ("field-notes.docx", notes_docx)):
        shipped = extract((folder / name).read_bytes(), limits=LIMITS)
        assert shipped.text == extract(build(), limits=LIMITS).text


def test_line_end_hyphens_are_decided_by_the_document():
    lines = [
        "Every GPL-compatible licence is listed here, with its documentation and a note on",
        "pre-1990 texts. The list of GPL-",
        "compatible licences follows the docu-",
        "mentation of each one, including the pre-",
        "1990 ones.",
    ]
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    for i, line in enumerate(lines):
        pdf.drawString(72, 720 - 14 * i, line)
    pdf.save()
    text = extract(buffer.getvalue(), limits=LIMITS).text
    assert "The list of GPL-compatible licences follows the documentation of each one" in text
    assert "including the pre-1990 ones." in text
    assert "\x02" not in text


def test_a_reader_killed_while_idle_is_replaced():
    from app.core.documents import isolation

    extract(sample_pdf(), limits=LIMITS)
    idle = isolation._idle[LIMITS.sandbox.memory_mb]
    assert idle
    for child in idle:
        child.kill()
        child.wait()
    assert len(extract(sample_pdf(), limits=LIMITS).pages) == 6


@given(
    st.text(
        st.sampled_from(["a", "B", "é", "_", "1", "\x02", " ", "-", "\n", "ß", "日", "\u0301", "!"]),
        max_size=40,
    )
)
def test_hyphen_marks_are_decided_as_the_pattern_would(page):
    from app.core.documents.hyphens import _BROKEN, _sub_breaks

    def decide(match):
        return f"<{match.group(1)}|{match.group(2)}>"

    assert _sub_breaks(page, decide) == _BROKEN.sub(decide, page)


@given(
    st.text(
        st.sampled_from(
            ["a", "B", "é", "_", "1", "-", " ", "\n", "\f", "\x02", "Σ", "σ", "İ", "i", "ß", "!"]
        ),
        max_size=40,
    ),
    st.text(st.sampled_from(["a", "b", "é", "_", "1", "-", "σ", "ς", "i", "ß"]), min_size=1, max_size=4),
)
def test_the_word_search_agrees_with_listing_every_word(text, form):
    from app.core.documents.hyphens import _WORD, _Lexicon

    words = {word.lower() for word in _WORD.findall(text)}
    lexicon = _Lexicon(text)
    for asked in sorted(words)[:5] + [form, form.lower()]:
        assert (asked in lexicon) == (asked in words), asked


def test_a_form_hiding_in_many_longer_words_falls_back_to_listing_them():
    from app.core.documents.hyphens import _Lexicon

    text = "aaa " * 30_000
    assert "aa" not in _Lexicon(text)
    assert "aa" in _Lexicon(text + "aa")
    assert "aaa" in _Lexicon(text)
    # "a-a" is a compound hiding twice in every "a-a-a".
    compounds = "a-a-a " * 30_000
    assert "a-a" not in _Lexicon(compounds)
    assert "a-a" in _Lexicon(compounds + "a-a")
    assert "a-a-a" in _Lexicon(compounds)


def listed_rejoin(pages):
    """Every hyphen mark decided from a list of every word of the document, the plain way."""
    from app.core.documents.hyphens import _BROKEN, _WORD

    words = {word.lower() for page in pages for word in _WORD.findall(page)}

    def decide(match):
        left, right = match.group(1), match.group(2)
        joined, hyphened = left + right, f"{left}-{right}"
        if hyphened.lower() in words and joined.lower() not in words:
            return hyphened
        if joined.lower() in words or not right[0].isupper() and not right[0].isdigit():
            return joined
        return hyphened

    return [_BROKEN.sub(decide, page).replace("\x02", "") for page in pages]


@given(
    st.lists(
        st.text(
            st.sampled_from(["a", "B", "é", "_", "1", "-", " ", "\n", "\x02", "Σ", "σ", "İ", "i", "!"]),
            max_size=30,
        ),
        min_size=1,
        max_size=3,
    )
)
def test_hyphen_decisions_agree_with_listing_every_word(pages):
    from app.core.documents.hyphens import rejoin

    assert rejoin(pages) == listed_rejoin(pages)
