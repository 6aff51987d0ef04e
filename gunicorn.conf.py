"""gunicorn settings, each from a CHUNKWISE_* environment variable with a hardened default.

``gunicorn -c gunicorn.conf.py wsgi:app`` is how the service runs, locally
(``make run``) and in Docker. The worker model (gthread, keep-alive off) was
chosen by measurement: see ``benchmarks/workers.py`` and the README.

Metrics: the Prometheus client's multiprocess mode needs one directory shared
by all workers. ``PROMETHEUS_MULTIPROC_DIR`` is used when set, else a fresh
temporary directory; the master sets it before any worker starts, empties it
(stale files would add old counts), marks exited workers dead, and removes a
directory it made when it exits.

Fitted /answer indexes: the workers share them through a directory
(``CHUNKWISE_INDEX_CACHE_DIR``, see ``app/web/index_store.py``). When it is
unset and no Redis is configured, the master makes a fresh private one
before the workers start and removes it when it exits, like the metrics
directory.
"""

import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from gunicorn.glogging import Logger


def _int(name: str, default: int, least: int = 0) -> int:
    raw = os.environ.get(name, "")
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from None
    if value < least:
        raise SystemExit(f"{name} must be at least {least}, got {value}")
    return value


def _choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = os.environ.get(name, "") or default
    if value not in allowed:
        raise SystemExit(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


bind = os.environ.get("CHUNKWISE_BIND", "127.0.0.1:8000")
workers = _int("CHUNKWISE_WORKERS", 2, least=1)
# gthread: a slow client holds one thread, not a whole worker, so /healthz
# still answers while clients trickle bodies (sync workers block).
worker_class = _choice("CHUNKWISE_WORKER_CLASS", "gthread", ("gthread", "sync"))
# gunicorn runs gthread whenever threads > 1, so sync means one thread.
threads = 1 if worker_class == "sync" else _int("CHUNKWISE_THREADS", 4, least=1)
# A worker holds at most as many connections as it has threads: with all its
# threads taken (by clients trickling bodies, say) it stops accepting, and
# the next connection goes to a worker that can answer it. Otherwise the busy
# worker keeps accepting and queues /healthz behind the slow clients.
worker_connections = _int("CHUNKWISE_WORKER_CONNECTIONS", threads, least=1)
# Off by default: a kept-alive connection stays with the worker that accepted
# it, and several busy connections landing on one worker halve throughput.
# Closing after each response lets every request be accepted by the freer
# worker. (gunicorn keeps nothing alive anyway while worker_connections is
# not above threads.)
keepalive = _int("CHUNKWISE_KEEPALIVE", 0)
timeout = _int("CHUNKWISE_TIMEOUT", 60, least=1)
graceful_timeout = _int("CHUNKWISE_GRACEFUL_TIMEOUT", 30, least=1)
# Recycle each worker after about this many requests (0: never), staggered
# by the jitter so the workers do not restart together.
max_requests = _int("CHUNKWISE_MAX_REQUESTS", 10000)
max_requests_jitter = _int("CHUNKWISE_MAX_REQUESTS_JITTER", 1000)
# Options travel in the query string, so a request line needs little room;
# texts travel in bodies. Headers: fewer than gunicorn's 100 are plenty.
limit_request_line = _int("CHUNKWISE_LIMIT_REQUEST_LINE", 4094, least=1)
limit_request_fields = _int("CHUNKWISE_LIMIT_REQUEST_FIELDS", 50, least=1)
limit_request_field_size = _int("CHUNKWISE_LIMIT_REQUEST_FIELD_SIZE", 8190, least=1)
# The app writes one JSON line per request, so gunicorn's access log stays
# off; its own messages go to stderr as JSON lines too (JsonLogger below).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("CHUNKWISE_LOG_LEVEL", "info").lower()
# gunicorn's runtime control socket (gunicornc) is off: it would be one more
# way in, and every instance under one $HOME would share its default path.
control_socket_disable = True
# Worker heartbeat files in memory, not on a possibly slow container disk.
# Bandit B108 (a fixed /tmp-like path) does not apply: gunicorn only makes its own unlinked
# heartbeat files there with mkstemp, as its docs advise for containers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # nosec B108

# Where the metrics directory came from, for on_exit.
_OWNED = "CHUNKWISE_OWNED_METRICS_DIR"
_OWNED_INDEXES = "CHUNKWISE_OWNED_INDEX_CACHE_DIR"


class _JsonFormatter(logging.Formatter):
    # The app's JSON shape (app.ops.logs.JsonFormatter), without
    # importing the app into the master.
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}+00:00",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry)


class JsonLogger(Logger):
    """gunicorn's logger with its messages as JSON lines."""

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(_JsonFormatter())


logger_class = JsonLogger


def on_starting(server):
    """Choose and empty the metrics directory, and choose the index directory, before any worker exists.

    Workers inherit the variable when they fork; the app is not preloaded, so
    the Prometheus client is first imported there, after it is set. Files
    left by an earlier run would add their counts, so they go.
    """
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        made = tempfile.mkdtemp(prefix="chunkwise-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = os.environ[_OWNED] = made
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    if not os.environ.get("CHUNKWISE_INDEX_CACHE_DIR") and not os.environ.get("CHUNKWISE_REDIS_URL"):
        made = tempfile.mkdtemp(prefix="chunkwise-indexes-")
        os.environ["CHUNKWISE_INDEX_CACHE_DIR"] = os.environ[_OWNED_INDEXES] = made


def child_exit(server, worker):
    """Let the metrics of an exited worker stop counting as live (its counters stay)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    """Remove the metrics and index directories if this config made them."""
    owned = os.environ.get(_OWNED)
    if owned and owned == os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        shutil.rmtree(owned, ignore_errors=True)
    owned = os.environ.get(_OWNED_INDEXES)
    if owned and owned == os.environ.get("CHUNKWISE_INDEX_CACHE_DIR"):
        shutil.rmtree(owned, ignore_errors=True)
