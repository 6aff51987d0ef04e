"""Small requests at the throughput ceiling: chunkwise beside a minimal Flask app, loaded by wrk.

Run from the repository root (needs ``wrk`` on the PATH: ``apt-get install wrk``)::

    python -m benchmarks.bench_small [--rounds 3] [--seconds 8] [--threads 2] [--connections 32]

Both servers run under the project's ``gunicorn.conf.py`` with the same
settings: 2 workers of 4 gthreads each, keep-alive off, no worker recycling
(``CHUNKWISE_MAX_REQUESTS=0``, so a restart cannot land in one server's run
and not the other's), log level INFO. They are started afresh for every run,
warmed up for 2 s, then loaded for ``--seconds`` by wrk (``--threads``
threads, ``--connections`` connections, ``--latency``), alternating the order
each round.

* The minimal app is ``benchmarks/ceiling.py``: Flask parses the JSON body and
  echoes its text back as the only chunk; no validation, logging, metrics or
  chunking.
* chunkwise answers ``POST /chunking`` with the same body: about 1 KB of real
  prose (the GPL-3 preamble, ``benchmarks/bench_hooks.small_text``),
  ``recursive``, ``chunk_size`` 200.

Per run it prints requests/s, wrk's p50 and p99 latency, errors (socket
errors plus non-2xx answers) and the workers' CPU time per request (read
from ``/proc``, steadier than requests/s on a shared machine); then the
median over rounds and the ratio against the targets: chunkwise at >= 0.67 of
the minimal app's requests/s, 0 errors, p99 at most twice the minimal app's.
The output is Markdown for ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.bench_hooks import SMALL_OPTIONS, small_text
from benchmarks.httpload import Server, start, stop

SETTINGS = {
    "CHUNKWISE_WORKERS": "2",
    "CHUNKWISE_WORKER_CLASS": "gthread",
    "CHUNKWISE_THREADS": "4",
    "CHUNKWISE_KEEPALIVE": "0",
    "CHUNKWISE_MAX_REQUESTS": "0",
    "CHUNKWISE_LOG_LEVEL": "INFO",
}
SERVERS = {"minimal Flask app": "benchmarks.ceiling:app", "chunkwise": "wsgi:app"}
WARM_UP_SECONDS = 2
_LUA = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [==[{body}]==]
"""
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


@dataclass(frozen=True)
class Run:
    """What one wrk run measured."""

    rate: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    cpu_us: float

    def row(self, label: str) -> str:
        return (
            f"| {label} | {self.rate:,.0f} | {self.p50_ms:.2f} | {self.p99_ms:.2f} | {self.requests:,} | "
            f"{self.errors} | {self.cpu_us:,.0f} |"
        )


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> tuple[float, float, float, int, int]:
    """Requests/s, p50 ms, p99 ms, requests and errors from wrk's ``--latency`` report."""
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    errors = 0
    if socket := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(n) for n in socket.groups())
    if status := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(status.group(1))
    return rate, p50, p99, requests, errors


def wrk(server: Server, script: Path, seconds: float, args: argparse.Namespace) -> str:
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds:g}s",
        "--latency",
        "-s",
        str(script),
        f"{server.url}/chunking",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    return done.stdout


def check_answer(server: Server, body: bytes) -> int:
    """Send the body once; return the number of chunks in the answer (fails on anything but 200)."""
    request = urllib.request.Request(
        f"{server.url}/chunking", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return len(json.loads(response.read())["chunks"])


def measure(tmp: Path, target: str, script: Path, body: bytes, args: argparse.Namespace) -> Run:
    server = start(tmp, target, SETTINGS)
    try:
        chunks = check_answer(server, body)
        if target == SERVERS["chunkwise"]:
            print(f"chunkwise answers with {chunks} chunks", flush=True)
        wrk(server, script, WARM_UP_SECONDS, args)
        cpu = server.cpu_seconds()
        output = wrk(server, script, args.seconds, args)
        cpu = server.cpu_seconds() - cpu
    finally:
        stop(server)
    rate, p50, p99, requests, errors = parse_wrk(output)
    return Run(rate, p50, p99, requests, errors, cpu / max(requests, 1) * 1e6)


def median_run(runs: list[Run]) -> Run:
    return Run(
        statistics.median(r.rate for r in runs),
        statistics.median(r.p50_ms for r in runs),
        statistics.median(r.p99_ms for r in runs),
        sum(r.requests for r in runs),
        sum(r.errors for r in runs),
        statistics.median(r.cpu_us for r in runs),
    )


def machine() -> str:
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {load}, {time.strftime('%Y-%m-%d %H:%M')}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each timed wrk run")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    text = small_text()
    body = json.dumps({"text": text, **SMALL_OPTIONS}).encode()
    print(f"{machine()}\n", flush=True)
    runs: dict[str, list[Run]] = {label: [] for label in SERVERS}
    rows = [
        "| round | server | requests/s | p50 ms | p99 ms | requests | errors | worker CPU µs / request |",
        "|---|---|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "post.lua"
        script.write_text(_LUA.format(body=body.decode()))
        order = list(SERVERS)
        for round_ in range(1, args.rounds + 1):
            for label in order:
                run = measure(Path(tmp), SERVERS[label], script, body, args)
                runs[label].append(run)
                rows.append(run.row(f"{round_} | {label}"))
                print(rows[-1], flush=True)
            order.reverse()
    minimal, chunkwise = (median_run(runs[label]) for label in SERVERS)
    rows += [minimal.row("median | minimal Flask app"), chunkwise.row("median | chunkwise")]
    ratio = chunkwise.rate / minimal.rate
    p99_ratio = chunkwise.p99_ms / minimal.p99_ms
    print(f"\nBody: {len(body)} bytes, {len(text)} characters, {SMALL_OPTIONS}.")
    print(
        f"wrk -t{args.threads} -c{args.connections} -d{args.seconds:g}s --latency, "
        f"{args.rounds} rounds alternating, {WARM_UP_SECONDS} s warm-up per server start.\n"
    )
    print("\n".join(rows))
    print(
        f"\nchunkwise at **{ratio:.2f}** of the minimal app's requests/s (target >= 0.67), "
        f"p99 {p99_ratio:.2f}x the minimal app's (target <= 2), errors {chunkwise.errors + minimal.errors} "
        f"(target 0); by worker CPU per request {minimal.cpu_us / chunkwise.cpu_us:.2f}.\n{machine()}"
    )


if __name__ == "__main__":
    main()
