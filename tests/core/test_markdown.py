from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.chunkers.markdown import MarkdownChunker
from app.core.chunkers.mdoutline import read_outline
from app.core.structure import markdown_structure
from tests.helpers import check_invariants


def sections(text, **options):
    options.setdefault("pack", False)
    return [(c.text, c.meta["headings"]) for c in MarkdownChunker(**options).chunk(text)]


def test_atx_headings_give_sections_with_paths():
    text = "# Install\n\nIntro.\n\n## Docker\n\nRun it.\n\n## Pip\n\nPip it.\n\n# Usage\n\nUse it."
    assert sections(text) == [
        ("# Install\n\nIntro.", ["Install"]),
        ("## Docker\n\nRun it.", ["Install", "Docker"]),
        ("## Pip\n\nPip it.", ["Install", "Pip"]),
        ("# Usage\n\nUse it.", ["Usage"]),
    ]


def test_setext_headings_take_the_paragraph_above():
    text = "Title\n=====\nIntro.\n\nPart one\nwraps here\n---------\nBody."
    assert sections(text) == [
        ("Title\n=====\nIntro.", ["Title"]),
        ("Part one\nwraps here\n---------\nBody.", ["Title", "Part one wraps here"]),
    ]


@pytest.mark.parametrize("fence", ["```", "~~~", "````"])
def test_no_heading_inside_a_fenced_code_block(fence):
    text = f"# Real\n\n{fence}sh\n# comment, not a heading\nSetext?\n---\n{fence}\n\n## Next\nx"
    assert [h for _, h in sections(text)] == [["Real"], ["Real", "Next"]]


def test_unclosed_fence_runs_to_the_end():
    text = "# A\n\n```\n# inside\n## inside too"
    assert [h for _, h in sections(text)] == [["A"]]


def test_shorter_or_other_fence_does_not_close():
    text = "````\n```\n# inside\n~~~\n````\n# After"
    assert [h for _, h in sections(text)] == [[], ["After"]]


def test_backtick_in_info_string_is_not_a_fence():
    text = "``` not ` a fence\n# Heading"
    assert [h for _, h in sections(text)] == [[], ["Heading"]]


@pytest.mark.parametrize(
    "line",
    ["#hashtag", "    # indented code", "\t# tab-indented", "####### seven", "text # mid-line"],
    ids=["no-space", "indented", "tab", "seven", "mid-line"],
)
def test_lines_that_are_not_headings(line):
    text = f"Intro.\n\n{line}\n\nEnd."
    assert sections(text) == [(text, [])]


def test_closing_hashes_and_empty_heading():
    assert read_outline("# Title ##\n##\nx").sections[-1].path == ("Title", "")
    assert read_outline("# C# #").sections[0].path == ("C#",)


def test_thematic_break_and_list_are_not_setext_underlines():
    text = "Para.\n\n---\n\n- item\n---\n> quote\n---\n| a |\n---"
    assert read_outline(text).sections == read_outline("").sections


def test_front_matter_is_not_a_setext_heading():
    text = "---\ntitle: x\n---\nBody.\n\n# One\nx"
    assert [h for _, h in sections(text)] == [[], ["One"]]


def test_sections_are_packed_and_the_path_is_the_common_parent():
    text = "# A\n\n## B\nbb\n\n## C\ncc\n\n# D\ndd"
    assert sections(text, pack=True, chunk_size=22) == [
        ("# A\n\n## B\nbb\n\n## C\ncc", ["A"]),
        ("# D\ndd", ["D"]),
    ]


def test_oversize_section_is_cut_at_blocks_keeping_code_lists_and_tables_whole():
    code = "```\nline one\n\nline two\n```"
    items = "- first item\n- second item\n\n- third item"
    table = "| a | b |\n|---|---|\n| 1 | 2 |"
    text = f"## Big\n\nIntro paragraph.\n\n{code}\n\n{items}\n\n{table}"
    chunks = MarkdownChunker(chunk_size=45, pack=False).chunk(text)
    assert [c.text for c in chunks] == ["## Big\n\nIntro paragraph.", code, items, table]
    assert all(c.meta["headings"] == ["Big"] for c in chunks)


def test_block_larger_than_chunk_size_is_split_by_the_recursive_rules():
    code = "```\n" + "\n".join(f"x = {i}" for i in range(30)) + "\n```"
    chunks = MarkdownChunker(chunk_size=40).chunk(code)
    assert len(chunks) > 1 and all(len(c.text) <= 40 for c in chunks)


def test_overlap_repeats_whole_sections():
    text = "# A\naa\n\n# B\nbb\n\n# C\ncc"
    chunks = MarkdownChunker(chunk_size=14, chunk_overlap=6).chunk(text)
    assert [c.text for c in chunks] == ["# A\naa\n\n# B\nbb", "# B\nbb\n\n# C\ncc"]


def test_offsets_index_the_original_markdown_with_multibyte_text():
    text = "# Ünïcode 🌍\n\nText é.\n\n## 日本\n\n本文。"
    chunks = MarkdownChunker(pack=False).chunk(text)
    assert [c.meta["headings"] for c in chunks] == [["Ünïcode 🌍"], ["Ünïcode 🌍", "日本"]]
    assert all(text[c.start : c.end] == c.text for c in chunks)


def test_text_without_headings_is_one_section():
    assert sections("Just text.\n\nMore text.") == [("Just text.\n\nMore text.", [])]


@pytest.mark.parametrize("text", ["", " \n\n ", "\n"])
def test_blank_text_gives_no_chunks(text):
    assert MarkdownChunker().chunk(text) == []


MARKDOWN_LINES = st.sampled_from(
    [
        "# Top",
        "## Sub",
        "### Deep ###",
        "Setext",
        "======",
        "------",
        "```",
        "~~~",
        "# in code?",
        "- item",
        "  continued",
        "| a | b |",
        "Plain words here.",
        "",
        "",
        "   ",
        "é 🌍",
        "---",
    ]
)


@given(lines=st.lists(MARKDOWN_LINES, max_size=50), size=st.integers(1, 90), overlap=st.integers(0, 30))
def test_markdown_invariants_on_structured_text(lines, size, overlap):
    text = "\n".join(lines)
    options = {"chunk_size": size, "chunk_overlap": min(overlap, size - 1)}
    chunks = MarkdownChunker(**options).chunk(text)
    check_invariants("markdown", text, chunks, options)
    assert all(isinstance(c.meta["headings"], list) for c in chunks)


@given(lines=st.lists(MARKDOWN_LINES, max_size=50), size=st.integers(1, 90))
def test_chunks_with_the_structure_of_the_same_text_are_the_chunks(lines, size):
    text = "\n".join(lines)
    chunker = MarkdownChunker(chunk_size=size)
    structure = markdown_structure(text)
    assert structure.outline_of(text) is not None
    assert chunker.chunk_with(text, structure) == chunker.chunk(text)
    # A structure read from another text is not taken for this one's.
    other = text + "\n# Another"
    assert markdown_structure(other).outline_of(text) is None
    assert chunker.chunk_with(text, markdown_structure(other)) == chunker.chunk(text)


def test_a_request_with_context_reads_the_outline_once(client, monkeypatch):
    import app.core.chunkers.markdown as markdown
    import app.core.structure as structure

    calls = []

    def counted(text):
        calls.append(len(text))
        return read_outline(text)

    monkeypatch.setattr(markdown, "read_outline", counted)
    monkeypatch.setattr(structure, "read_outline", counted)
    text = "# A\n\nFirst part.\n\n## B\n\nSecond part, a little longer.\n\n| x | y |\n|---|---|\n| 1 | 2 |\n"
    for context in ({"contextualize": True}, {"parent_size": 200}, {}):
        calls.clear()
        body = {"text": text, "strategy": "markdown", "chunk_size": 40, **context}
        response = client.post("/chunking", json=body)
        assert response.status_code == 200, response.get_json()
        # Pieces re-cut to make room for their context are read on their own.
        assert calls.count(len(text)) == 1, context
