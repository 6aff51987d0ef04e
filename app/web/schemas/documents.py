"""What a response says of an uploaded document, and POST /extract's answer."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    BaseModel,
    Field,
)


class DocumentInfo(BaseModel):
    """The uploaded document the text was extracted from."""

    format: Literal["pdf", "docx", "html", "markdown", "text"] = Field(description="Told by the bytes.")
    pages: int | None = Field(description="Number of pages (PDF); null for formats without pages.")
    chars: int = Field(description="Length of the extracted text, in code points.")
    sha256: str = Field(description="Hex SHA-256 of the uploaded bytes.")


class PageSpanInfo(BaseModel):
    """Where one page is in the extracted text: text[start:end]."""

    page: int = Field(description="Page number, from 1.")
    start: int = Field(description="Offset of the page's first character, in code points.")
    end: int = Field(description="Offset one past its last character (a form feed separates pages).")


class OutlineEntry(BaseModel):
    """One entry of a PDF's outline (its bookmarks), placed in the extracted text."""

    level: int = Field(description="Depth in the outline, from 1.")
    title: str = Field(description="The entry's title.")
    page: int = Field(description="The page it points at.")
    start: int = Field(
        description="Offset of the line starting with its title on that page, else of the page."
    )


class ExtractResponse(BaseModel):
    """POST /extract's answer: the text that chunk offsets index, and where it came from."""

    text: str = Field(description="The extracted text; PDF pages joined by form feeds, DOCX as Markdown.")
    document: DocumentInfo
    pages: list[PageSpanInfo] = Field(description="The page spans (PDF); empty for formats without pages.")
    outline: list[OutlineEntry] = Field(
        description="The PDF's outline, which contextualize turns into heading paths; empty without one."
    )


DOCUMENT_FIELD = Field(default=None, description="With a document upload: what it was.")
TEXT_FIELD = Field(
    default=None, description="With a document upload and include_text=true: the extracted text."
)
PAGE_FIELD = Field(default=None, description="With a PDF upload: the page of the first character.")
LAST_PAGE_FIELD = Field(default=None, description="With a PDF upload: the page of the last character.")
