"""The sentence-boundary evaluation set in ``benchmarks/data/sentences/``.

Each case is a short text with its expected sentences, a genre and a source.
The set is split once, by a hash of each case's text, into a development half
(for choosing rules and word lists) and a test half (for reporting only); the
split depends on nothing else, so adding a case never moves another one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data" / "sentences"
FILES = ("own.txt", "real.txt")
#: Marks an expected sentence break in the data files.
BREAK = "\u27c2"


@dataclass(frozen=True, slots=True)
class Case:
    """One text and the sentences a careful reader finds in it."""

    text: str
    sentences: tuple[str, ...]
    genre: str
    source: str
    licence: str

    @property
    def half(self) -> str:
        """``"dev"`` or ``"test"``, from the first bits of the text's SHA-256."""
        digest = hashlib.sha256(self.text.encode("utf-8")).digest()
        return "dev" if digest[0] % 2 == 0 else "test"


def _header(line: str) -> dict[str, str]:
    """Parse ``@ genre=... source=... licence=...`` (the licence runs to the end)."""
    body = line[1:].strip()
    fields: dict[str, str] = {}
    rest = body
    for key in ("genre", "source", "licence"):
        head, _, rest = rest.partition(f"{key}=")
        if fields:
            fields[list(fields)[-1]] = head.strip()
        fields[key] = ""
    fields["licence"] = rest.strip()
    return fields


def _case(raw: str, fields: dict[str, str]) -> Case:
    pieces = [piece.strip() for piece in raw.split(BREAK)]
    return Case(
        text=raw.replace(BREAK, "").rstrip("\n"),
        sentences=tuple(piece for piece in pieces if piece),
        genre=fields["genre"],
        source=fields["source"],
        licence=fields["licence"],
    )


def load(path: Path) -> list[Case]:
    """Read one data file: ``#`` comments, ``@`` headers, cases between ``---`` lines."""
    cases: list[Case] = []
    fields: dict[str, str] | None = None
    lines: list[str] = []

    def flush() -> None:
        if fields is not None and "".join(lines).strip():
            cases.append(_case("\n".join(lines), fields))
        lines.clear()

    for line in path.read_text(encoding="utf-8").split("\n"):
        if fields is None and line.startswith("#"):
            continue
        if line.startswith("@ "):
            flush()
            fields = _header(line)
        elif line == "---":
            flush()
        else:
            lines.append(line)
    flush()
    return cases


def all_cases() -> list[Case]:
    """Every case of every data file, in file order."""
    return [case for name in FILES for case in load(DATA / name)]


def half(name: str) -> list[Case]:
    """The cases of one half, ``"dev"`` or ``"test"``."""
    if name not in ("dev", "test"):
        raise ValueError("half must be 'dev' or 'test'")
    return [case for case in all_cases() if case.half == name]
