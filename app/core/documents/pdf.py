r"""PDF text, page by page, with PDFium (pypdfium2).

PDFium was chosen by measurement (benchmarks/bench_extractors.py): it is
6 to 46 times faster than pdfminer.six and pypdf on Debian's manuals, keeps
table rows and columns in the order they were written, maps ligatures, and
marks a hyphen that ends a line (``\x02``) after joining the two halves of
the word. It cannot know a hyphenated word (``docu-mentation``) from a
compound broken at its own hyphen (``GPL-compatible``), so the document
decides (:func:`_rejoin`). Being C++, it cannot be
interrupted and aborts its process when memory runs out; it therefore runs
only in the extraction child process (see isolation.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from app.core.documents.errors import DocumentTooLarge, UnreadableDocument

# Control characters PDFium leaves in text (the odd glyph without a Unicode
# mapping) are dropped; the form feed is the page separator here. Its hyphen
# mark \x02 is kept for _rejoin, which decides it and drops the rest.
_CONTROL = re.compile("[\x00\x01\x03-\x08\x0b\x0c\x0e-\x1f]")
_NEWLINE = re.compile("\r\n?")
_BROKEN = re.compile(r"(\w+)\x02(\w+)")
_WORD = re.compile(r"\w+(?:-\w+)*")


#: Most outline entries read; a longer outline is cut there (its first entries stay).
MAX_OUTLINE_ENTRIES = 2000
_MAX_TITLE_CHARS = 300

#: An outline entry: its level (1 for the top), its title, the index of its page (from 0).
OutlineEntry = tuple[int, str, int]


def pdf_pages(data: bytes, *, max_pages: int, max_chars: int) -> list[str]:
    r"""The text of each page of a PDF."""
    return pdf_text_and_outline(data, max_pages=max_pages, max_chars=max_chars)[0]


def pdf_text_and_outline(
    data: bytes, *, max_pages: int, max_chars: int
) -> tuple[list[str], list[OutlineEntry]]:
    r"""The text of each page of a PDF, and its outline (bookmarks) when it has one.

    Args:
        data: The PDF's bytes.
        max_pages: Most pages read; more is refused before any text is read.
        max_chars: Most characters of text in all; more is refused when reached.

    Returns:
        One string per page (empty for a page without text), lines ending in
        ``\n``; and the outline entries that point at a page, in order.

    Raises:
        UnreadableDocument: Damaged, encrypted, or without any text layer.
        DocumentTooLarge: Over ``max_pages`` or ``max_chars``.
    """
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise UnreadableDocument(_load_error(str(exc))) from None
    try:
        count = len(document)
        if count > max_pages:
            raise DocumentTooLarge(f"this PDF has {count} pages; the limit is {max_pages}")
        pages, total = [], 0
        for index in range(count):
            text = _clean(document[index].get_textpage().get_text_bounded())
            total += len(text)
            if total > max_chars:
                raise DocumentTooLarge(
                    f"this PDF has over {max_chars} characters of text; the limit is {max_chars}"
                )
            pages.append(text)
        outline = _outline(document, count)
    finally:
        document.close()
    pages = _rejoin(pages)
    if not any(page.strip() for page in pages):
        raise UnreadableDocument("this PDF has no text layer (a scan?); OCR is not supported")
    return pages, outline


def _outline(document: object, count: int) -> list[OutlineEntry]:
    """The outline entries with a title and a page in the document, at most MAX_OUTLINE_ENTRIES."""
    entries: list[OutlineEntry] = []
    try:
        for item in document.get_toc(max_depth=6):  # type: ignore[attr-defined]
            dest = item.get_dest()
            index = dest.get_index() if dest is not None else None
            title = " ".join(_clean(item.get_title() or "").split())[:_MAX_TITLE_CHARS]
            if title and index is not None and 0 <= index < count:
                entries.append((item.level + 1, title, index))
            if len(entries) >= MAX_OUTLINE_ENTRIES:
                break
    except Exception:  # noqa: BLE001 - a damaged outline costs the headings, never the text
        return []
    return entries


def _clean(text: str) -> str:
    # The hyphen mark stays for _rejoin; every other control character goes.
    return _CONTROL.sub("", _NEWLINE.sub("\n", text))


def _rejoin(pages: list[str]) -> list[str]:
    """Decide each line-end hyphen PDFium marked: the joined word, or the compound with its hyphen.

    The document is the dictionary: a form written elsewhere in it wins
    (``GPL-compatible`` seen whole keeps its hyphen, ``documentation`` seen
    whole is joined); without evidence a right half opening with a capital
    or a digit keeps the hyphen (``pre-1990``, ``non-GPL``), others join.
    Each decision asks only for the forms that can change it.
    """
    if not any("\x02" in page for page in pages):
        return pages
    words = _Lexicon("\f".join(pages))

    def decide(match: re.Match[str]) -> str:
        left, right = match.group(1), match.group(2)
        joined, hyphened = left + right, f"{left}-{right}"
        if right[0].isupper() or right[0].isdigit():
            return joined if joined.lower() in words else hyphened
        if hyphened.lower() in words and joined.lower() not in words:
            return hyphened
        return joined

    return [_sub_breaks(page, decide).replace("\x02", "") for page in pages]


class _Lexicon:
    """The words of a text (``_WORD`` matches, lowercased), asked about one form at a time.

    Listing every word of a long document costs a regular-expression match
    per word; the hyphen marks are few, so each form is first looked for in
    the lowered text and the word around a hit checked. When the searches
    grow costly (many marks, or a form hiding in many longer words) the
    words are listed once after all. The search is exact only when lowering
    works character by character: not for a capital sigma (its lowercase
    depends on the letters around it) or a dotted capital I (it grows to two
    characters), which list the words at once.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        low = text.lower()
        exact = len(low) == len(text) and "\u03a3" not in text
        self._low = low if exact else ""
        self._words: set[str] | None = None if exact else self._listed()
        self._budget = _SEARCH_BUDGET
        self._known: dict[str, bool] = {}

    def __contains__(self, form: object) -> bool:
        if not isinstance(form, str):
            return False
        if self._words is not None:
            return form in self._words
        if form not in self._known:
            found = self._search(form)
            if found is None:
                self._words = self._listed()
                return form in self._words
            self._known[form] = found
        return self._known[form]

    def _listed(self) -> set[str]:
        return {word.lower() for word in _WORD.findall(self._text)}

    def _search(self, form: str) -> bool | None:
        """Whether ``form`` is a whole word of the text; None when the budget ran out first."""
        text, end = self._text, len(self._text)
        self._budget -= _SEARCH_COST
        at = self._low.find(form)
        while at >= 0 and self._budget > 0:
            after = at + len(form)
            if _word_starts(text, at) and (after == end or _word_ends(text, after)):
                return True
            self._budget -= 1
            at = self._low.find(form, at + 1)
        return None if self._budget <= 0 else False


#: What the searches of one document may cost before its words are listed instead, in
#: checked hits; a search through the whole text counts :data:`_SEARCH_COST` of them.
_SEARCH_BUDGET = 20_000
_SEARCH_COST = 400


def _word_starts(text: str, at: int) -> bool:
    """Whether a ``_WORD`` match starts at ``text[at]`` (a word character): not inside a word or compound."""
    if at == 0:
        return True
    before = text[at - 1]
    return not _is_word(before) and not (before == "-" and at >= 2 and _is_word(text[at - 2]))


def _word_ends(text: str, at: int) -> bool:
    """Whether a ``_WORD`` match ending before ``text[at]`` ends there: no word or ``-word`` follows."""
    after = text[at]
    return not _is_word(after) and not (after == "-" and at + 1 < len(text) and _is_word(text[at + 1]))


def _sub_breaks(page: str, decide: Callable[[re.Match[str]], str]) -> str:
    """``_BROKEN.sub(decide, page)``, found from the marks rather than from every word.

    The pattern starts with a word, so a regular expression tries it at every
    character of the page; the marks are few, and the words around them short.
    """
    out, done = [], 0
    mark = page.find("\x02")
    while mark >= 0:
        left = mark
        while left > done and _is_word(page[left - 1]):
            left -= 1
        right = mark + 1
        while right < len(page) and _is_word(page[right]):
            right += 1
        match = _BROKEN.match(page, left, right) if left < mark < right - 1 else None
        if match is not None:
            out.append(page[done:left])
            out.append(decide(match))
            done = right
        mark = page.find("\x02", max(mark + 1, done))
    out.append(page[done:])
    return "".join(out)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _load_error(reason: str) -> str:
    if "password" in reason.lower():
        return "this PDF is encrypted with a password; send it without the password"
    return "this PDF is damaged or incomplete and could not be read"
