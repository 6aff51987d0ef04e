r"""Line-end hyphens that PDFium marked, decided by the document's own words.

PDFium joins the two halves of a word broken at a line end and marks the
hyphen it took out (``\x02``). It cannot know a hyphenated word
(``docu-mentation``) from a compound broken at its own hyphen
(``GPL-compatible``), so the document is the dictionary: a form written
elsewhere in it wins (``GPL-compatible`` seen whole keeps its hyphen,
``documentation`` seen whole is joined); without evidence a right half
opening with a capital or a digit keeps the hyphen (``pre-1990``,
``non-GPL``), others join. A word is a ``_WORD`` match, compared lowercased.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_BROKEN = re.compile(r"(\w+)\x02(\w+)")
_WORD = re.compile(r"\w+(?:-\w+)*")
_RUN = re.compile(r"\w+")
_AFTER_HYPHEN = re.compile(r"-(\w+)")

#: What the searches of one document may cost before its words are listed instead, in
#: checked hits; a pass through the whole text counts :data:`_PASS_COST` of them.
_SEARCH_BUDGET = 20_000
_PASS_COST = 400


def rejoin(pages: list[str]) -> list[str]:
    """Decide each line-end hyphen PDFium marked: the joined word, or the compound with its hyphen.

    Each decision asks the document only about the forms that can change it.
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
    per word, where the hyphen marks are few. A compound (``gpl-compatible``)
    is looked up among the text's hyphens, indexed once by the word after
    them; any other form is looked for in the lowered text; either way the
    word around a hit is checked. When that grows costly (many marks, or a
    form hiding in many longer words) the words are listed once after all.
    Looking up is exact only when lowering works character by character:
    not with a capital sigma (its lowercase depends on the letters around
    it) or a dotted capital I (it grows to two characters), which list the
    words at once.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        exact = "\u03a3" not in text and "\u0130" not in text
        self._words: set[str] | None = None if exact else self._listed()
        self._low: str | None = None
        self._compounds: dict[str, list[int]] | None = None
        self._budget = _SEARCH_BUDGET
        self._known: dict[str, bool] = {}

    def __contains__(self, form: object) -> bool:
        if not isinstance(form, str):
            return False
        if self._words is None and not _WORD.fullmatch(form):
            self._words = self._listed()  # the searches assume a word character at each end
        if self._words is None and form not in self._known:
            left, hyphen, right = form.partition("-")
            compound = hyphen and _RUN.fullmatch(left) and _RUN.fullmatch(right)
            found = self._compound(left, right) if compound else self._search(form)
            if found is None:
                self._words = self._listed()
            else:
                self._known[form] = found
        return form in self._words if self._words is not None else self._known[form]

    def _listed(self) -> set[str]:
        return {word.lower() for word in _WORD.findall(self._text)}

    def _search(self, form: str) -> bool | None:
        """Whether ``form`` is a whole word of the text; None when the budget ran out first."""
        text, end = self._text, len(self._text)
        if self._low is None:
            self._low = text.lower()
        self._budget -= _PASS_COST
        at = self._low.find(form)
        while at >= 0 and self._budget > 0:
            after = at + len(form)
            if _word_starts(text, at) and (after == end or _word_ends(text, after)):
                return True
            self._budget -= 1
            at = self._low.find(form, at + 1)
        return None if self._budget <= 0 else False

    def _compound(self, left: str, right: str) -> bool | None:
        """Whether ``left-right`` (two runs of word characters) is a whole word; None past the budget."""
        text = self._text
        if self._compounds is None:
            self._compounds = {}
            self._budget -= _PASS_COST
            for found in _AFTER_HYPHEN.finditer(text):
                self._compounds.setdefault(found.group(1).lower(), []).append(found.start())
        for hyphen in self._compounds.get(right, ()):
            # The run after the hyphen is whole (the pattern is greedy); the one before must be too.
            start, after = hyphen - len(left), hyphen + 1 + len(right)
            if (
                start >= 0
                and text[start:hyphen].lower() == left
                and _RUN.fullmatch(text, start, hyphen)
                and _word_starts(text, start)
                and (after == len(text) or _word_ends(text, after))
            ):
                return True
            self._budget -= 1
            if self._budget <= 0:
                return None
        return None if self._budget <= 0 else False


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


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"
