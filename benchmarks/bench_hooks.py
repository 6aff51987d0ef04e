"""What observing a request costs in process: the time spent in the ``app.ops`` request hooks.

Run from the repository root::

    python -m benchmarks.bench_hooks [--requests 2000] [--rounds 3] [--log-level INFO]

The app is built as gunicorn builds it, with Prometheus' multiprocess mode on
(``PROMETHEUS_MULTIPROC_DIR`` set to a fresh directory before the client is
imported), so every metric update writes to its memory-mapped file as it does
in production. The JSON log lines go to ``/dev/null`` through the real handler.

Every ``before_request``, ``after_request`` and ``teardown_request`` function
defined under ``app.ops`` is wrapped with a timer; the small request is the
one ``benchmarks/bench_small.py`` sends (about 1 KB of real prose,
``recursive``, ``chunk_size`` 200) through the Flask test client. The figure is
the hooks' CPU time per request in milliseconds, the median over
``--rounds`` x ``--requests`` requests (a median, because on a shared machine
a request that loses its core for a while says nothing about the hooks),
beside the whole request's time through the test client for scale.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.corpus import prose

# About 1 KB of running prose (the GPL's preamble), the body bench_small.py sends.
SMALL_OPTIONS = {"strategy": "recursive", "chunk_size": 200}


def small_text() -> str:
    """About 1,000 characters of the GPL-3 preamble, cut at a line end."""
    text = prose(20_000)
    start = text.index("The GNU General Public License is a free")
    end = text.rindex("\n", start, start + 1_000)
    return text[start:end]


class HookTimer:
    """Accumulates the CPU time this thread spends in the wrapped hooks.

    CPU time rather than wall-clock time: on a shared machine a hook that
    waits for a core has not cost more.
    """

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any) -> Any:
            started = time.thread_time()
            try:
                return function(*args)
            finally:
                self.seconds += time.thread_time() - started

        return timed


def instrument(app: Any, timer: HookTimer) -> int:
    """Wrap every request hook defined under ``app.ops``; return how many were wrapped."""
    wrapped = 0
    for table in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs):
        for key, functions in table.items():
            for i, function in enumerate(functions):
                if getattr(function, "__module__", "").startswith("app.ops"):
                    functions[i] = timer.wrap(function)
                    wrapped += 1
            table[key] = functions
    return wrapped


def measure(requests: int, rounds: int, log_level: str) -> None:
    os.environ["CHUNKWISE_LOG_LEVEL"] = log_level
    from app import create_app
    from app.core.gc_tuning import tune_for_requests

    app = create_app()
    tune_for_requests()  # as wsgi.py does in every worker
    timer = HookTimer()
    hooks = instrument(app, timer)
    client = app.test_client()
    body = {"text": small_text(), **SMALL_OPTIONS}
    chunks = len(client.post("/chunking", json=body).get_json()["chunks"])
    per_request: list[float] = []
    whole: list[float] = []
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        for _ in range(rounds * requests):
            timer.seconds = 0.0
            started = time.thread_time()
            client.post("/chunking", json=body)
            whole.append(time.thread_time() - started)
            per_request.append(timer.seconds)
    timer.seconds = 0.0
    idle = timer.wrap(lambda: None)
    for _ in range(requests):
        idle()
    overhead = timer.seconds / requests * hooks
    print(
        f"{hooks} ops hooks, {len(body['text'])} characters, {chunks} chunks, log level {log_level}, "
        f"{rounds} x {requests} requests, CPU time: hooks median {statistics.median(per_request) * 1000:.4f} "
        f"ms/request (mean {statistics.fmean(per_request) * 1000:.4f}, of which the timer "
        f"{overhead * 1000:.4f}); whole request through the test client median "
        f"{statistics.median(whole) * 1000:.3f} ms (mean {statistics.fmean(whole) * 1000:.3f})"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    if "prometheus_client" in sys.modules:
        raise SystemExit("prometheus_client was imported before the multiprocess directory was set")
    with tempfile.TemporaryDirectory(prefix="bench-hooks-") as directory:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
        measure(args.requests, args.rounds, args.log_level)


if __name__ == "__main__":
    main()
