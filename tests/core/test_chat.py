from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.chunkers import InvalidOptions
from app.core.chunkers.chat import ChatChunker
from app.core.chunkers.chatlog import pauses, read_messages
from tests.helpers import check_invariants

LOG = (
    "Export of #team\n"
    "[2024-05-01 09:00] Ana: Morning!\n"
    "[2024-05-01 09:01] Bo Li: Hi Ana,\n"
    "a second line from Bo\n"
    "[2024-05-01 11:30] Ana: Back after lunch.\n"
)


def speakers_of(text):
    return [(m.speaker, m.time) for m in read_messages(text)]


@pytest.mark.parametrize(
    ("line", "speaker", "time"),
    [
        ("Ana: hello", "Ana", None),
        ("  Ana Silva: hello", "Ana Silva", None),
        ("[10:32] Ana: hello", "Ana", "10:32"),
        ("[10:32:05] Ana: hello", "Ana", "10:32:05"),
        ("[2024-05-01T10:32:05+02:00] Ana: hello", "Ana", "2024-05-01T10:32:05+02:00"),
        ("2024-05-01 10:32 - Ana: hello", "Ana", "2024-05-01 10:32"),
        ("10:32 PM – bob_99: hello", "bob_99", "10:32 PM"),
        ("[09:15] the bot: hello", "the bot", "09:15"),
        ("Ana:", "Ana", None),
        ("李雷: 你好", "李雷", None),
    ],
)
def test_message_line_shapes(line, speaker, time):
    assert speakers_of(line) == [(speaker, time)]


@pytest.mark.parametrize(
    "line",
    [
        "See https://example.org: it works",
        "Meet at 10:30 tomorrow",
        ": no name",
        "Here is the plan: go",
        "A very long name here: x",
        "[10:32]Ana hello",
        "_hidden: no",
    ],
)
def test_lines_that_are_not_messages(line):
    assert speakers_of(line) == [(None, None)]


def test_continuation_lines_and_preamble():
    messages = read_messages(LOG)
    assert [(m.speaker, LOG[m.span.start : m.span.end]) for m in messages] == [
        (None, "Export of #team"),
        ("Ana", "[2024-05-01 09:00] Ana: Morning!"),
        ("Bo Li", "[2024-05-01 09:01] Bo Li: Hi Ana,\na second line from Bo"),
        ("Ana", "[2024-05-01 11:30] Ana: Back after lunch."),
    ]


def test_messages_packed_with_metadata():
    chunks = ChatChunker(chunk_size=1000).chunk(LOG)
    assert len(chunks) == 1
    assert dict(chunks[0].meta) == {
        "speakers": ["Ana", "Bo Li"],
        "messages": 3,
        "first_time": "2024-05-01 09:00",
        "last_time": "2024-05-01 11:30",
    }


def test_time_gap_starts_a_new_chunk_after_a_long_pause():
    chunks = ChatChunker(time_gap=600).chunk(LOG)
    assert [c.meta["last_time"] for c in chunks] == ["2024-05-01 09:01", "2024-05-01 11:30"]
    assert chunks[1].text == "[2024-05-01 11:30] Ana: Back after lunch."


def test_time_gap_equal_to_the_pause_does_not_break():
    assert len(ChatChunker(time_gap=60).chunk("[10:00] A: x\n[10:01] B: y")) == 1
    assert len(ChatChunker(time_gap=59).chunk("[10:00] A: x\n[10:01] B: y")) == 2


def test_clock_times_roll_over_midnight_and_understand_am_pm():
    log = "[11:50 PM] A: late\n[00:05] B: early\n[00:06] A: x\n[09:00] B: morning"
    assert pauses(read_messages(log)) == [None, 900.0, 60.0, 8 * 3600 + 54 * 60]


def test_pauses_are_unknown_between_kinds_or_missing_or_invalid_times():
    log = "[2024-05-01 10:00] A: x\n[10:05] B: y\nC: z\n[25:99] D: w\n[2024-02-30 10:00] E: v"
    assert pauses(read_messages(log)) == [None, None, None, None, None]


def test_max_messages_caps_messages_not_the_preamble():
    chunks = ChatChunker(max_messages=2).chunk(LOG)
    assert [c.meta["messages"] for c in chunks] == [2, 1]
    assert chunks[0].text.startswith("Export of #team")


def test_unpacked_gives_one_message_per_chunk():
    chunks = ChatChunker(pack=False).chunk(LOG)
    assert [c.meta["speakers"] for c in chunks] == [[], ["Ana"], ["Bo Li"], ["Ana"]]
    assert chunks[0].meta["first_time"] is None


def test_message_is_split_only_when_it_alone_exceeds_chunk_size():
    log = "A: short\nB: " + "word " * 30 + "\nC: end"
    chunks = ChatChunker(chunk_size=40).chunk(log)
    assert chunks[0].text == "A: short"
    assert chunks[-1].text == "C: end"
    assert all(len(c.text) <= 40 and c.meta["speakers"] == ["B"] for c in chunks[1:-1])


def test_overlap_repeats_whole_messages_but_not_across_a_pause():
    log = "[10:00] A: aa\n[10:01] B: bb\n[10:02] C: cc\n[12:00] D: dd"
    chunks = ChatChunker(chunk_size=30, chunk_overlap=14, time_gap=3600).chunk(log)
    assert [c.text for c in chunks] == [
        "[10:00] A: aa\n[10:01] B: bb",
        "[10:01] B: bb\n[10:02] C: cc",
        "[12:00] D: dd",
    ]


def test_words_unit():
    chunks = ChatChunker(chunk_size=5, unit="words").chunk("A: one two\nB: three\nC: four five")
    assert [c.text for c in chunks] == ["A: one two\nB: three", "C: four five"]


def test_text_without_messages_is_a_preamble_chunked_recursively():
    chunks = ChatChunker(chunk_size=13).chunk("No chat here.\n\nJust prose.")
    assert [(c.text, c.meta["messages"], c.meta["speakers"]) for c in chunks] == [
        ("No chat here.", 0, []),
        ("Just prose.", 0, []),
    ]


@pytest.mark.parametrize("text", ["", "  \n "])
def test_blank_text_gives_no_chunks(text):
    assert ChatChunker().chunk(text) == []


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"time_gap": -1}, "time_gap"),
        ({"time_gap": "60"}, "time_gap"),
        ({"time_gap": True}, "time_gap"),
        ({"max_messages": 0}, "max_messages"),
        ({"max_messages": 2.5}, "max_messages"),
        ({"pack": 1}, "pack"),
    ],
)
def test_invalid_options_name_the_field(options, field):
    with pytest.raises(InvalidOptions) as info:
        ChatChunker(**options)
    assert info.value.field == field


CHAT_LINES = st.sampled_from(
    [
        "Ana: hello there",
        "[10:00] Bo: yes",
        "[23:59] Bo: late",
        "[2024-05-01 09:00:00] Cy Dee: morning",
        "09:30 - Ana: ok",
        "continuation line",
        "",
        "Here is the plan: words",
        ":",
        "Ünï: 🌍 é",
    ]
)


@given(
    lines=st.lists(CHAT_LINES, max_size=40),
    size=st.integers(1, 80),
    overlap=st.integers(0, 40),
    gap=st.one_of(st.none(), st.floats(0, 10_000)),
    cap=st.one_of(st.none(), st.integers(1, 5)),
    pack=st.booleans(),
)
def test_chat_invariants_on_chat_like_text(lines, size, overlap, gap, cap, pack):
    text = "\n".join(lines)
    options = {
        "chunk_size": size,
        "chunk_overlap": min(overlap, size - 1),
        "time_gap": gap,
        "max_messages": cap,
        "pack": pack,
    }
    chunks = ChatChunker(**options).chunk(text)
    check_invariants("chat", text, chunks, options)
    for c in chunks:
        assert c.meta["messages"] >= len(c.meta["speakers"])
        if cap is not None:
            assert c.meta["messages"] <= cap
