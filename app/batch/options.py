"""Strategy options from the command line, validated as the HTTP API validates them.

``--option key=value`` values are strings, converted by the option's declared
type (as the API converts query-string values); ``--options '{...}'`` values
are JSON, taken as typed (as the API takes a JSON body). Validation is the
strategy's own: its dataclass checks types, bounds and conflicts when built,
the same checks behind the API's request models.
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from app.batch.detect import AUTO, STRATEGY_FOR_KIND
from app.core.chunkers import CHUNKERS, Chunker, InvalidOptions

_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


class UsageError(ValueError):
    """The command line asks for something that cannot be done; the message says what."""


def strategies_of(strategy: str) -> tuple[str, ...]:
    """The strategies a ``--strategy`` value stands for: itself, or every one ``auto`` picks."""
    return tuple(sorted(set(STRATEGY_FOR_KIND.values()))) if strategy == AUTO else (strategy,)


def effective_params(strategy: str, options: Mapping[str, object]) -> dict[str, Any]:
    """Every option's value, defaults included, as ``job.json`` records it.

    For ``auto``, one entry per strategy it may pick.

    Raises:
        UsageError: As :func:`build_chunker`.
    """
    if strategy != AUTO:
        params: dict[str, Any] = dataclasses.asdict(build_chunker(strategy, options))  # type: ignore[call-overload]
        return params
    return {name: effective_params(name, options) for name in strategies_of(strategy)}


def build_chunker(strategy: str, options: Mapping[str, object]) -> Chunker:
    """The strategy instance for ``strategy`` with ``options``, validated.

    Args:
        strategy: A registered strategy name.
        options: Option values, already of their declared types.

    Returns:
        The strategy, ready to chunk.

    Raises:
        UsageError: For an unknown strategy or option, or an invalid value.
    """
    cls = _strategy_class(strategy)
    known = _option_types(cls)
    for key in options:
        if key not in known:
            raise UsageError(f"unknown option {key!r} for strategy {strategy}; options: {', '.join(known)}")
    typed = {k: _widen(v, known[k]) for k, v in options.items()}
    try:
        chunker: Chunker = cls(**typed)
    except InvalidOptions as exc:
        raise UsageError(f"{exc.field}: {exc.message}") from None
    return chunker


def parse_options(strategy: str, pairs: Iterable[str], json_text: str | None) -> dict[str, object]:
    """Options from ``--options`` (JSON) and repeated ``--option key=value``; pairs win.

    Args:
        strategy: The strategy the options are for (their types come from it).
        pairs: ``key=value`` strings.
        json_text: A JSON object, or None.

    Returns:
        Option values of their declared types (not yet checked against bounds).

    Raises:
        UsageError: For malformed input, unknown options or unconvertible values.
    """
    known = _shared_option_types(strategy)
    options: dict[str, object] = {}
    if json_text:
        try:
            loaded = json.loads(json_text)
        except ValueError as exc:
            raise UsageError(f"--options is not valid JSON: {exc}") from None
        if not isinstance(loaded, dict):
            raise UsageError("--options must be a JSON object")
        for key in loaded:
            if key not in known:
                raise UsageError(_unknown(key, strategy, known))
        options.update(loaded)
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--option takes key=value, got {pair!r}")
        if key not in known:
            raise UsageError(_unknown(key, strategy, known))
        options[key] = convert(key, raw, known[key])
    return options


def convert(key: str, raw: str, hint: object) -> object:
    """Turn a command-line string into a value of the option's declared type.

    Args:
        key: The option's name, for messages.
        raw: The string given.
        hint: The option's type annotation.

    Returns:
        The converted value.

    Raises:
        UsageError: When ``raw`` is not a value of that type.
    """
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if raw.lower() in ("null", "none") and len(args) < len(typing.get_args(hint)):
            return None
        hint = args[0] if len(args) == 1 else str
        origin = typing.get_origin(hint)
    if origin is Literal:
        allowed = typing.get_args(hint)
        for value in allowed:
            if str(value) == raw:
                return value
        raise UsageError(f"{key} must be one of {', '.join(str(a) for a in allowed)}, got {raw!r}")
    if hint is bool:
        if raw.lower() in _TRUE + _FALSE:
            return raw.lower() in _TRUE
        raise UsageError(f"{key} must be true or false, got {raw!r}")
    if hint is int:
        try:
            return int(raw)
        except ValueError:
            raise UsageError(f"{key} must be an integer, got {raw!r}") from None
    if hint is float:
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise UsageError(f"{key} must be a finite number, got {raw!r}")
        return number
    return raw


def _strategy_class(name: str) -> type[Chunker]:
    if name not in CHUNKERS:
        valid = ", ".join([AUTO, *sorted(CHUNKERS)])
        raise UsageError(f"unknown strategy {name!r}; valid strategies: {valid}")
    return CHUNKERS[name]


def _shared_option_types(strategy: str) -> dict[str, Any]:
    # With auto, an option must mean the same to every strategy it may pick:
    # one that only some take would apply to some documents and not others.
    if strategy != AUTO:
        return _option_types(_strategy_class(strategy))
    each = [_option_types(CHUNKERS[name]) for name in strategies_of(strategy)]
    return {k: v for k, v in each[0].items() if all(other.get(k) == v for other in each[1:])}


def _unknown(key: str, strategy: str, known: Mapping[str, object]) -> str:
    if strategy != AUTO:
        return f"unknown option {key!r} for strategy {strategy}; options: {', '.join(known)}"
    takers = [name for name in strategies_of(strategy) if key in _option_types(CHUNKERS[name])]
    taken = f"only {', '.join(takers)} take it" if takers else "no strategy auto picks takes it"
    return (
        f"option {key!r} cannot be used with --strategy auto ({taken}); "
        f"auto takes the options every strategy it picks takes: {', '.join(known)}"
    )


def _option_types(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def _widen(value: object, hint: object) -> object:
    # JSON's 1 for a float option is 1.0, as the API's model gives it.
    args = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
    if float in args and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value
