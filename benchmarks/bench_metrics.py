"""What one request's metric updates cost, for the ways the Prometheus client offers to make them.

Run from the repository root::

    python -m benchmarks.bench_metrics [--updates 50000] [--rounds 5]

A small ``/chunking`` request updates one counter and three histograms
(duration, input characters, chunks). Each variant below makes those updates
``--updates`` times on metrics shaped like ``app/ops/prometheus.py``'s (same
labels and buckets unless the variant says otherwise) and reports the CPU
time per request, best of ``--rounds``:

* multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``, what gunicorn runs), with
  ``labels()`` called on every update, with the label children kept, with
  fewer duration buckets, and without the counter (its value read from the
  duration histogram's count instead);
* the client's in-memory values, what aggregating in process and writing the
  files only now and then would cost per request before any flushing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from typing import Any

DURATION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
FEWER_BUCKETS = (0.0025, 0.01, 0.05, 0.25, 1, 5, 30)
LABELS = ("/chunking", "POST", "200")


def metrics(prefix: str, buckets: Sequence[float]) -> tuple[Any, Any, Any, Any]:
    from prometheus_client import CollectorRegistry, Counter, Histogram

    registry = CollectorRegistry()
    names = ("endpoint", "method", "status")
    return (
        Counter(f"{prefix}_requests", "r", names, registry=registry),
        Histogram(f"{prefix}_seconds", "d", names, buckets=buckets, registry=registry),
        Histogram(f"{prefix}_chars", "c", ("strategy",), buckets=(100, 1_000, 10_000), registry=registry),
        Histogram(f"{prefix}_chunks", "n", ("strategy",), buckets=(0, 1, 5, 10, 50), registry=registry),
    )


def with_labels(prefix: str) -> Callable[[], None]:
    requests, seconds, chars, chunks = metrics(prefix, DURATION_BUCKETS)

    def update() -> None:
        requests.labels(*LABELS).inc()
        seconds.labels(*LABELS).observe(0.0004)
        chars.labels("recursive").observe(967)
        chunks.labels("recursive").observe(7)

    return update


def with_children(
    prefix: str, buckets: Sequence[float] = DURATION_BUCKETS, counter: bool = True
) -> Callable[[], None]:
    requests, seconds, chars, chunks = metrics(prefix, buckets)
    r, s, c, n = (
        requests.labels(*LABELS),
        seconds.labels(*LABELS),
        chars.labels("recursive"),
        chunks.labels("recursive"),
    )

    def update() -> None:
        if counter:
            r.inc()
        s.observe(0.0004)
        c.observe(967)
        n.observe(7)

    return update


def in_memory(prefix: str) -> Callable[[], None]:
    from prometheus_client import values

    chosen = values.ValueClass
    values.ValueClass = values.MutexValue
    try:
        return with_children(prefix)
    finally:
        values.ValueClass = chosen


def cost(update: Callable[[], None], updates: int, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(updates):
            update()
        best = min(best, (time.process_time() - started) / updates)
    return best * 1e6


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    if "prometheus_client" in sys.modules:
        raise SystemExit("prometheus_client was imported before the multiprocess directory was set")
    with tempfile.TemporaryDirectory(prefix="bench-metrics-") as directory:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
        variants = [
            ("multiprocess files, `labels()` on every update", with_labels("a")),
            ("multiprocess files, label children kept (chosen)", with_children("b")),
            (
                "multiprocess files, children kept, 7 duration buckets instead of 15",
                with_children("c", FEWER_BUCKETS),
            ),
            (
                "multiprocess files, children kept, no counter (count from the histogram)",
                with_children("d", counter=False),
            ),
            ("in-memory values (aggregate in process, flush later), children kept", in_memory("e")),
        ]
        print("| metric updates of one small `/chunking` request | CPU µs per request |\n|---|---|")
        for label, update in variants:
            print(f"| {label} | {cost(update, args.updates, args.rounds):.2f} |", flush=True)


if __name__ == "__main__":
    main()
