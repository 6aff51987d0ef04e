from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.chunkers import InvalidOptions
from app.core.chunkers.page import PageChunker, split_pages
from tests.helpers import check_invariants


def pages(text, **options):
    return [(c.text, c.meta["page"], c.meta["last_page"]) for c in PageChunker(**options).chunk(text)]


def test_form_feeds_end_pages_and_pages_are_packed():
    text = "First page.\fSecond page.\fThird page."
    assert pages(text, chunk_size=30) == [
        ("First page.\fSecond page.", 1, 2),
        ("Third page.", 3, 3),
    ]


def test_unpacked_gives_one_page_per_chunk_with_exact_offsets():
    text = "  One.\f\nTwo.\n\fThree.\n"
    chunks = PageChunker(pack=False).chunk(text)
    assert [(c.start, c.end, c.meta["page"]) for c in chunks] == [(2, 6, 1), (8, 12, 2), (14, 20, 3)]
    assert all(text[c.start : c.end] == c.text for c in chunks)


def test_empty_pages_are_counted_not_returned():
    # A leading form feed is a blank first page, as pdftotext writes it.
    assert pages("\fA\f\f\fB", pack=False) == [("A", 2, 2), ("B", 5, 5)]


@pytest.mark.parametrize(
    "marker",
    [
        "<!-- pagebreak -->",
        "<!-- page break -->",
        "\\newpage",
        "\\pagebreak",
        "\\clearpage",
        "[page break]",
        "--- Page 7 ---",
        "=== PAGE 12 ===",
        "[Page 3]",
        "  ~~ page 9 ~~  ",
    ],
)
def test_marker_lines_open_a_page_and_stay_in_it(marker):
    text = f"Before the break.\n{marker}\nAfter the break."
    assert pages(text, pack=False) == [
        ("Before the break.", 1, 1),
        (f"{marker.lstrip()}\nAfter the break.", 2, 2),
    ]


@pytest.mark.parametrize(
    "line",
    ["Page 3", "see page 3 --", "--- Page three ---", "text --- Page 2 ---", "<!-- pagebreak --> and more"],
)
def test_lines_that_only_mention_pages_are_not_breaks(line):
    assert pages(f"Alpha.\n{line}\nOmega.", pack=False) == [(f"Alpha.\n{line}\nOmega.", 1, 1)]


def test_marker_before_any_content_opens_page_one():
    assert pages("\n--- Page 1 ---\nHello.\n--- Page 2 ---\nWorld.", pack=False) == [
        ("--- Page 1 ---\nHello.", 1, 1),
        ("--- Page 2 ---\nWorld.", 2, 2),
    ]


def test_oversize_page_is_split_and_keeps_its_page_number():
    text = "Short.\f" + "A sentence of words. " * 10 + "\fEnd."
    chunks = PageChunker(chunk_size=50).chunk(text)
    assert all(len(c.text) <= 50 for c in chunks)
    assert [c.meta["page"] for c in chunks] == [1] + [2] * (len(chunks) - 2) + [3]
    assert all(c.meta["page"] == c.meta["last_page"] for c in chunks)


def test_overlap_repeats_whole_trailing_pages():
    text = "aaaa\fbbbb\fcccc\fdddd"
    chunks = PageChunker(chunk_size=14, chunk_overlap=4).chunk(text)
    assert [(c.text, c.meta["page"], c.meta["last_page"]) for c in chunks] == [
        ("aaaa\fbbbb\fcccc", 1, 3),
        ("cccc\fdddd", 3, 4),
    ]


def test_words_unit_counts_words():
    text = "one two three\ffour five\fsix"
    assert pages(text, chunk_size=5, unit="words") == [("one two three\ffour five", 1, 2), ("six", 3, 3)]


def test_text_without_breaks_is_one_page_split_by_the_recursive_rules():
    text = "Para one is here.\n\nPara two is here."
    assert pages(text, chunk_size=20) == [("Para one is here.", 1, 1), ("Para two is here.", 1, 1)]


def test_multibyte_offsets_are_code_points():
    text = "Ünïcode 🌍 page.\f日本語のページ。"
    chunks = PageChunker(pack=False).chunk(text)
    assert [(c.start, c.end) for c in chunks] == [(0, 15), (16, 24)]
    assert all(text[c.start : c.end] == c.text for c in chunks)


@pytest.mark.parametrize("text", ["", "   ", "\f\f\f", "\n\f \n"])
def test_empty_or_blank_text_gives_no_chunks(text):
    assert PageChunker().chunk(text) == []
    assert split_pages(text) == []


def test_pack_must_be_boolean():
    with pytest.raises(InvalidOptions, match="wrong type") as info:
        PageChunker(pack="yes")
    assert info.value.field == "pack"


PAGE_PARTS = st.sampled_from(
    [
        "word ",
        "Longer sentence here. ",
        "\f",
        "\n",
        "\n\n",
        "\n--- Page 2 ---\n",
        "\n\\newpage\n",
        "é🌍 ",
        "  ",
    ]
)


@given(parts=st.lists(PAGE_PARTS, max_size=60), size=st.integers(1, 80), pack=st.booleans())
def test_page_invariants_on_paged_text(parts, size, pack):
    text = "".join(parts)
    options = {"chunk_size": size, "pack": pack}
    chunks = PageChunker(**options).chunk(text)
    check_invariants("page", text, chunks, options)
    numbers = [(c.meta["page"], c.meta["last_page"]) for c in chunks]
    assert all(first <= last for first, last in numbers)
    assert [first for first, _ in numbers] == sorted(first for first, _ in numbers)
    assert all(
        last <= text.count("\f") + text.count("Page 2") + text.count("newpage") + 1 for _, last in numbers
    )
