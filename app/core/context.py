"""Context for every chunk: heading paths, contextualised text, table headers, parents and windows.

Any strategy's chunks can carry what a reader of the whole document knew,
without copying text: every addition is metadata, and a chunk stays
``text[start:end]``.

* ``headings``: from the document's :class:`~app.core.structure.Structure`
  (Markdown, HTML, a PDF outline), read once for the whole text, so that a
  chunk cut inside a parent or cut again gets the path of where it is.
* ``table_header``: for a chunk starting among a table's rows, the header it
  was cut away from.
* ``contextualize``: ``context`` (the heading path on one line) and
  ``contextualized`` (context, a blank line, the table header if any, then
  the chunk). The size bound then holds for ``contextualized``: a chunk that
  does not fit with its context is cut again, by the same strategy, with the
  room the context takes.
* ``parent_size``: parents are cut by the same strategy at ``parent_size``,
  without overlap; the chunks are cut inside each parent, so none crosses a
  parent's boundary, and each says which ``parent`` holds it.
* ``neighbours``: ``window_start`` and ``window_end``, the span of the ``n``
  chunks before a chunk through the ``n`` after it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from app.core.chunkers.base import (
    MAX_CHUNK_SIZE,
    MIN_TOKEN_CHUNK_SIZE,
    Chunker,
    InvalidOptions,
    check_options,
    measure,
    option,
)
from app.core.documents import Extraction
from app.core.documents.detect import text_format
from app.core.structure import (
    Structure,
    context_line,
    has_pipe_table,
    html_structure,
    markdown_structure,
    outline_structure,
)
from app.core.types import Chunk, MetaValue

# An HTML table's start tag, in any case: searched for, not found in a lowered copy of the text.
_TABLE_TAG = re.compile("<table", re.IGNORECASE)

#: Most neighbours a window reaches on each side.
MAX_NEIGHBOURS = 100
# A chunk re-cut to make room for its context is cut again at most this many
# times: each cut leaves more room than the context it found, so it ends long
# before (a byte-level tokenizer can merge across the join by a token or two).
_MAX_RECUTS = 4


@dataclass(frozen=True, slots=True, kw_only=True)
class ContextOptions:
    """Options that add context to any strategy's chunks."""

    contextualize: bool = option(
        False,
        doc="Add context (the heading path) and contextualized (context, blank line, chunk) to each "
        "chunk's metadata; the size bound then holds for contextualized.",
    )
    parent_size: int | None = option(
        None,
        ge=1,
        le=MAX_CHUNK_SIZE,
        doc="Also cut parents at this size with the same strategy; chunks are cut inside them and "
        "name their parent. It must be larger than chunk_size.",
    )
    neighbours: int = option(
        0,
        ge=0,
        le=MAX_NEIGHBOURS,
        doc="Give each chunk window_start and window_end: the span of the n chunks before it "
        "through the n after.",
    )

    def __post_init__(self) -> None:
        """Check types and bounds."""
        check_options(self)

    @property
    def active(self) -> bool:
        """Whether any option asks for more than the strategy's own chunks."""
        return self.contextualize or self.parent_size is not None or self.neighbours > 0

    def params(self) -> dict[str, object]:
        """The effective options, as a response's ``params`` reports them."""
        return {
            "contextualize": self.contextualize,
            "parent_size": self.parent_size,
            "neighbours": self.neighbours,
        }


#: The names of the context options, as requests spell them.
CONTEXT_FIELDS = tuple(f.name for f in dataclasses.fields(ContextOptions))

#: Builds the request's strategy with another size bound (and overlap).
Remake = Callable[[int, int], Chunker]

NO_CONTEXT = ContextOptions()


def remake_of(chunker: Chunker) -> Remake:
    """The strategy of ``chunker`` with its size bound and overlap replaced."""
    bound = chunker.max_size().option

    def remake(size: int, overlap: int) -> Chunker:
        changes: dict[str, int] = {bound: size}
        if hasattr(chunker, "chunk_overlap"):
            changes["chunk_overlap"] = overlap
        least = getattr(chunker, "min_chunk_size", None)
        if isinstance(least, int) and least > size:
            # A smaller cut has a smaller floor: the floor may not exceed the bound.
            changes["min_chunk_size"] = size
        return dataclasses.replace(chunker, **changes)  # type: ignore[type-var]

    return remake


def structure_for(
    strategy: str, text: str, options: ContextOptions, document: Extraction | None = None
) -> Structure | None:
    """The structure a request's chunks take their headings and table headers from, if any.

    The ``markdown`` and ``html`` strategies read their own kind of markup;
    a table's header is looked for even when no context was asked for. When
    context is asked for, other strategies take a document's outline (a PDF's
    bookmarks), or the structure of a DOCX's Markdown or of a text that reads
    as Markdown or HTML.

    Args:
        strategy: The strategy's API name.
        text: The text to chunk.
        options: The context options (a structure is only read when one is
            active, or for a document, or for a table's header).
        document: The uploaded document the text came from, if any.
    """
    if strategy == "markdown":
        return markdown_structure(text) if options.active or has_pipe_table(text) else None
    if strategy == "html":
        return html_structure(text) if options.active or _TABLE_TAG.search(text) else None
    if not options.active:
        # Without context asked for, a document's chunks are those of its
        # extracted text sent as JSON, whatever the document holds besides.
        return None
    if document is not None and document.outline:
        return outline_structure(document.outline)
    fmt = document.format if document is not None else text_format(text)
    if fmt in ("markdown", "docx"):
        return markdown_structure(text)
    if fmt == "html":
        return html_structure(text)
    return None


@dataclass(frozen=True, slots=True)
class InContext:
    """Chunks with their context, and the parents when ``parent_size`` asked for them.

    Attributes:
        chunks: The chunks, in document order, with the added metadata.
        parents: The parents' chunks (``None`` without ``parent_size``).
    """

    chunks: list[Chunk]
    parents: list[Chunk] | None


def check_parent_size(options: ContextOptions, chunker: Chunker) -> None:
    """Refuse a ``parent_size`` that is not larger than the chunks' own bound.

    Raises:
        InvalidOptions: Naming ``parent_size``.
    """
    bound = chunker.max_size()
    if options.parent_size is not None and options.parent_size <= bound.size:
        raise InvalidOptions("parent_size", f"parent_size must be larger than {bound.option}")


def chunk_in_context(
    chunker: Chunker, text: str, options: ContextOptions, structure: Structure | None
) -> InContext:
    """Chunk ``text`` with ``chunker`` and add what ``options`` ask for.

    Args:
        chunker: The request's strategy.
        text: The text.
        options: What to add.
        structure: The text's headings and tables, when it has any.

    Returns:
        The chunks and, with ``parent_size``, the parents.

    Raises:
        InvalidOptions: A ``parent_size`` not above the bound, or a bound too
            small for a chunk's heading path.
    """
    check_parent_size(options, chunker)
    remake = remake_of(chunker)
    parents: list[Chunk] | None = None
    if options.parent_size is None:
        chunks = chunker.chunk_with(text, structure)
    else:
        parents = remake(options.parent_size, 0).chunk_with(text, structure)
        chunks = [c for i, p in enumerate(parents) for c in _inside(chunker, text, p, {"parent": i})]
    if structure is not None:
        chunks = [_with_structure(c, structure) for c in chunks]
    if options.contextualize:
        chunks = _in_order(_fit_context(chunks, chunker, remake, text, structure))
    if options.neighbours:
        chunks = _windows(chunks, options.neighbours)
    return InContext(chunks, parents)


def add_context(chunks: list[Chunk], options: ContextOptions, structure: Structure | None) -> list[Chunk]:
    """Headings, table headers, context and windows for chunks already cut to fit their context.

    Used where the chunks cannot be re-cut (``/semantic-chunking``'s groups):
    the caller leaves room for the longest context (:func:`context_room`).
    """
    if structure is not None:
        chunks = [_with_structure(c, structure) for c in chunks]
    if options.contextualize:
        chunks = [_contextualized(c) for c in chunks]
    if options.neighbours:
        chunks = _windows(chunks, options.neighbours)
    return chunks


def context_room(structure: Structure | None, unit: str, tokenizer: str | None) -> int:
    """The most any chunk's context can add to its size: the longest heading path and table header."""
    if structure is None:
        return 0
    lines = {context_line(p) for p in structure.paths() if p}
    paths = [measure(line + "\n\n", unit, tokenizer) for line in lines]  # type: ignore[arg-type]
    headers = [measure(h + "\n", unit, tokenizer) for h in set(structure.table_headers())]  # type: ignore[arg-type]
    return max(paths, default=0) + max(headers, default=0)


def _inside(chunker: Chunker, text: str, outer: Chunk, extra: Mapping[str, MetaValue]) -> list[Chunk]:
    """``chunker``'s chunks of ``outer``'s span, with offsets into ``text``."""
    shift = outer.start
    out = []
    for c in chunker.chunk(text[outer.start : outer.end]):
        meta = dict(c.meta)
        # Numbers that count from the start of the text count from the span's here.
        for key in ("page", "last_page"):
            if isinstance(meta.get(key), int) and isinstance(outer.meta.get("page"), int):
                meta[key] = meta[key] + outer.meta["page"] - 1  # type: ignore[operator]
        meta.update(extra)
        out.append(Chunk(c.text, c.start + shift, c.end + shift, MappingProxyType(meta)))
    return out


def _with_structure(chunk: Chunk, structure: Structure) -> Chunk:
    meta: dict[str, MetaValue] = dict(chunk.meta)
    meta["headings"] = list[MetaValue](structure.headings(chunk.start, chunk.end))
    header = structure.table_header(chunk.start)
    if header is not None:
        meta["table_header"] = header
    else:
        meta.pop("table_header", None)
    return Chunk(chunk.text, chunk.start, chunk.end, MappingProxyType(meta))


def _prefix(chunk: Chunk) -> str:
    """What ``contextualized`` puts before the chunk: the context line, then the table header."""
    parts = []
    headings = chunk.meta.get("headings")
    if isinstance(headings, list | tuple) and headings:
        parts.append(context_line(headings) + "\n\n")
    header = chunk.meta.get("table_header")
    if isinstance(header, str):
        parts.append(header + "\n")
    return "".join(parts)


def _contextualized(chunk: Chunk) -> Chunk:
    headings = chunk.meta.get("headings")
    if not isinstance(headings, list | tuple):
        headings = []
    meta = {
        **chunk.meta,
        "headings": headings,
        "context": context_line(headings),
        "contextualized": _prefix(chunk) + chunk.text,
    }
    return Chunk(chunk.text, chunk.start, chunk.end, MappingProxyType(meta))


def _fit_context(
    chunks: list[Chunk], chunker: Chunker, remake: Remake, text: str, structure: Structure | None
) -> list[Chunk]:
    """The chunks with their context; where chunk and context exceed the bound, cut again.

    A run of neighbouring chunks that do not fit and share their context (the
    rows of a long table, say) is cut again as one span, so the pieces are
    packed as fully as the room beside that context allows.
    """
    bound = chunker.max_size()
    unit = chunker.unit
    tokenizer = getattr(chunker, "tokenizer", None)
    overlap = int(getattr(chunker, "chunk_overlap", 0) or 0)
    # The smallest bound a strategy takes: one character can take four tokens.
    least = MIN_TOKEN_CHUNK_SIZE if unit == "tokens" else 1

    def size(piece: Chunk, prefix: bool = True) -> int:
        return measure(_prefix(piece) + (piece.text if prefix else ""), unit, tokenizer)

    pieces, done = chunks, []
    for attempt in range(_MAX_RECUTS + 1):
        runs: list[list[Chunk]] = []
        joins = False  # whether the previous piece began or continued a run
        for piece in pieces:
            if size(piece) <= bound.size:
                done.append(piece)
                joins = False
            elif joins and _same_place(runs[-1][-1], piece):
                runs[-1].append(piece)
            else:
                runs.append([piece])
                joins = True
        if not runs:
            break
        pieces = []
        for run in runs:
            # Sizes in characters and words add up across the join; tokens can
            # merge there, so each new attempt in tokens leaves one more.
            slack = attempt if unit == "tokens" else 0
            room = bound.size - max(size(p, prefix=False) for p in run) - slack
            if room < least or attempt == _MAX_RECUTS:
                first = run[0]
                raise InvalidOptions(
                    bound.option,
                    f"{bound.option} {bound.size} leaves no room for the chunk at offset {first.start} "
                    f"beside its context {_prefix(first).strip()!r}; raise {bound.option} or leave "
                    "contextualize out",
                )
            span = Chunk(text[run[0].start : run[-1].end], run[0].start, run[-1].end, run[0].meta)
            keep = {k: v for k, v in span.meta.items() if k == "parent"}
            recut = _inside(remake(room, overlap if overlap < room else 0), text, span, keep)
            pieces.extend(_with_structure(c, structure) if structure else _inherit(c, span) for c in recut)
    return [_contextualized(c) for c in done]


def _same_place(previous: Chunk, piece: Chunk) -> bool:
    """Whether two neighbouring chunks share their parent and their context, so one room fits both."""
    return previous.meta.get("parent") == piece.meta.get("parent") and _prefix(previous) == _prefix(piece)


def _inherit(chunk: Chunk, outer: Chunk) -> Chunk:
    # Without a structure, a piece's headings are those of the chunk it was cut from.
    meta: dict[str, Any] = dict(chunk.meta)
    if "headings" in outer.meta:
        meta["headings"] = outer.meta["headings"]
    return Chunk(chunk.text, chunk.start, chunk.end, MappingProxyType(meta))


def _in_order(chunks: list[Chunk]) -> list[Chunk]:
    """Chunks by start, without those another chunk holds whole.

    With overlap, the pieces of a re-cut chunk can reach into the next chunk,
    which holds them whole already.
    """
    out: list[Chunk] = []
    for c in sorted(chunks, key=lambda c: (c.start, -c.end)):
        if out and c.end <= out[-1].end:
            continue
        out.append(c)
    return out


def _windows(chunks: list[Chunk], n: int) -> list[Chunk]:
    last = len(chunks) - 1
    out = []
    for i, c in enumerate(chunks):
        first, final = chunks[max(i - n, 0)], chunks[min(i + n, last)]
        meta = {**c.meta, "window_start": min(first.start, c.start), "window_end": max(final.end, c.end)}
        out.append(Chunk(c.text, c.start, c.end, MappingProxyType(meta)))
    return out
