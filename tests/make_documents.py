"""PDF and DOCX files written from known text, for the tests and the benchmarks.

PDFs are drawn with reportlab's canvas (invariant mode, so the bytes are the
same on every run): a running header and a page-number footer on every page,
wrapped body lines, and optional two-column, table and image-only pages.
DOCX files are written with python-docx: headings, paragraphs, bullet and
numbered lists and a table, in Word's own styles.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

HEADER = "Chunkwise Field Notes"
_WIDTH, _HEIGHT = 595, 842  # A4 in points
_MARGIN = 56
_LEADING = 14


@dataclass
class PdfPage:
    """One page to draw.

    Attributes:
        paragraphs: Body paragraphs, wrapped to the page width (or column width).
        columns: Paragraphs of a right-hand column; the body becomes the left column.
        table: Rows of cells drawn as a ruled grid below the body.
        image_only: Draw a picture and no text at all (a scanned page).
    """

    paragraphs: Sequence[str] = ()
    columns: Sequence[str] = ()
    table: Sequence[Sequence[str]] = ()
    image_only: bool = False


def tagged_sentences(page: int, count: int = 6, kind: str = "s") -> list[str]:
    """Sentences whose tag ``[pN<kind>M]`` names the page they were written on."""
    verbs = ("records", "measures", "describes", "compares", "follows", "explains")
    subjects = ("The survey", "A second team", "The old map", "Our guide", "The ledger", "Each visitor")
    return [
        f"{subjects[i % 6]} {verbs[(i + page) % 6]} the river crossing near the mill [p{page}{kind}{i}]."
        for i in range(count)
    ]


def pdf_bytes(
    pages: Sequence[PdfPage],
    *,
    header: str = HEADER,
    title: str = "Field notes",
    outline: Sequence[tuple[int, int, str]] = (),
) -> bytes:
    """Draw ``pages`` into a PDF and return its bytes.

    ``outline`` entries ``(page number, level from 0, title)`` become the PDF's bookmarks.
    """
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(_WIDTH, _HEIGHT), invariant=1)
    pdf.setTitle(title)
    for number, page in enumerate(pages, start=1):
        if page.image_only:
            _draw_picture(pdf)
        else:
            pdf.setFont("Helvetica", 9)
            pdf.drawString(_MARGIN, _HEIGHT - 36, header)
            pdf.drawRightString(_WIDTH - _MARGIN, 30, f"Page {number}")
            _draw_page(pdf, page)
        for i, (at, level, entry) in enumerate(outline):
            if at == number:
                pdf.bookmarkPage(f"b{i}")
                pdf.addOutlineEntry(entry, f"b{i}", level=level)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw_page(pdf: object, page: PdfPage) -> None:
    pdf.setFont("Helvetica", 11)  # type: ignore[attr-defined]
    top = _HEIGHT - 80
    if page.columns:
        half = (_WIDTH - 2 * _MARGIN - 20) / 2
        _draw_lines(pdf, page.paragraphs, _MARGIN, top, half)
        y = _draw_lines(pdf, page.columns, _MARGIN + half + 20, top, half)
    else:
        y = _draw_lines(pdf, page.paragraphs, _MARGIN, top, _WIDTH - 2 * _MARGIN)
    if page.table:
        _draw_table(pdf, page.table, y - _LEADING)


def _draw_lines(pdf: object, paragraphs: Sequence[str], x: float, y: float, width: float) -> float:
    chars = int(width / 5.6)
    for paragraph in paragraphs:
        for line in textwrap.wrap(paragraph, chars):
            pdf.drawString(x, y, line)  # type: ignore[attr-defined]
            y -= _LEADING
        y -= _LEADING / 2
    return y


def _draw_table(pdf: object, rows: Sequence[Sequence[str]], top: float) -> None:
    widths = [(_WIDTH - 2 * _MARGIN) / len(rows[0])] * len(rows[0])
    height = 20
    for r, row in enumerate(rows):
        y = top - r * height
        x = float(_MARGIN)
        for cell, width in zip(row, widths, strict=True):
            pdf.rect(x, y - height, width, height)  # type: ignore[attr-defined]
            pdf.drawString(x + 4, y - 14, cell)  # type: ignore[attr-defined]
            x += width


def _draw_picture(pdf: object) -> None:
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    picture = Image.new("L", (400, 300), 255)
    draw = ImageDraw.Draw(picture)
    for i in range(0, 300, 12):
        draw.line((20, i, 380, i), fill=(i * 7) % 200)
    pdf.drawImage(ImageReader(picture), _MARGIN, 300, 400, 300)  # type: ignore[attr-defined]


def sample_pdf() -> bytes:
    """The reference PDF: text pages, a two-column page, a table page and a scanned page."""
    return pdf_bytes(
        [
            PdfPage(paragraphs=[" ".join(tagged_sentences(1)), " ".join(tagged_sentences(1, 3))]),
            PdfPage(paragraphs=[" ".join(tagged_sentences(2))]),
            PdfPage(paragraphs=tagged_sentences(3, 4), columns=tagged_sentences(3, 3, "c")),
            PdfPage(
                paragraphs=[" ".join(tagged_sentences(4, 2))],
                table=[["Station", "Depth", "Tag"], ["Mill", "3.2", "[p4t1]"], ["Ford", "1.1", "[p4t2]"]],
            ),
            PdfPage(image_only=True),
            PdfPage(paragraphs=[" ".join(tagged_sentences(6))]),
        ]
    )


@dataclass
class DocxBlock:
    """One block of a DOCX body: a heading, paragraph, list item or table."""

    kind: str  # "heading", "paragraph", "bullet", "number", "table", "page_break"
    text: str = ""
    level: int = 1
    rows: Sequence[Sequence[str]] = field(default_factory=tuple)


def docx_bytes(blocks: Sequence[DocxBlock]) -> bytes:
    """Write ``blocks`` into a DOCX with python-docx's default (Word) styles."""
    import docx

    document = docx.Document()
    for block in blocks:
        if block.kind == "heading":
            document.add_heading(block.text, level=block.level)
        elif block.kind == "bullet":
            document.add_paragraph(block.text, style="List Bullet")
        elif block.kind == "number":
            document.add_paragraph(block.text, style="List Number")
        elif block.kind == "table":
            table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            for cells, row in zip(table.rows, block.rows, strict=True):
                for cell, value in zip(cells.cells, row, strict=True):
                    cell.text = value
        elif block.kind == "page_break":
            document.add_page_break()
        else:
            document.add_paragraph(block.text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def sample_docx() -> bytes:
    """The reference DOCX: two heading levels, bullets, numbers and a table."""
    return docx_bytes(
        [
            DocxBlock("heading", "Field notes", 1),
            DocxBlock("paragraph", "The survey records the river crossing near the mill."),
            DocxBlock("heading", "Equipment", 2),
            DocxBlock("bullet", "A rope of forty metres"),
            DocxBlock("bullet", "Two lanterns"),
            DocxBlock("heading", "Procedure", 2),
            DocxBlock("number", "Measure the depth at the ford"),
            DocxBlock("number", "Write the depth in the ledger"),
            DocxBlock("heading", "Readings", 3),
            DocxBlock("table", rows=[["Station", "Depth"], ["Mill", "3.2"], ["Ford", "1.1"]]),
            DocxBlock("paragraph", "Each visitor compares the readings with the old map."),
        ]
    )


NOTES = (
    (
        "The survey began at the old mill, where the river narrows between two stone walls. "
        "We measured the depth every morning before the sluice gates opened.",
        "The water was clear enough to see the gravel bed at the shallow ford.",
    ),
    (
        "On the second day the rain came from the west. The river rose by forty centimetres "
        "in six hours, and the ford could no longer be crossed on foot.",
    ),
    (
        "The ledger lists every reading with the time and the name of the person who took it. "
        "Readings taken in the rain are marked, because the gauge moves in strong wind.",
    ),
)


def notes_pdf() -> bytes:
    """The three-page PDF of samples/documents/field-notes.pdf (the README's example)."""
    return pdf_bytes([PdfPage(paragraphs=page) for page in NOTES], header="Field notes")


def notes_docx() -> bytes:
    """The DOCX of samples/documents/field-notes.docx: headings, a list and a table."""
    return docx_bytes(
        [
            DocxBlock("heading", "Field notes", 1),
            DocxBlock("paragraph", NOTES[0][0]),
            DocxBlock("heading", "Equipment", 2),
            DocxBlock("bullet", "A depth gauge"),
            DocxBlock("bullet", "The ledger"),
            DocxBlock("heading", "Readings", 2),
            DocxBlock("table", rows=[["Day", "Depth (cm)"], ["1", "85"], ["2", "125"]]),
            DocxBlock("paragraph", NOTES[1][0]),
        ]
    )
