"""Messages of a chat log: who spoke, when, and where each message is in the text.

A message starts at a line of one of these shapes (leading spaces allowed):

* ``Name: text``
* ``[time] Name: text``
* ``time - Name: text`` (also with an en or em dash)

where ``time`` is an ISO 8601 date or date-time (``2024-05-01``,
``2024-05-01 14:03``, ``2024-05-01T14:03:27+02:00``) or a clock time
``HH:MM`` or ``HH:MM:SS``, optionally followed by AM/PM. A name is one to
three words of letters, digits and ``.'’@-`` starting with a letter or digit
(each word capitalised when there are several and no timestamp, so that
``Here is the plan: ...`` stays text), and the colon after it must be
followed by a space or the line end (so ``https://`` and ``10:30`` are not
speakers). Every other line belongs to the message above it; text before the
first message is a preamble with no speaker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from app.core.chunkers.packing import Span, trim

_ISO = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:[ ]?[AaPp][Mm])?"
_TIME = rf"(?:{_ISO}|{_CLOCK})"
_NAME = r"[^\W_][\w.'’@-]*(?:[ ][\w.'’@-]+){0,2}"
# A message line: optional timestamp, name, colon. Every branch is bounded or
# followed by a character its repeated class excludes, so a 200,000-character
# line costs one linear attempt. Lines after the first are found by searching
# for "\n" plus the line, a literal first character the regex engine skips to
# directly, several times faster than trying "^" at every position.
_LINE = (
    rf"[ \t]*(?:\[(?P<bracketed>{_TIME})\][ \t]*|(?P<dashed>{_TIME})[ \t]+[-–—][ \t]+)?"
    rf"(?P<name>{_NAME}):(?=[ \t]|\r?$)"
)
_FIRST_HEADER = re.compile(_LINE, re.MULTILINE)
_NEXT_HEADER = re.compile(rf"\n(?P<line>{_LINE})", re.MULTILINE)
_CLOCK_PARTS = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[ ]?([AaPp])[Mm])?")
_DAY = 86_400


class Message(NamedTuple):
    """One message (or the preamble) of a chat log.

    Attributes:
        span: Trimmed span of the message with its continuation lines.
        speaker: The name before the colon; None for the preamble.
        time: The timestamp as written; None when the line has none.
    """

    span: Span
    speaker: str | None
    time: str | None


def _iso_seconds(stamp: str) -> float | None:
    try:
        moment = datetime.fromisoformat(stamp.replace(",", "."))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _clock_seconds(stamp: str) -> float | None:
    match = _CLOCK_PARTS.fullmatch(stamp)
    if match is None:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match[4] in "Pp" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return float(hour * 3600 + minute * 60 + second)


def pauses(messages: Sequence[Message]) -> list[float | None]:
    """The pause before each message, in seconds; None where it cannot be told.

    A pause is known between two consecutive messages whose timestamps are
    both valid and of the same kind (both dated, or both clock times).
    Clock times carry no date, so one earlier than the clock time before it
    is taken to be on the next day.

    Args:
        messages: The messages of one log, in order.

    Returns:
        One entry per message (None for the first).
    """
    out: list[float | None] = []
    day, last_clock = 0, -1.0
    previous: tuple[bool, float] | None = None
    for message in messages:
        stamp = message.time
        now: tuple[bool, float] | None = None
        if stamp is not None and stamp[4:5] == "-":
            iso = _iso_seconds(stamp)
            now = None if iso is None else (True, iso)
        elif stamp is not None:
            clock = _clock_seconds(stamp)
            if clock is not None:
                day += clock < last_clock
                last_clock = clock
                now = (False, clock + day * _DAY)
        if previous is not None and now is not None and previous[0] == now[0]:
            out.append(now[1] - previous[1])
        else:
            out.append(None)
        previous = now
    return out


def _headers(text: str) -> list[tuple[int, str, str | None]]:
    """Each message line's start, speaker and timestamp, in order."""
    found: list[tuple[int, str, str | None]] = []
    first = _FIRST_HEADER.match(text)
    for match in (first, *_NEXT_HEADER.finditer(text)):
        if match is None:
            continue
        name, bracketed, dashed = match.group("name", "bracketed", "dashed")
        stamp = bracketed or dashed
        # Several words before a colon and no timestamp read as a sentence
        # ("Here is the plan: ...") unless every word is capitalised.
        if stamp is None and " " in name and not all(w[0].isupper() for w in name.split(" ")):
            continue
        found.append((match.start() if match is first else match.start("line"), name, stamp))
    return found


def read_messages(text: str) -> list[Message]:
    """Find the messages of a chat log, with any preamble first.

    Args:
        text: The chat log.

    Returns:
        The non-empty messages in order; together they cover every
        non-whitespace character of ``text`` exactly once.
    """
    headers = _headers(text)
    messages: list[Message] = []
    preamble = trim(text, 0, headers[0][0] if headers else len(text))
    if preamble is not None:
        messages.append(Message(preamble, None, None))
    ends = [start for start, _, _ in headers[1:]] + [len(text)]
    for (start, name, stamp), end in zip(headers, ends, strict=False):
        span = trim(text, start, end)
        if span is not None:  # always: a header holds a name; narrows the type
            messages.append(Message(span, name, stamp))
    return messages
