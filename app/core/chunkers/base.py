"""What every strategy shares: the :class:`Chunker` contract, option declarations and sizing.

A strategy is a frozen dataclass subclassing :class:`Chunker`, whose fields
are its options. Each field is declared with :func:`option`, which records the
default, the bounds and a one-line description; the HTTP layer turns the same
declarations into request models and the OpenAPI description, so the
documented bounds are the enforced ones. Options that contradict each other
when out of order are listed once, in :data:`ORDERS`.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal, NamedTuple, TypeVar

from app.core import tokenizers
from app.core.types import Chunk

if TYPE_CHECKING:
    from app.core.structure import Structure

T = TypeVar("T")

Unit = Literal["chars", "words", "tokens"]

# Largest chunk size anyone could mean; it only guards against absurd numbers.
MAX_CHUNK_SIZE = 10_000_000

# Smallest size bound in tokens: a byte-level tokenizer may spend a token on
# each of the up to four UTF-8 bytes of one character, and a chunk holds at
# least one character.
MIN_TOKEN_CHUNK_SIZE = 4


class InvalidOptions(ValueError):
    """A strategy option is out of range or conflicts with another option.

    Attributes:
        field: Name of the option at fault.
    """

    def __init__(self, field: str, message: str) -> None:
        """Record the field name and a sentence saying what is wrong."""
        super().__init__(message)
        self.field = field
        self.message = message


class SizeBound(NamedTuple):
    """The option that caps a chunk's size, and its value (in the strategy's ``unit``)."""

    option: str
    size: int


class Chunker(ABC):
    """What every strategy is, and what the web layer may ask of one.

    A strategy is a frozen dataclass of options that subclasses this class;
    everything a caller needs besides :meth:`chunk` is declared here, so no
    caller has to probe a strategy for attributes it may not have.

    Attributes:
        REPORTED_IN_PARAMS: Metadata keys whose values depend on the text
            rather than on the options (topic's fallback to recursive
            splitting); ``params`` lists the values the chunks carry.
        unit: What sizes count: ``chars`` (code points) or ``words``.
        chunk_size: The hard maximum size of a chunk, in ``unit``.
    """

    __slots__ = ()

    REPORTED_IN_PARAMS: ClassVar[tuple[str, ...]] = ()

    unit: Unit
    chunk_size: int

    @abstractmethod
    def chunk(self, text: str) -> list[Chunk]:
        """Split ``text`` into chunks in document order."""

    def chunk_with(self, text: str, structure: Structure | None) -> list[Chunk]:
        """:meth:`chunk`, where ``structure`` is what the request already read of ``text``.

        The same chunks as :meth:`chunk`; a strategy that reads the same
        markup as the structure does (``markdown``) takes it from there
        instead of reading it again.
        """
        return self.chunk(text)

    def max_size(self) -> SizeBound:
        """The option that caps a chunk's size, and its value."""
        return SizeBound("chunk_size", self.chunk_size)

    def content(self, text: str) -> str:
        """The part of ``text`` that chunk sizes count: all of it, unless the input is markup."""
        return text

    def params(self, chunks: Sequence[Chunk]) -> dict[str, object]:
        """The effective options, defaults included, as a response's ``params`` reports them.

        Args:
            chunks: What this strategy made of the text, for :attr:`REPORTED_IN_PARAMS`.

        Returns:
            Each option's value by name, then each reported key's sorted values.
        """
        params: dict[str, object] = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}  # type: ignore[arg-type]
        # A tokenizer is an option of sizes in tokens only; elsewhere it is always null.
        if params.get("tokenizer", "") is None:
            del params["tokenizer"]
        for key in self.REPORTED_IN_PARAMS:
            params[key] = sorted({str(c.meta[key]) for c in chunks if key in c.meta})
        return params


def option(
    default: T,
    *,
    doc: str,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
) -> T:
    """Declare a strategy option.

    Args:
        default: The value used when the client gives none.
        doc: One sentence for the API description.
        ge: Inclusive lower bound, for numbers.
        le: Inclusive upper bound, for numbers.
        gt: Exclusive lower bound, for numbers.

    Returns:
        A dataclass field carrying the bounds as metadata.
    """
    meta = {"doc": doc, "ge": ge, "le": le, "gt": gt}
    result: T = dataclasses.field(default=default, metadata=meta)
    return result


def _check_type(name: str, value: object, hint: object) -> None:
    origin = typing.get_origin(hint)
    if origin is Literal:
        if value not in typing.get_args(hint):
            allowed = ", ".join(repr(a) for a in typing.get_args(hint))
            raise InvalidOptions(name, f"{name} must be one of {allowed}")
        return
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if value is None and type(None) in args:
            return
        hint = next(a for a in args if a is not type(None))
        if typing.get_origin(hint) is Literal:
            _check_type(name, value, hint)
            return
    expected = (int, float) if hint is float else hint
    # bool is a subclass of int, but true is not a chunk size.
    if isinstance(value, bool) and hint is not bool:
        raise InvalidOptions(name, f"{name} must be a number, not a boolean")
    if isinstance(expected, type | tuple) and not isinstance(value, expected):
        raise InvalidOptions(name, f"{name} has the wrong type")


def _check_bounds(name: str, value: object, meta: typing.Mapping[str, object]) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return
    ge, le, gt = meta.get("ge"), meta.get("le"), meta.get("gt")
    if isinstance(ge, int | float) and value < ge:
        raise InvalidOptions(name, f"{name} must be at least {ge}")
    if isinstance(gt, int | float) and value <= gt:
        raise InvalidOptions(name, f"{name} must be greater than {gt}")
    if isinstance(le, int | float) and value > le:
        raise InvalidOptions(name, f"{name} must be at most {le}")


_HINTS: dict[type, dict[str, object]] = {}


def _type_hints(cls: type) -> dict[str, object]:
    # Resolving string annotations costs tens of microseconds; strategies are
    # built on every request, their classes never change.
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def _plainly_valid(hint: object, meta: typing.Mapping[str, object]) -> Callable[[object], bool]:
    """A quick test that a value of an option is certainly valid (false means: check it fully).

    Options are checked on every request, after the request model has
    checked them already; the full check resolves ``typing`` constructs each
    time, this one compares types and numbers only.
    """
    origin = typing.get_origin(hint)
    if origin is Literal:
        allowed = frozenset(a for a in typing.get_args(hint) if type(a) is str)
        return lambda v: type(v) is str and v in allowed
    if origin in (typing.Union, types.UnionType):
        inner = _plainly_valid(next(a for a in typing.get_args(hint) if a is not type(None)), meta)
        return lambda v: v is None or inner(v)
    if hint in (int, float):
        kinds = (int,) if hint is int else (int, float)
        ge, le, gt = meta.get("ge"), meta.get("le"), meta.get("gt")
        low = ge if isinstance(ge, int | float) else -math.inf
        high = le if isinstance(le, int | float) else math.inf
        above = gt if isinstance(gt, int | float) else -math.inf
        return lambda v: type(v) in kinds and low <= v <= high and v > above  # type: ignore[operator]
    if hint in (bool, str):
        return lambda v: type(v) is hint
    return lambda v: False


_QUICK: dict[type, tuple[tuple[str, Callable[[object], bool], object, typing.Mapping[str, object]], ...]] = {}


def _quick_checks(
    cls: type,
) -> tuple[tuple[str, Callable[[object], bool], object, typing.Mapping[str, object]], ...]:
    checks = _QUICK.get(cls)
    if checks is None:
        hints = _type_hints(cls)
        checks = _QUICK[cls] = tuple(
            (f.name, _plainly_valid(hints[f.name], f.metadata), hints[f.name], f.metadata)
            for f in dataclasses.fields(cls)
        )
    return checks


def check_options(options: object) -> None:
    """Validate every declared option of a strategy against its type and bounds.

    Args:
        options: A strategy dataclass instance.

    Raises:
        InvalidOptions: Naming the first option that is wrong.
    """
    for name, plainly_valid, hint, meta in _quick_checks(type(options)):
        value = getattr(options, name)
        if not plainly_valid(value):
            _check_type(name, value, hint)
            _check_bounds(name, value, meta)


class Order(NamedTuple):
    """Two options of which the first must be smaller than (or at most) the second.

    Attributes:
        lower: The option that must be smaller; the one an error names.
        upper: The option it is compared with.
        strict: True when equal values contradict each other too.
    """

    lower: str
    upper: str
    strict: bool

    def rule(self) -> str:
        """The rule, said of :attr:`lower`: ``must be smaller than chunk_size``."""
        relation = "smaller than" if self.strict else "at most"
        return f"must be {relation} {self.upper}"

    def message(self) -> str:
        """The sentence a request that breaks the rule is answered with."""
        return f"{self.lower} {self.rule()}"

    def holds(self, lower: float, upper: float) -> bool:
        """Whether the two values keep the rule."""
        return lower < upper if self.strict else lower <= upper


#: Options that contradict each other when out of order; every strategy and
#: request model with both options of a pair refuses such a request, naming
#: the first, rather than choosing one of the two silently.
ORDERS: tuple[Order, ...] = (
    Order("chunk_overlap", "chunk_size", strict=True),
    Order("min_chunk_size", "max_chunk_size", strict=False),
)


# The rules of ORDERS each options class has both options of, by class.
_ORDERS_OF: dict[type, tuple[Order, ...]] = {}


def _orders_of(cls: type) -> tuple[Order, ...]:
    orders = _ORDERS_OF.get(cls)
    if orders is None:
        fields = getattr(cls, "model_fields", None)
        names = set(fields) if fields is not None else {f.name for f in dataclasses.fields(cls)}
        orders = _ORDERS_OF[cls] = tuple(o for o in ORDERS if o.lower in names and o.upper in names)
    return orders


def broken_order(options: object) -> Order | None:
    """The first rule of :data:`ORDERS` that ``options`` (a strategy or a request model) break, if any.

    A rule applies only when the object has both of its options and both
    are given (not None).
    """
    for order in _orders_of(type(options)):
        lower, upper = getattr(options, order.lower), getattr(options, order.upper)
        given = isinstance(lower, int | float) and isinstance(upper, int | float)
        if given and not order.holds(lower, upper):
            return order
    return None


def check_order(options: object) -> None:
    """Refuse a strategy whose options break a rule of :data:`ORDERS`.

    Raises:
        InvalidOptions: Naming the option that must be smaller.
    """
    order = broken_order(options)
    if order is not None:
        raise InvalidOptions(order.lower, order.message())


@dataclass(frozen=True, slots=True, kw_only=True)
class SizeOptions(Chunker):
    """Options shared by every strategy: the size bound and the overlap.

    ``chunk_size`` is a hard maximum measured in ``unit``; ``chunk_overlap``
    must be smaller than it.
    """

    chunk_size: int = option(1000, ge=1, le=MAX_CHUNK_SIZE, doc="Hard maximum size of a chunk, in unit.")
    chunk_overlap: int = option(
        0, ge=0, le=MAX_CHUNK_SIZE, doc="How much of the previous chunk a chunk repeats, in unit."
    )
    unit: Unit = option("chars", doc="What sizes count: characters (code points), words, or tokens.")
    tokenizer: str | None = option(
        None,
        doc="The tokenizer that counts tokens when unit is tokens (default cl100k_base); GET / lists them.",
    )

    def __post_init__(self) -> None:
        """Check types and bounds, then that the overlap is smaller than the size."""
        check_options(self)
        check_order(self)
        check_tokenizer(self, self.unit)


def check_tokenizer(options: object, unit: str) -> None:
    """Resolve an options object's ``tokenizer`` field against its ``unit``.

    With ``unit`` tokens a missing tokenizer becomes the default one, an
    unknown name is refused, and so is a size bound too small for one
    character; with any other unit a tokenizer is refused, since it would be
    silently ignored.

    Raises:
        InvalidOptions: Naming ``tokenizer``, ``chunk_size`` or ``max_chunk_size``.
    """
    name = getattr(options, "tokenizer", None)
    if unit != "tokens":
        if name is not None:
            raise InvalidOptions("tokenizer", "tokenizer applies only when unit is tokens")
        return
    for bound in ("chunk_size", "max_chunk_size"):
        value = getattr(options, bound, None)
        if value is not None and value < MIN_TOKEN_CHUNK_SIZE:
            message = f"{bound} must be at least {MIN_TOKEN_CHUNK_SIZE} when unit is tokens"
            raise InvalidOptions(bound, message + " (one character can take four tokens)")
    name = name or tokenizers.DEFAULT_TOKENIZER
    known = tokenizers.available()
    if name not in known:
        raise InvalidOptions("tokenizer", f"unknown tokenizer {name!r}; available: {', '.join(known)}")
    # Frozen dataclasses fill derived defaults this way in __post_init__.
    object.__setattr__(options, "tokenizer", name)


Stage = Callable[[str], AbstractContextManager[object]]


def no_stage(name: str) -> AbstractContextManager[object]:
    """A :data:`Stage` that records nothing; the HTTP layer passes a tracing one instead."""
    return nullcontext()


def measure(text: str, unit: Unit, tokenizer: str | None = None) -> int:
    """Size of ``text`` in ``unit``.

    Args:
        text: Any text.
        unit: ``words`` counts whitespace-separated words; ``tokens`` counts
            the tokens of ``text`` encoded on its own, without special tokens;
            ``chars``, and any other unit (the semantic strategy's
            ``sentence`` or ``paragraph``, whose sizes are characters), counts
            code points.
        tokenizer: The tokenizer's name, for tokens (default cl100k_base).

    Returns:
        The size.
    """
    if unit == "tokens":
        return tokenizers.get_tokenizer(tokenizer or tokenizers.DEFAULT_TOKENIZER).count(text)
    return len(text.split()) if unit == "words" else len(text)
