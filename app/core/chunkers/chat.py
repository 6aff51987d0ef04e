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

from collections.abc import Sequence
from dataclasses import dataclass

from app.core.chunkers.base import SizeOptions, option
from app.core.chunkers.chatlog import Message, pauses, read_messages
from app.core.chunkers.units import pack_unit_spans
from app.core.types import Chunk, MetaValue


@dataclass(frozen=True, slots=True)
class _Rules:
    """What may share a chunk, size aside.

    Attributes:
        pack: False for one unit per chunk.
        cap: Most messages per chunk (the preamble, unit 0 when
            ``preamble``, is not a message).
        preamble: Whether unit 0 is text before the first message.
        pauses: For each unit, whether it must start a new chunk.
    """

    pack: bool
    cap: int
    preamble: bool
    pauses: Sequence[bool]

    def joins(self, first: int, i: int) -> bool:
        """Whether unit ``i`` may join the chunk that starts at unit ``first``, size aside."""
        messages = i - first + 1 - (first == 0 and self.preamble)
        return self.pack and not self.pauses[i] and messages <= self.cap


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
            pack=self.pack,
            cap=self.max_messages or len(messages),
            preamble=preamble,
            pauses=self._pauses(messages),
        )
        units = [m.span for m in messages]
        return [
            Chunk.from_span(text, p.start, p.end, _describe(messages[p.first : p.last + 1]))
            for p in pack_unit_spans(text, units, self, self.pack, joins=rules.joins)
        ]

    def _pauses(self, messages: Sequence[Message]) -> list[bool]:
        """For each message, whether a pause longer than ``time_gap`` precedes it."""
        gap = self.time_gap
        if gap is None:
            return [False] * len(messages)
        return [pause is not None and pause > gap for pause in pauses(messages)]
