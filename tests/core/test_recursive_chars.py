"""The recursive rules in characters without overlap: found back from each chunk's limit, they
give exactly the chunks of packing every atom, the general path kept as the reference."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.chunkers.packing import Sizer, pack_chars, trim
from app.core.chunkers.recursive import FIND_ENDS_FROM, RecursiveChunker, recursive_atoms, split_recursive
from app.core.chunkers.recursive_chars import pack_recursive_chars

WORDS = ("a", "word", "longerword", "x" * 23, "今日は晴れ", "“quoted”", "(aside)", "e.g.", "3.14")
# Sentence ends with closing quotes and brackets, CJK full stops with and
# without closers, and none.
ENDS = ("", ".", "!", '."', "?”", "!)", "…", "。", "。」", "！", "？』", '。"', ".'")
WORD_GAPS = (" ", " ", "  ", "\t", "\u3000", "\xa0", "\u2028", "\x0b")
# Between sentences nothing is needed after a CJK full stop.
SENTENCE_GAPS = (" ", " ", "  ", "")
LINE_BREAKS = ("\n", "\n", "\r\n", " \n\t", "\n ")
# Blank lines made of spaces and tabs, CRLF, U+2029.
PARAGRAPH_BREAKS = ("\n\n", "\n\n", "\n \t\n", "\r\n\r\n", "\n\n\n ", "\u2029", " \u2029 ", "\n\u2029")


def _joined(draw: st.DrawFn, parts: list[str], gaps: tuple[str, ...]) -> str:
    out = parts[0]
    for part in parts[1:]:
        out += draw(st.sampled_from(gaps)) + part
    return out


@st.composite
def sentences(draw: st.DrawFn) -> str:
    """Words, or one run with no separator at all (a hard cut when it is long)."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from("xy。")) * draw(st.integers(1, 90))
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6))
    return _joined(draw, words, WORD_GAPS) + draw(st.sampled_from(ENDS))


@st.composite
def lines(draw: st.DrawFn) -> str:
    return _joined(draw, draw(st.lists(sentences(), min_size=1, max_size=4)), SENTENCE_GAPS)


@st.composite
def paragraphs(draw: st.DrawFn) -> str:
    return _joined(draw, draw(st.lists(lines(), min_size=1, max_size=4)), LINE_BREAKS)


@st.composite
def texts(draw: st.DrawFn) -> str:
    """Paragraphs of lines of sentences of words, some longer than the limit, edged with whitespace."""
    body = _joined(draw, draw(st.lists(paragraphs(), min_size=1, max_size=5)), PARAGRAPH_BREAKS)
    return draw(st.sampled_from(("", " ", "\n\n"))) + body + draw(st.sampled_from(("", "\n", " \u2029")))


def by_atoms(text: str, limit: int, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The reference: every atom of the range, packed greedily."""
    whole = trim(text, start, len(text) if end is None else end)
    if whole is None:
        return []
    if whole.end - whole.start <= limit:
        return [(whole.start, whole.end)]
    return pack_chars(recursive_atoms(Sizer(text, "chars", limit), whole.start, whole.end), limit, 0)


def by_ends(text: str, limit: int, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Chunk ends found back from each limit, at any size (the chunker uses them from FIND_ENDS_FROM)."""
    whole = trim(text, start, len(text) if end is None else end)
    if whole is None:
        return []
    sizer = Sizer(text, "chars", limit)
    return pack_recursive_chars(
        text, whole.start, whole.end, limit, lambda s, e: recursive_atoms(sizer, s, e, 2)
    )


def _spans(chunks: list) -> list[tuple[int, int]]:
    return [(c.start, c.end) for c in chunks]


@settings(max_examples=80)
@given(texts())
def test_chunk_ends_are_those_of_packing_every_atom_at_every_size(text):
    # Every size up to the whole text: a chunk end is decided by a piece that
    # fits exactly or by one character too many, whatever the piece's level.
    for limit in range(1, len(text) + 2):
        assert by_ends(text, limit) == by_atoms(text, limit), limit


@settings(max_examples=30)
@given(texts(), st.data())
def test_a_range_inside_a_text_is_split_as_the_atoms_say(text, data):
    # Other strategies split an oversize unit, a trimmed range of a larger text.
    start = data.draw(st.integers(0, len(text)))
    whole = trim(text, start, data.draw(st.integers(start, len(text))))
    if whole is None:
        return
    for limit in range(1, whole.end - whole.start + 1):
        assert by_ends(text, limit, whole.start, whole.end) == by_atoms(
            text, limit, whole.start, whole.end
        ), limit


def test_the_chunker_finds_ends_from_a_few_hundred_characters():
    # Wrapped paragraphs, some longer than the limit, one line longer than it
    # (broken into sentences and words), and a paragraph separator.
    paragraph = "One line of a paragraph, wrapped.\nAnother line of it. " + "And a long sentence " * 30
    text = "\n\n".join(f"{i} {paragraph * (i % 3 + 1)}" for i in range(40)) + "\n\u2029Last one."
    for limit in (FIND_ENDS_FROM, 500, 1000, 2000):
        chunks = RecursiveChunker(chunk_size=limit).chunk(text)
        assert _spans(chunks) == by_atoms(text, limit)
        assert all(c.end - c.start <= limit for c in chunks)
    # A trimmed range of it, as other strategies split an oversize unit.
    unit = trim(text, 5, len(text) - 3)
    assert unit is not None
    spans = split_recursive(Sizer(text, "chars", 1000), unit.start, unit.end)
    assert _spans(spans) == by_atoms(text, 1000, unit.start, unit.end)


def test_a_hard_cut_can_end_right_before_a_closing_quote_and_its_sentence_end():
    # The third chunk starts inside a run without separators, between the full
    # stop and its closing quotes: the space after them still ends a sentence.
    text = "x" * 7 + '."" ' + "yy zz. " + "w" * 3
    expected = ["xxxx", "xxx.", '""', "yy", "zz.", "www"]
    assert [text[s:e] for s, e in by_ends(text, 4)] == [text[s:e] for s, e in by_atoms(text, 4)] == expected


def test_a_scan_that_stops_moving_falls_back_to_the_atoms(monkeypatch):
    # A flaw that kept a chunk start in place must cost speed, never a hung worker.
    from app.core.chunkers import recursive_chars

    calls = []

    def stuck(self, out, start, stop, at_stop):
        calls.append(start)
        return start

    text = ("word " * 150 + "\n") * 12
    expected = RecursiveChunker(chunk_size=FIND_ENDS_FROM).chunk(text)
    monkeypatch.setattr(recursive_chars._Scanner, "by_lines", stuck)
    assert RecursiveChunker(chunk_size=FIND_ENDS_FROM).chunk(text) == expected
    assert calls  # the scan was taken, and stopped
