from __future__ import annotations

import pytest

from app import create_app
from app.config import ConfigError


def test_config_defaults():
    app = create_app()
    assert not app.testing
    assert app.config["MAX_TEXT_CHARS"] == 2_000_000
    assert create_app({"TESTING": True}).testing


def test_environment_override(monkeypatch):
    monkeypatch.setenv("CHUNKWISE_MAX_TEXT_CHARS", "5000")
    app = create_app()
    assert app.config["MAX_TEXT_CHARS"] == 5000


def test_overrides_win_over_environment(monkeypatch):
    monkeypatch.setenv("CHUNKWISE_MAX_CHUNKS", "10")
    assert create_app({"MAX_CHUNKS": 20}).config["MAX_CHUNKS"] == 20


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CHUNKWISE_MAX_TEXT_CHARS", "0", "MAX_TEXT_CHARS must be a positive integer"),
        ("CHUNKWISE_MAX_BODY_BYTES", "lots", "MAX_BODY_BYTES must be a positive integer"),
        ("CHUNKWISE_MAX_TOP_K", "true", "MAX_TOP_K must be a positive integer"),
        ("CHUNKWISE_LOG_LEVEL", "LOUD", "LOG_LEVEL must be one of"),
        ("CHUNKWISE_MAX_PAGES", "0", "MAX_PAGES must be a positive integer"),
        ("CHUNKWISE_EXTRACT_TIMEOUT", "0", r"EXTRACT_TIMEOUT must be a number of seconds in \(0, 600\]"),
        ("CHUNKWISE_EXTRACT_TIMEOUT", "true", "EXTRACT_TIMEOUT must be a number"),
        ("CHUNKWISE_EXTRACT_MEMORY_MB", "64", "EXTRACT_MEMORY_MB must be at least 256"),
    ],
    ids=["zero", "word", "boolean", "level", "pages", "timeout-zero", "timeout-boolean", "memory"],
)
def test_bad_settings_fail_at_start(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        create_app()


def test_document_limits_from_the_environment(monkeypatch):
    monkeypatch.setenv("CHUNKWISE_EXTRACT_TIMEOUT", "2.5")
    monkeypatch.setenv("CHUNKWISE_MAX_PAGES", "40")
    config = create_app().config
    assert (config["EXTRACT_TIMEOUT"], config["MAX_PAGES"]) == (2.5, 40)


def test_debug_cannot_be_enabled_from_environment(monkeypatch):
    monkeypatch.setenv("CHUNKWISE_DEBUG", "true")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert create_app().debug is False


def test_one_version_everywhere(client):
    import tomllib

    from app.config import VERSION
    from tests.conftest import ROOT

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "app.config.VERSION"}
    assert client.get("/", headers={"Accept": "application/json"}).get_json()["version"] == VERSION
    assert client.get("/openapi.json").get_json()["info"]["version"] == VERSION
