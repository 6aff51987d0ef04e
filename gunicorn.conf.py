"""gunicorn settings, each from a CHUNKWISE_* environment variable with a default.

``gunicorn -c gunicorn.conf.py wsgi:app`` is how the service runs, locally
(``make run``) and in Docker.
"""

import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return int(raw) if raw else default
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from None


bind = os.environ.get("CHUNKWISE_BIND", "127.0.0.1:8000")
workers = _int("CHUNKWISE_WORKERS", 2)
threads = _int("CHUNKWISE_THREADS", 4)
worker_class = "gthread"
timeout = _int("CHUNKWISE_TIMEOUT", 60)
graceful_timeout = _int("CHUNKWISE_GRACEFUL_TIMEOUT", 30)
keepalive = _int("CHUNKWISE_KEEPALIVE", 5)
