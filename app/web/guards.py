"""The limits every endpoint enforces, each written once.

A request is refused before any work when its text is too long
(``MAX_TEXT_CHARS``), its batch too big (``MAX_BATCH_TEXTS``), or its
``chunk_size`` too small for the text to fit the chunk limit; after the work
when it gave more chunks than the limit after all. The pre-check costs a
division in the usual case: a text cannot hold more content than its length,
so the text is scanned only when even that crude bound is over the limit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from app.core import tokenizers
from app.core.chunkers.base import Chunker, SizeBound, Unit
from app.core.context import ContextOptions, InContext, chunk_in_context
from app.core.structure import Structure
from app.ops.tracing import stage
from app.web.errors import PayloadTooLarge, TooManyChunks


class SizeBounded(Protocol):
    """Options that cap a chunk's size: every strategy, and /semantic-chunking's options."""

    @property
    def unit(self) -> Unit:
        """What sizes count."""
        ...

    def max_size(self) -> SizeBound | None:
        """The option capping a chunk's size and its value, or None when nothing caps it."""
        ...

    def content(self, text: str) -> str:
        """The part of ``text`` that sizes count."""
        ...


def check_text(text: str, config: Mapping[str, Any]) -> None:
    """Refuse a text over the configured length.

    Raises:
        PayloadTooLarge: Naming ``text`` and the limit.
    """
    limit = config["MAX_TEXT_CHARS"]
    if len(text) > limit:
        raise PayloadTooLarge(f"text has {len(text)} characters; the limit is {limit}", "text")


def check_texts(texts: Sequence[str], config: Mapping[str, Any]) -> None:
    """Refuse a batch over its limits: a batch costs no more than the largest single text.

    Args:
        texts: The batch's texts.
        config: The app's settings (``MAX_BATCH_TEXTS``, ``MAX_TEXT_CHARS``).

    Raises:
        PayloadTooLarge: Naming ``texts`` for too many texts or too many
            characters in all, or ``texts[i]`` for one text over the limit.
    """
    most, limit = config["MAX_BATCH_TEXTS"], config["MAX_TEXT_CHARS"]
    if len(texts) > most:
        raise PayloadTooLarge(f"texts has {len(texts)} items; the limit is {most}", "texts")
    for index, text in enumerate(texts):
        if len(text) > limit:
            field = f"texts[{index}]"
            raise PayloadTooLarge(f"{field} has {len(text)} characters; the limit is {limit}", field)
    total = sum(len(text) for text in texts)
    if total > limit:
        raise PayloadTooLarge(f"texts have {total} characters in all; the limit is {limit}", "texts")


def check_chunk_bound(texts: Sequence[str], options: SizeBounded, limit: int) -> None:
    """Refuse texts whose smallest possible chunk count is over ``limit``, before chunking.

    Every chunk holds at most the size bound of the texts' content, so the
    content's size divided by the bound is a lower bound of the count. The
    content is never larger than the text, so the texts are measured (and
    markup parsed) only when their plain length could be over the limit.

    Args:
        texts: One text, or a batch's texts (their counts add up).
        options: The strategy, or /semantic-chunking's options.
        limit: The most chunks allowed.

    Raises:
        TooManyChunks: Naming the option that caps the size.
    """
    bound = options.max_size()
    if bound is None or sum(-(-len(text) // bound.size) for text in texts) <= limit:
        return
    tokenizer = getattr(options, "tokenizer", None)
    least = sum(_least(options.content(text), options.unit, bound.size, tokenizer) for text in texts)
    if least > limit:
        raise TooManyChunks(
            f"{bound.option} {bound.size} would give at least {least} chunks; the limit is {limit}",
            bound.option,
        )


def _least(text: str, unit: Unit, size: int, tokenizer: str | None = None) -> int:
    if unit == "tokens":
        # A built-in encoding never joins two words in one token, so words bound
        # tokens from below; a Hugging Face tokenizer promises no such thing.
        content = len(text.split()) if tokenizer in tokenizers.BUILTINS else 0
    else:
        content = len(text.split()) if unit == "words" else len("".join(text.split()))
    return -(-content // size)


def check_count(count: int, limit: int, *, what: str = "chunks", field: str = "chunk_size") -> None:
    """Refuse one text's result with more than ``limit`` chunks (or units).

    Raises:
        TooManyChunks: Naming ``field``.
    """
    if count > limit:
        raise TooManyChunks(f"the text gives {count} {what}; the limit is {limit}", field)


def check_total(total: int, limit: int, *, what: str = "chunks", field: str = "chunk_size") -> None:
    """Refuse a batch whose texts have given more than ``limit`` chunks (or units) so far.

    Raises:
        TooManyChunks: Naming ``field``.
    """
    if total > limit:
        raise TooManyChunks(f"the texts give over {limit} {what} in all, the limit", field)


def context_within(
    chunker: Chunker,
    name: str,
    text: str,
    limit: int,
    context: ContextOptions,
    structure: Structure | None,
) -> InContext:
    """Chunk one text with a strategy and the context asked for, refusing more than ``limit`` chunks.

    Raises:
        TooManyChunks: Before the work when ``chunk_size`` is too small for
            the text, or after it when the text gave too many chunks.
        InvalidOptions: A ``parent_size`` not above the size bound, or a bound
            with no room for a chunk beside its context.
    """
    check_chunk_bound((text,), chunker, limit)
    with stage("split", strategy=name):
        result = chunk_in_context(chunker, text, context, structure)
    check_count(len(result.chunks), limit)
    return result
