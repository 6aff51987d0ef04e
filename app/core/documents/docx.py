"""DOCX to Markdown, read straight from the package's XML with defusedxml.

Headings become ``#``..``######`` (Word's "Heading N" styles, "Title", or an
outline level), numbered and bulleted paragraphs become list items indented
by level, tables become pipe tables with their first row as the header.
Text boxes inside a paragraph are read as part of it. Headers, footers,
footnotes, comments, images and deleted tracked changes are not extracted.

Only ``word/document.xml``, ``word/styles.xml`` and ``word/numbering.xml``
are read, each through :mod:`app.core.documents.unzip`'s bounds; defusedxml
refuses DTDs, so entity expansion bombs never expand (the standard library's
ElementTree is imported for its types and ``ParseError`` only). The walk over the body
keeps its own stack, so nesting depth costs memory, never recursion.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # nosec B405
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from app.core.documents.errors import DocumentTooLarge, UnreadableDocument
from app.core.documents.unzip import ZipLimits, open_zip, read_member

_HEADING_NAME = re.compile(r"heading\s*([1-6])$", re.IGNORECASE)
# Blocks that only wrap other blocks: content controls, custom XML, smart tags.
_WRAPPERS = frozenset({"sdt", "sdtContent", "customXml", "smartTag", "ins"})


@dataclass(frozen=True, slots=True)
class _Style:
    heading: int = 0
    numbered: tuple[str, int] | None = None


@dataclass
class _Writer:
    ns: str
    styles: dict[str, _Style]
    formats: dict[str, dict[int, str]]
    max_chars: int
    parts: list[str] = field(default_factory=list)
    size: int = 0
    last_was_item: bool = False
    counters: dict[tuple[str, int], int] = field(default_factory=dict)

    def add(self, block: str, *, item: bool = False) -> None:
        separator = "" if not self.parts else "\n" if item and self.last_was_item else "\n\n"
        self.parts.append(separator + block)
        self.size += len(separator) + len(block)
        self.last_was_item = item
        if self.size > self.max_chars:
            raise DocumentTooLarge(
                f"this DOCX file has over {self.max_chars} characters of text; the limit is {self.max_chars}"
            )

    def body(self, body: ET.Element) -> None:
        stack = list(reversed(body))
        while stack:
            element = stack.pop()
            name = _local(element.tag)
            if name == "p":
                self.paragraph(element)
            elif name == "tbl":
                self.table(element)
            elif name in _WRAPPERS:
                stack.extend(reversed(element))

    def paragraph(self, p: ET.Element) -> None:
        style = self.styles.get(self._prop(p, "pStyle") or "", _Style())
        numbered = self._numbering(p) or style.numbered
        text = _text(p, self.ns)
        if not text.strip():
            return
        if style.heading:
            self.add("#" * style.heading + " " + " ".join(text.split()))
        elif numbered is not None and numbered[0] != "0":
            self.add(self._item(numbered, " ".join(text.split())), item=True)
        else:
            self.add("\\" + text if text.startswith("#") else text)

    def _item(self, numbered: tuple[str, int], text: str) -> str:
        num_id, level = numbered
        for key in [k for k in self.counters if k[0] == num_id and k[1] > level]:
            del self.counters[key]
        count = self.counters[numbered] = self.counters.get(numbered, 0) + 1
        bullet = self.formats.get(num_id, {}).get(level, "bullet") in ("bullet", "none")
        return "  " * level + ("- " if bullet else f"{count}. ") + text

    def _prop(self, p: ET.Element, name: str) -> str | None:
        found = p.find(f"{self.ns}pPr/{self.ns}{name}")
        return None if found is None else found.get(f"{self.ns}val")

    def _numbering(self, p: ET.Element) -> tuple[str, int] | None:
        num = p.find(f"{self.ns}pPr/{self.ns}numPr")
        return None if num is None else _num_pr(num, self.ns)

    def table(self, tbl: ET.Element) -> None:
        rows = [
            [_cell(tc, self.ns) for tc in tr.findall(f"{self.ns}tc")] for tr in tbl.findall(f"{self.ns}tr")
        ]
        rows = [row for row in rows if row]
        if not rows:
            return
        width = max(map(len, rows))
        lines = ["| " + " | ".join(row + [""] * (width - len(row))) + " |" for row in rows]
        lines.insert(1, "|" + " --- |" * width)
        self.add("\n".join(lines))


def docx_markdown(data: bytes, *, max_chars: int, limits: ZipLimits | None = None) -> str:
    """The text of a DOCX file as Markdown.

    Args:
        data: The file's bytes.
        max_chars: Most characters of text; more is refused.
        limits: Bounds on the zip archive (defaults of :class:`ZipLimits`).

    Returns:
        Markdown: blocks separated by blank lines, list items by single newlines.

    Raises:
        UnreadableDocument: Damaged, encrypted, or not valid Office XML.
        DocumentTooLarge: Over ``max_chars`` or the archive's bounds.
    """
    archive = open_zip(data, limits or ZipLimits())
    document = read_member(archive, "word/document.xml")
    if document is None:
        raise UnreadableDocument("this DOCX file has no word/document.xml")
    root = _parse(document, "word/document.xml")
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    styles = _styles(read_member(archive, "word/styles.xml"), ns)
    formats = _formats(read_member(archive, "word/numbering.xml"), ns)
    body = root.find(f"{ns}body")
    writer = _Writer(ns, styles, formats, max_chars)
    if body is not None:
        writer.body(body)
    if not writer.parts:
        raise UnreadableDocument("this DOCX file has no text")
    return "".join(writer.parts)


def _parse(data: bytes, name: str) -> ET.Element:
    try:
        root: ET.Element = fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise UnreadableDocument(
            f"this DOCX file's {name} declares a DTD or entities, which Word never writes; refused"
        ) from None
    except (ET.ParseError, ValueError):
        raise UnreadableDocument(f"this DOCX file is damaged: its {name} is not well-formed XML") from None
    return root


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(p: ET.Element, ns: str) -> str:
    pieces = []
    for element in p.iter():
        tag = element.tag
        if tag == f"{ns}t" and element.text:
            pieces.append(element.text)
        elif tag == f"{ns}tab":
            pieces.append("\t")
        elif tag in (f"{ns}br", f"{ns}cr") and element.get(f"{ns}type") in (None, "textWrapping"):
            pieces.append("\n")
    return "".join(pieces)


def _cell(tc: ET.Element, ns: str) -> str:
    text = " ".join(_text(p, ns) for p in tc.iter(f"{ns}p"))
    return " ".join(text.split()).replace("|", "\\|")


def _num_pr(num: ET.Element, ns: str) -> tuple[str, int] | None:
    num_id = num.find(f"{ns}numId")
    level = num.find(f"{ns}ilvl")
    if num_id is None:
        return None
    value = level.get(f"{ns}val", "0") if level is not None else "0"
    return num_id.get(f"{ns}val", "0"), int(value) if value.isdigit() and int(value) < 10 else 0


def _styles(data: bytes | None, ns: str) -> dict[str, _Style]:
    if data is None:
        return {}
    styles: dict[str, _Style] = {}
    for style in _parse(data, "word/styles.xml").iter(f"{ns}style"):
        name_element = style.find(f"{ns}name")
        name = (name_element.get(f"{ns}val", "") if name_element is not None else "").strip()
        match = _HEADING_NAME.match(name)
        outline = style.find(f"{ns}pPr/{ns}outlineLvl")
        level = int(match.group(1)) if match else 1 if name.lower() == "title" else 0
        if not level and outline is not None and outline.get(f"{ns}val", "9") in "012345":
            level = int(outline.get(f"{ns}val", "0")) + 1
        num = style.find(f"{ns}pPr/{ns}numPr")
        numbered = _num_pr(num, ns) if num is not None else None
        if numbered is None and name.lower().startswith("list bullet"):
            numbered = ("bullet", 0)
        styles[style.get(f"{ns}styleId", "")] = _Style(level, numbered)
    return styles


def _formats(data: bytes | None, ns: str) -> dict[str, dict[int, str]]:
    if data is None:
        return {}
    root = _parse(data, "word/numbering.xml")
    abstract: dict[str, dict[int, str]] = {}
    for item in root.iter(f"{ns}abstractNum"):
        levels = abstract.setdefault(item.get(f"{ns}abstractNumId", ""), {})
        for lvl in item.iter(f"{ns}lvl"):
            fmt = lvl.find(f"{ns}numFmt")
            ilvl = lvl.get(f"{ns}ilvl", "0")
            levels[int(ilvl) if ilvl.isdigit() else 0] = (
                fmt.get(f"{ns}val", "decimal") if fmt is not None else "decimal"
            )
    formats: dict[str, dict[int, str]] = {}
    for num in root.iter(f"{ns}num"):
        ref = num.find(f"{ns}abstractNumId")
        if ref is not None:
            formats[num.get(f"{ns}numId", "")] = abstract.get(ref.get(f"{ns}val", ""), {})
    return formats
