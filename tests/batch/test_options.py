"""Command-line options become the same typed, validated options the HTTP API uses."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path
from typing import Literal

import pytest

from app.batch.options import UsageError, build_chunker, convert, parse_options
from app.core.chunkers import CHUNKERS

BATCH = Path(__file__).resolve().parents[2] / "app" / "batch"


@pytest.mark.parametrize(
    ("raw", "hint", "value"),
    [
        ("12", int, 12),
        ("true", bool, True),
        ("No", bool, False),
        ("0.25", float, 0.25),
        ("words", Literal["chars", "words"], "words"),
        ("null", float | None, None),
        ("0.5", float | None, 0.5),
        ("plain", str, "plain"),
    ],
)
def test_strings_convert_by_declared_type(raw, hint, value):
    assert convert("x", raw, hint) == value
    assert type(convert("x", raw, hint)) is type(value)


@pytest.mark.parametrize(
    ("raw", "hint", "message"),
    [
        ("1.5", int, "x must be an integer"),
        ("maybe", bool, "x must be true or false"),
        ("nan", float, "x must be a finite number"),
        ("bytes", Literal["chars", "words"], "x must be one of chars, words"),
    ],
)
def test_bad_strings_are_named(raw, hint, message):
    with pytest.raises(UsageError, match=message):
        convert("x", raw, hint)


def test_pairs_win_over_json_and_params_match_the_dataclass():
    options = parse_options(
        "sentence", ["pack=false", "chunk_size=80"], '{"chunk_size": 40, "unit": "chars"}'
    )
    assert options == {"chunk_size": 80, "unit": "chars", "pack": False}
    chunker = build_chunker("sentence", options)
    assert dataclasses.asdict(chunker) == {
        "chunk_size": 80,
        "chunk_overlap": 0,
        "unit": "chars",
        "tokenizer": None,
        "pack": False,
    }


@pytest.mark.parametrize("name", sorted(CHUNKERS))
def test_every_strategy_builds_with_defaults(name):
    assert type(build_chunker(name, {})) is CHUNKERS[name]


def test_unknown_json_option_is_refused():
    with pytest.raises(UsageError, match="unknown option 'pack' for strategy fixed"):
        build_chunker("fixed", parse_options("fixed", [], '{"pack": true}'))


@pytest.mark.parametrize("path", sorted(BATCH.glob("*.py")), ids=lambda p: p.name)
def test_the_batch_command_uses_the_core_not_flask(path):
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert not {m for m in imported if m.split(".")[0] in ("flask", "werkzeug")}
    allowed = (
        "app.batch",
        "app.core.chunkers",
        "app.core.types",
        "app.core.serialize",
        "app.core.context",
        "app.core.warmup",
        "app.core.documents",
        "app.core.tokenizers",
    )
    assert all(m.startswith(allowed) for m in imported if m.split(".")[0] == "app"), imported
