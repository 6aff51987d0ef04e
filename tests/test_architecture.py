"""The layers are folders, and imports go one way: web and ops may use the core, never the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
CORE = sorted((APP / "core").rglob("*.py"))
FORBIDDEN_ROOTS = {"flask", "werkzeug", "flask_cors", "prometheus_client", "opentelemetry", "gunicorn"}


def _imports(path: Path) -> set[str]:
    """Every module a file imports, absolute, with ``from app import x`` read as ``app.x``."""
    mods = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            mods |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            mods.add(node.module)
            if node.module in {"app", "app.core"}:
                mods |= {f"{node.module}.{alias.name}" for alias in node.names}
    return mods


def test_the_core_is_not_empty():
    assert len(CORE) > 20


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(APP)))
def test_core_imports_no_web_framework(path):
    assert not {m.split(".")[0] for m in _imports(path)} & FORBIDDEN_ROOTS


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(APP)))
def test_core_imports_only_core(path):
    ours = {m for m in _imports(path) if m == "app" or m.startswith("app.")}
    assert all(m.startswith("app.core") for m in ours), ours


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(APP)))
def test_core_reads_no_environment(path):
    assert "os.environ" not in path.read_text() and "getenv" not in path.read_text()


def test_every_module_sits_in_a_layer():
    loose = {p.name for p in APP.glob("*.py")}
    assert loose == {"__init__.py", "config.py"}


def test_the_check_sees_forbidden_imports(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import request\nimport werkzeug.exceptions\nfrom app.web import errors\n")
    assert {"flask", "werkzeug.exceptions", "app.web"} <= _imports(bad)
