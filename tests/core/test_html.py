from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.core.chunkers.html import HtmlChunker
from app.core.chunkers.htmltext import read_blocks
from tests.helpers import check_invariants


def blocks(html, **options):
    options.setdefault("pack", False)
    return [(c.text, c.meta["tag"], c.meta["headings"]) for c in HtmlChunker(**options).chunk(html)]


def regions(html, **options):
    options.setdefault("pack", False)
    return [html[c.start : c.end] for c in HtmlChunker(**options).chunk(html)]


def visible(html):
    return "".join("".join(b.text for b in read_blocks(html)).split())


def test_block_elements_with_tags_and_heading_paths():
    html = (
        "<h1>Guide</h1><p>Intro.</p><h2>Install</h2><ul><li>One</li><li>Two</li></ul><h2>Use</h2><p>Go.</p>"
    )
    assert blocks(html) == [
        ("Guide", "h1", ["Guide"]),
        ("Intro.", "p", ["Guide"]),
        ("Install", "h2", ["Guide", "Install"]),
        ("One", "li", ["Guide", "Install"]),
        ("Two", "li", ["Guide", "Install"]),
        ("Use", "h2", ["Guide", "Use"]),
        ("Go.", "p", ["Guide", "Use"]),
    ]


def test_regions_delimit_the_source_markup():
    html = "<body>\n<h1>Guide</h1>\n<p>Hello <b>world</b>!</p>\n</body>"
    assert regions(html) == ["<h1>Guide</h1>", "<p>Hello <b>world</b>!</p>"]


def test_script_style_noscript_template_title_and_comments_are_dropped():
    html = (
        "<head><title>T</title><style>p {color: red}</style></head>"
        "<p>a<script>var s = '<p>no</p>';</script>b</p><!-- <p>hidden</p> -->"
        "<noscript><p>no js</p></noscript><template><p>tpl</p></template><p>c</p>"
    )
    assert [text for text, _, _ in blocks(html)] == ["ab", "c"]


def test_whitespace_is_normalised_and_references_decoded():
    html = "<p>  one\n   two&nbsp;three &amp; four&#33; &eacute;&bogus; </p>"
    assert blocks(html) == [("one two three & four! é&bogus;", "p", [])]


def test_line_breaks_table_rows_and_cells():
    html = "<p>a<br>b</p><table><tr><th>k</th><th>v</th></tr><tr><td>x</td><td>1</td></tr></table>"
    assert [text for text, _, _ in blocks(html)] == ["a\nb", "k v\nx 1"]


def test_pre_keeps_its_whitespace():
    html = "<pre>\n  def f():\n      return 1\n</pre>"
    assert [c.text for c in HtmlChunker().chunk(html)] == ["def f():\n      return 1"]


def test_text_outside_blocks_is_body_and_plain_text_is_one_block():
    assert blocks("Just   plain\n\ntext.") == [("Just plain text.", "body", [])]
    assert blocks("<div>lead<p>para</p>tail</div>") == [
        ("lead", "div", []),
        ("para", "p", []),
        ("tail", "div", []),
    ]


def test_packing_joins_blocks_with_a_line_break_and_keeps_the_common_heading_path():
    html = "<h1>A</h1><h2>B</h2><p>bb</p><h2>C</h2><p>cc</p>"
    chunks = HtmlChunker(chunk_size=9).chunk(html)
    assert [(c.text, c.meta["tag"], c.meta["headings"]) for c in chunks] == [
        ("A\nB\nbb\nC", "h1", ["A"]),
        ("cc", "p", ["A", "C"]),
    ]
    assert html[chunks[0].start : chunks[0].end] == "<h1>A</h1><h2>B</h2><p>bb</p><h2>C</h2>"


def test_oversize_block_is_split_with_exact_source_offsets():
    html = "<p>First sentence here. <b>Second</b> sentence &amp; more. Third one.</p>"
    chunks = HtmlChunker(chunk_size=25).chunk(html)
    assert [c.text for c in chunks] == ["First sentence here.", "Second sentence & more.", "Third one."]
    assert [html[c.start : c.end] for c in chunks] == [
        "<p>First sentence here.",
        "<b>Second</b> sentence &amp; more."[3:],
        "Third one.</p>",
    ]


def test_overlap_repeats_whole_blocks():
    html = "<p>aaaa</p><p>bbbb</p><p>cccc</p>"
    chunks = HtmlChunker(chunk_size=9, chunk_overlap=4).chunk(html)
    assert [c.text for c in chunks] == ["aaaa\nbbbb", "bbbb\ncccc"]
    assert chunks[0].start < chunks[1].start


@pytest.mark.parametrize(
    ("html", "texts"),
    [
        ("<p>one<p>two<li>three<li>four", ["one", "two", "three", "four"]),
        # "<d</p>" is a start tag named "d<", for browsers too.
        ("<p>a < b and c<d</p>", ["a < b and c"]),
        ("<p>x</span></p></div><p>y", ["x", "y"]),
        ("<h2>Title<p>text", ["Title", "text"]),
        ("<p>before<!-- never closed <p>after", ["before"]),
        ("<p>a<![CDATA[ x ]]>b</p>", ["ab"]),
        ("<p>unclosed <b attr='x", ["unclosed <b attr='x"]),
        ("<script>never closed <p>hidden", []),
    ],
    ids=[
        "unclosed-p-li",
        "stray-lt",
        "stray-end-tags",
        "heading-unclosed",
        "open-comment",
        "cdata",
        "open-tag",
        "open-script",
    ],
)
def test_malformed_html_still_chunks(html, texts):
    assert [c.text for c in HtmlChunker(pack=False).chunk(html)] == texts


def test_a_thousand_nested_divs():
    html = "<div>" * 1000 + "<p>deep</p>" + "</div>" * 1000 + "<p>after</p>"
    assert regions(html) == ["<p>deep</p>", "<p>after</p>"]


def test_multibyte_offsets_are_code_points():
    html = "<p>🌍 Ünï</p><p>日本語</p>"
    chunks = HtmlChunker(pack=False).chunk(html)
    assert [(c.start, c.end) for c in chunks] == [(0, 12), (12, 22)]


@pytest.mark.parametrize("html", ["", "   ", "<p> </p>", "<script>x</script><!-- y -->", "<div><div></div>"])
def test_no_visible_text_gives_no_chunks(html):
    assert HtmlChunker().chunk(html) == []


HTML_PARTS = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<h1>",
        "</h1>",
        "<h2 class='x'>",
        "</h2>",
        "<ul><li>",
        "<li>",
        "</ul>",
        "<div>",
        "</div>",
        "<b>",
        "</b>",
        "<br>",
        "<pre>",
        "</pre>",
        "<table><tr><td>",
        "<td>",
        "</table>",
        "<script>if (a<b) {}</script>",
        "<style>p{}</style>",
        "<!-- note -->",
        "&amp;",
        "&lt;",
        "&nbsp;",
        "&#233;",
        "&bogus;",
        "word ",
        "Two words. ",
        "Sentence one. Sentence two! ",
        "\n",
        "  ",
        "é🌍",
        "<hr>",
    ]
)
MALFORMED = st.sampled_from(["<", ">", "</", "<!--", "<![CDATA[", "<?", "<a", "&", "&#", "'"])


@given(
    parts=st.lists(st.one_of(HTML_PARTS, MALFORMED), max_size=60), size=st.integers(1, 60), pack=st.booleans()
)
@example(parts=["<p>", "a", "<", "b"], size=1, pack=True)
def test_html_invariants_on_markup(parts, size, pack):
    html = "".join(parts)
    options = {"chunk_size": size, "pack": pack}
    chunks = HtmlChunker(**options).chunk(html)
    check_invariants("html", html, chunks, options)
    assert "".join("".join(c.text for c in chunks).split()) == visible(html), "visible text lost or repeated"
    assert all(a.end <= b.start for a, b in zip(chunks, chunks[1:], strict=False)), "regions overlap"


@given(parts=st.lists(HTML_PARTS, max_size=60), size=st.integers(1, 60), overlap=st.integers(0, 20))
def test_each_region_shows_exactly_its_chunk(parts, size, overlap):
    html = "".join(parts)
    options = {"chunk_size": size, "chunk_overlap": min(overlap, size - 1)}
    for chunk in HtmlChunker(**options).chunk(html):
        assert visible(html[chunk.start : chunk.end]) == "".join(chunk.text.split())
