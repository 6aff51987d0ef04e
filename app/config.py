"""Settings: every one with a default, overridable by ``CHUNKWISE_*`` environment variables.

``load_config`` applies :data:`DEFAULTS`, then the environment (values are
parsed as JSON where they can be, so ``CHUNKWISE_MAX_TEXT_CHARS=5000`` is a
number), then explicit overrides, and refuses to start on a bad value.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Config, Flask

#: The service's version, reported by GET / and /openapi.json; pyproject.toml reads it from here.
VERSION = "0.1.0"

DEFAULTS: dict[str, Any] = {
    # Largest request body in bytes, chunked transfer encoding included (413 beyond).
    "MAX_BODY_BYTES": 10 * 1024 * 1024,
    # Longest text in code points that one request may submit (413 naming the field).
    "MAX_TEXT_CHARS": 2_000_000,
    # Most pages of an uploaded PDF (413 beyond, before any text is read).
    "MAX_PAGES": 1000,
    # Seconds a PDF or DOCX may take to read; its reader process is killed after (422).
    "EXTRACT_TIMEOUT": 5.0,
    # Address space in MiB of the process that reads a PDF or DOCX: a decompression
    # bomb ends there (422), never in the server.
    "EXTRACT_MEMORY_MB": 1024,
    # Most chunks one request may produce; checked before work from a lower bound.
    "MAX_CHUNKS": 50_000,
    # Most texts one batch request ("texts": [...]) may submit; MAX_TEXT_CHARS and
    # MAX_CHUNKS bound the batch's total, so a batch costs no more than one big text.
    "MAX_BATCH_TEXTS": 1000,
    # Most chunks one /answer request may submit.
    "MAX_ANSWER_CHUNKS": 10_000,
    # Most characters (code points) the chunks of one /answer request may hold in all:
    # 10,000 chunks of 600. Fitting real text that size takes about 0.6 s of CPU; the
    # worst accepted input (6,000,000 characters of distinct made-up words) about 3 s and
    # 0.5 GB, well inside CHUNKWISE_TIMEOUT.
    "MAX_ANSWER_CHARS": 6_000_000,
    # Largest top_k an /answer request may ask for.
    "MAX_TOP_K": 100,
    # Fitted /answer indexes kept per worker process (LRU).
    "ANSWER_CACHE_SIZE": 32,
    # Directory where the workers share fitted /answer indexes (memory-mapped files);
    # empty: none, except that gunicorn.conf.py makes a fresh one for its workers.
    "INDEX_CACHE_DIR": "",
    # Most bytes of shared indexes kept in that directory, least recently used evicted
    # first; also the largest entry stored in Redis. 10,000 chunks take about 17 MB.
    "INDEX_CACHE_BYTES": 256 * 1024 * 1024,
    # Redis holding the fitted /answer indexes for several replicas (redis://host:6379/0);
    # when set it replaces the directory. Give the server a maxmemory and an LRU policy.
    "REDIS_URL": "",
    # Seconds an index stays in Redis after its last use.
    "REDIS_TTL_SECONDS": 3600,
    # Python logging level of the service's JSON logs.
    "LOG_LEVEL": "INFO",
    # Comma-separated origins allowed by CORS; empty sends no CORS headers.
    "CORS_ORIGINS": "",
    # Load the sentence model and vectorisers at start so /readyz is true at once.
    "WARM_UP": True,
    # Directory of Hugging Face tokenizer.json files usable as `tokenizer` (name = file
    # name without .json); empty for the built-in tiktoken encodings only.
    "TOKENIZERS_DIR": "",
}

_POSITIVE_INTS = (
    "MAX_BODY_BYTES",
    "MAX_TEXT_CHARS",
    "MAX_CHUNKS",
    "MAX_BATCH_TEXTS",
    "MAX_ANSWER_CHUNKS",
    "MAX_ANSWER_CHARS",
    "MAX_TOP_K",
    "ANSWER_CACHE_SIZE",
    "MAX_PAGES",
    "EXTRACT_MEMORY_MB",
    "INDEX_CACHE_BYTES",
    "REDIS_TTL_SECONDS",
)
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """A setting has a value the service cannot start with."""


def load_config(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill ``app.config`` from defaults, the environment and overrides, then validate.

    Args:
        app: The application being created.
        overrides: Settings that win over the environment (tests use this).

    Raises:
        ConfigError: When a setting is missing its type or range.
    """
    app.config.update(DEFAULTS)
    env = Config(app.root_path)
    env.from_prefixed_env("CHUNKWISE")
    # Only the service's own settings come from the environment. Flask's
    # (TESTING and PROPAGATE_EXCEPTIONS would hand errors to the server, which
    # answers with its own page; SERVER_NAME would refuse every request) and
    # extensions' (flask-cors reads CORS_SUPPORTS_CREDENTIALS) stay as the code
    # sets them; gunicorn reads its own CHUNKWISE_* variables.
    app.config.update({key: value for key, value in env.items() if key in DEFAULTS})
    if overrides:
        app.config.update(overrides)
    _validate(app.config)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]
    # Multipart text fields count against the same limit as the body.
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_BODY_BYTES"]
    # Debug mode must never be switched on from the environment in production.
    app.config["DEBUG"] = False


def _validate(config: Mapping[str, Any]) -> None:
    for key in _POSITIVE_INTS:
        value = config[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"CHUNKWISE_{key} must be a positive integer, got {value!r}")
    timeout = config["EXTRACT_TIMEOUT"]
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or not 0 < timeout <= 600:
        raise ConfigError(
            f"CHUNKWISE_EXTRACT_TIMEOUT must be a number of seconds in (0, 600], got {timeout!r}"
        )
    if config["EXTRACT_MEMORY_MB"] < 256:
        raise ConfigError(
            "CHUNKWISE_EXTRACT_MEMORY_MB must be at least 256 (the reader itself needs about 100)"
        )
    level = config["LOG_LEVEL"]
    if not isinstance(level, str) or level.upper() not in _LEVELS:
        raise ConfigError(f"CHUNKWISE_LOG_LEVEL must be one of {', '.join(_LEVELS)}")
    for key in ("INDEX_CACHE_DIR", "REDIS_URL"):
        if not isinstance(config[key], str):
            raise ConfigError(f"CHUNKWISE_{key} must be a string")
    if config["REDIS_URL"] and not config["REDIS_URL"].startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError("CHUNKWISE_REDIS_URL must start with redis://, rediss:// or unix://")
    if not isinstance(config["CORS_ORIGINS"], str):
        raise ConfigError("CHUNKWISE_CORS_ORIGINS must be a comma-separated string")
    if not isinstance(config["WARM_UP"], bool):
        raise ConfigError("CHUNKWISE_WARM_UP must be true or false")
    directory = config["TOKENIZERS_DIR"]
    if not isinstance(directory, str) or (directory and not Path(directory).is_dir()):
        raise ConfigError(f"CHUNKWISE_TOKENIZERS_DIR must be a directory, got {directory!r}")
