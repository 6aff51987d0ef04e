"""The core (chunkers, retrieval, types) must not depend on the HTTP layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
CORE_FILES = (
    "types.py",
    "retrieval.py",
    "lexicon.py",
    "warmup.py",
    "analysis.py",
    "serialize.py",
    "index_cache.py",
)
CORE = sorted([*APP.glob("chunkers/*.py"), *[APP / n for n in CORE_FILES]])
FORBIDDEN = {"flask", "werkzeug"}


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
            if node.module == "app":
                roots |= {f"app.{alias.name}" for alias in node.names}
    return roots


def _app_imports(path: Path) -> set[str]:
    mods = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module == "app":
            mods |= {f"app.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app"):
            mods.add(node.module)
    return mods


@pytest.mark.parametrize("path", [p for p in CORE if p.exists()], ids=lambda p: p.name)
def test_core_imports_no_flask(path):
    assert not (_imported_roots(path) & FORBIDDEN)


@pytest.mark.parametrize("path", [p for p in CORE if p.exists()], ids=lambda p: p.name)
def test_core_imports_only_core(path):
    allowed = (
        "app.chunkers",
        "app.types",
        "app.retrieval",
        "app.lexicon",
        "app.analysis",
        "app.serialize",
        "app.data",
    )
    assert all(m.startswith(allowed) for m in _app_imports(path)), _app_imports(path)


def test_the_check_sees_a_flask_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import request\nimport werkzeug.exceptions\n")
    assert _imported_roots(bad) >= FORBIDDEN
