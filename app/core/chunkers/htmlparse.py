"""Python's ``html.parser.HTMLParser`` over one whole document, with offsets and linear cost.

The standard library's parser handles malformed HTML the way browsers
tokenize it (stray ``<``, unclosed tags, bogus comments) and reports where
each token starts, but on some malformed inputs it is quadratic: when a
``<``-construct is never closed (``<a<a<a...``, ``</</</...``, ``<!--`` with
no ``-->``), it searches the rest of the document for the terminator once per
construct. :class:`SourceParser` answers those searches in constant time from
facts about the whole text (where its last ``>`` is, where the next comment
close is), with the result the parser itself gives at the end of the input:
an unterminated tag is text. Two cases follow HTML5 instead: a comment never
closed runs to the end of the document (the base class would show it as
text), and ``<![...]>`` is a bogus comment (the base class raises
``AssertionError``).
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

_NEWLINE = re.compile(r"\n")
_COMMENT_CLOSE = re.compile(r"--\s*>")


class SourceParser(HTMLParser):
    """Parses one document given at construction; handlers read :meth:`position`.

    Subclasses override the ``handle_*`` methods as usual and call
    :meth:`run` once. Character references in text are converted
    (``convert_charrefs=True``), so text arrives in whole runs.
    """

    def __init__(self, text: str) -> None:
        """Prepare to parse ``text``; nothing is parsed until :meth:`run`."""
        super().__init__(convert_charrefs=True)
        self.text = text
        # getpos() counts lines by "\n" only, exactly as this table does.
        self._line_starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
        self._last_gt = text.rfind(">")
        self._comment_from = len(text) + 1
        self._comment_close: tuple[int, int] | None = None

    def run(self) -> None:
        """Parse the whole text, calling the handlers in document order."""
        self.feed(self.text)
        self.close()

    def position(self) -> int:
        """Offset in the text of the token being handled (code points)."""
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _absolute(self, i: int) -> int:
        # The buffer is always a suffix of the text: the parser only drops
        # what it has handled.
        return i + len(self.text) - len(self.rawdata)

    def _unclosed_as_text(self, i: int) -> int | None:
        """Handle a ``<``-construct with no ``>`` after it as text, up to the next ``<``."""
        if self._absolute(i) <= self._last_gt:
            return None
        rawdata = self.rawdata
        k = rawdata.find("<", i + 1)
        if k < 0:
            k = len(rawdata)
        self.handle_data(unescape(rawdata[i:k]))
        return k

    def parse_starttag(self, i: int) -> int:
        """Parse a start tag, or the text an unclosed one is."""
        k = self._unclosed_as_text(i)
        return super().parse_starttag(i) if k is None else k

    def parse_endtag(self, i: int) -> int:
        """Parse an end tag, or the text an unclosed one is."""
        k = self._unclosed_as_text(i)
        return super().parse_endtag(i) if k is None else k

    def parse_pi(self, i: int) -> int:
        """Parse a processing instruction, or the text an unclosed one is."""
        k = self._unclosed_as_text(i)
        return super().parse_pi(i) if k is None else k

    def parse_html_declaration(self, i: int) -> int:
        """Parse ``<!...>``: a comment, a doctype, or a bogus comment (``<![CDATA[...]]>`` too)."""
        k = self._unclosed_as_text(i)
        if k is not None:
            return k
        if self.rawdata.startswith("<![", i):
            return self.parse_bogus_comment(i)
        return super().parse_html_declaration(i)

    def parse_comment(self, i: int, report: bool = True) -> int:
        """Parse ``<!-- ... -->``; a comment never closed runs to the end, as in HTML5."""
        start = self._absolute(i)
        close = self._next_comment_close(start + 4)
        end = (len(self.text), len(self.text)) if close is None else close
        if report:
            self.handle_comment(self.text[start + 4 : end[0]])
        return i + end[1] - start

    def _next_comment_close(self, pos: int) -> tuple[int, int] | None:
        r"""First ``--\s*>`` at or after ``pos``, remembering the last answer.

        Searches start after the previous answer, so together they read the
        text once, where one search per ``<!--`` would read it once per
        comment.
        """
        cached = self._comment_close
        if self._comment_from <= pos and (cached is None or cached[0] >= pos):
            return cached
        match = _COMMENT_CLOSE.search(self.text, pos)
        self._comment_from = pos
        self._comment_close = None if match is None else match.span()
        return self._comment_close
