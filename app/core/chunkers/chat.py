"""Chat logs: whole messages packed up to ``chunk_size``, new chunks after long pauses.

Messages are found by :mod:`app.core.chunkers.chatlog` (``Name: text``,
``[time] Name: text``, ``time - Name: text``; other lines belong to the
message above). A chunk holds one or more whole messages; a message is split
(by the recursive rules) only when it alone exceeds ``chunk_size``.
``time_gap`` starts a new chunk when the pause between two consecutive
timestamped messages is longer than that many seconds, and ``max_messages``
caps the messages per chunk. Overlap repeats whole trailing messages, never
across a pause longer than ``time_gap``.

Each chunk's metadata has ``speakers`` (in order of first appearance),
``messages`` (how many messages it holds, the preamble not counted), and
``first_time`` / ``last_time``, the first and last timestamps as written
(null when its messages have none). A text with no message lines is one
preamble, chunked by the recursive rules, with no speakers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.core.chunkers.base import SizeOptions, option
from app.core.chunkers.chatlog import Message, pauses, read_messages
from app.core.chunkers.packing import Packed, Sizer, Span
from app.core.chunkers.recursive import fit_packed, split_recursive
from app.core.types import Chunk, MetaValue


def _run_sizes(units: Sequence[Span], sizer: Sizer) -> Callable[[int, int], int]:
    """Size of the units ``first`` to ``last`` joined, in O(1) per call."""
    if sizer.unit == "chars":
        return lambda first, last: units[last].end - units[first].start
    if sizer.unit == "tokens":
        # Token counts are not additive; the sizer measures a run as one span.
        return lambda first, last: sizer.size(units[first].start, units[last].end)
    prefix = [0]
    for start, end in units:
        prefix.append(prefix[-1] + sizer.size(start, end))
    # Units meet at whitespace, so the words of a run are the sum of its units'.
    return lambda first, last: prefix[last + 1] - prefix[first]


@dataclass(frozen=True, slots=True)
class _Rules:
    """What may share a chunk.

    Attributes:
        sizer: Measures runs of units; its limit is the hard maximum.
        overlap: Size of whole trailing messages a chunk repeats.
        pack: False for one unit per chunk.
        cap: Most messages per chunk (the preamble, unit 0 when
            ``preamble``, is not a message).
        preamble: Whether unit 0 is text before the first message.
        pauses: For each unit, whether it must start a new chunk.
    """

    sizer: Sizer
    overlap: int
    pack: bool
    cap: int
    preamble: bool
    pauses: Sequence[bool]

    def joins(self, first: int, i: int) -> bool:
        """Whether unit ``i`` may join the chunk that starts at unit ``first``, size aside."""
        messages = i - first + 1 - (first == 0 and self.preamble)
        return self.pack and not self.pauses[i] and messages <= self.cap


def _pack(units: Sequence[Span], rules: _Rules) -> list[Packed]:
    """Greedy packing like :func:`app.core.chunkers.packing.pack_spans`, with a message cap and pauses."""
    size = _run_sizes(units, rules.sizer)
    limit = rules.sizer.limit
    out: list[Packed] = []
    first = -1
    for i, (start, end) in enumerate(units):
        if first >= 0 and rules.joins(first, i) and size(first, i) <= limit:
            continue
        if first >= 0:
            out.append(Packed(units[first].start, units[i - 1].end, first, i - 1))
            carried = i
            if rules.overlap and rules.pack and not rules.pauses[i]:
                # Overlap never reaches back to the previous chunk's first unit,
                # so chunk starts strictly increase.
                while carried - 1 > first and size(carried - 1, i - 1) <= rules.overlap:
                    carried -= 1
                while carried < i and (size(carried, i) > limit or not rules.joins(carried, i)):
                    carried += 1
            first = carried
        if size(i, i) > limit:
            pieces = split_recursive(rules.sizer, start, end, rules.overlap)
            out.extend(Packed(s, e, i, i) for s, e in pieces)
            first = -1
        elif first < 0:
            first = i
    if first >= 0:
        out.append(Packed(units[first].start, units[-1].end, first, len(units) - 1))
    return out


def _describe(messages: Sequence[Message]) -> dict[str, MetaValue]:
    speakers: list[MetaValue] = list(dict.fromkeys(m.speaker for m in messages if m.speaker is not None))
    times = [m.time for m in messages if m.time is not None]
    return {
        "speakers": speakers,
        "messages": sum(1 for m in messages if m.speaker is not None),
        "first_time": times[0] if times else None,
        "last_time": times[-1] if times else None,
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatChunker(SizeOptions):
    """Whole chat messages packed greedily up to ``chunk_size``, breaking at long pauses."""

    pack: bool = option(True, doc="Pack several messages per chunk; false gives one message per chunk.")
    time_gap: float | None = option(
        None,
        ge=0,
        doc="Start a new chunk after a pause longer than this many seconds between two "
        "timestamped messages; null ignores pauses.",
    )
    max_messages: int | None = option(None, ge=1, doc="Most messages in one chunk; null for no limit.")

    def chunk(self, text: str) -> list[Chunk]:
        """Split a chat log into chunks of whole messages with speaker and time metadata."""
        messages = read_messages(text)
        preamble = bool(messages) and messages[0].speaker is None
        rules = _Rules(
            sizer=Sizer(text, self.unit, self.chunk_size, self.tokenizer),
            overlap=self.chunk_overlap,
            pack=self.pack,
            cap=self.max_messages or len(messages),
            preamble=preamble,
            pauses=self._pauses(messages),
        )
        return [
            Chunk.from_span(text, p.start, p.end, _describe(messages[p.first : p.last + 1]))
            for p in fit_packed(rules.sizer, _pack([m.span for m in messages], rules), rules.overlap)
        ]

    def _pauses(self, messages: Sequence[Message]) -> list[bool]:
        """For each message, whether a pause longer than ``time_gap`` precedes it."""
        gap = self.time_gap
        if gap is None:
            return [False] * len(messages)
        return [pause is not None and pause > gap for pause in pauses(messages)]
