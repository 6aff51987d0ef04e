"""Which gunicorn worker model survives slow clients and kept-alive connections? Measured, side by side.

Run from the repository root::

    python -m benchmarks.workers [--runs 12] [--slow-runs 6] [--seconds 3]

Two hazards, each measured against real gunicorn processes on 127.0.0.1
serving the real app with the project's ``gunicorn.conf.py`` (2 workers),
once per candidate worker model:

* **Slow clients.** Four clients send the headers of a ``POST /chunking``
  and then trickle its body a byte every 0.2 s. Meanwhile ``/healthz`` is
  probed every 0.1 s on a fresh connection; a probe that gets no answer
  within 1 s counts as failed. Repeated ``--slow-runs`` times, because where
  the slow connections land is up to the kernel.
* **Kept-alive connections.** Eight clients send ``POST /chunking`` requests
  (2,000 characters of prose, sentence strategy) for ``--seconds``, each on
  its own connection, kept alive as long as the server allows. Repeated
  ``--runs`` times with fresh connections; each run reports requests/s, the
  workers' CPU time per request (from ``/proc``; steadier than requests/s on
  a shared machine) and the share of requests served by the busiest worker
  (from the ``pid`` of the JSON log lines). With both workers busy that
  share is about 50 %; 100 % means one worker did all the work.

The output is Markdown, ready for ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchmarks.corpus import prose
from benchmarks.httpload import HOST, Server, call, run_load, start, stop

CANDIDATES: list[tuple[str, dict[str, str]]] = [
    ("sync", {"CHUNKWISE_WORKER_CLASS": "sync"}),
    (
        "gthread, 4 threads, keep-alive 5 s, 1000 connections per worker (gunicorn's default)",
        {"CHUNKWISE_KEEPALIVE": "5", "CHUNKWISE_WORKER_CONNECTIONS": "1000"},
    ),
    (
        "gthread, 4 threads, keep-alive off, 1000 connections per worker",
        {"CHUNKWISE_KEEPALIVE": "0", "CHUNKWISE_WORKER_CONNECTIONS": "1000"},
    ),
    (
        "gthread, 4 threads, keep-alive 5 s, 8 connections per worker",
        {"CHUNKWISE_KEEPALIVE": "5", "CHUNKWISE_WORKER_CONNECTIONS": "8"},
    ),
    (
        "gthread, 4 threads, keep-alive off, 4 connections per worker (chosen)",
        {"CHUNKWISE_KEEPALIVE": "0", "CHUNKWISE_WORKER_CONNECTIONS": "4"},
    ),
]
# A 2,000-character text, so the workers' CPU rather than the load client limits the rate.
SMALL = json.dumps({"text": prose(2_000), "strategy": "sentence", "chunk_size": 500}).encode()


async def _slow_client(port: int, until: float) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    writer.write(
        b"POST /chunking HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100000\r\n\r\n"
    )
    try:
        while time.monotonic() < until:
            writer.write(b" ")
            await writer.drain()
            await asyncio.sleep(0.2)
    except OSError:
        pass
    finally:
        writer.close()


async def _probe(port: int) -> float | None:
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout=1)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        line = await asyncio.wait_for(reader.readline(), timeout=1 - (time.perf_counter() - started))
        writer.close()
    except (TimeoutError, OSError, ValueError):
        return None
    return time.perf_counter() - started if b" 200 " in line else None


def slow_clients(server: Server, clients: int = 4, seconds: float = 5) -> tuple[int, int, float]:
    """Probes answered within 1 s, probes sent, and the slowest answered probe in seconds."""

    async def main() -> tuple[int, int, float]:
        until = time.monotonic() + seconds + 1
        slow = [asyncio.create_task(_slow_client(server.port, until)) for _ in range(clients)]
        await asyncio.sleep(0.5)
        probes: list[asyncio.Task[float | None]] = []
        while time.monotonic() < until - 1:
            probes.append(asyncio.create_task(_probe(server.port)))
            await asyncio.sleep(0.1)
        answers = list(await asyncio.gather(*probes))
        await asyncio.gather(*slow)
        ok = [a for a in answers if a is not None]
        return len(ok), len(answers), max(ok, default=float("nan"))

    return asyncio.run(main())


def kept_alive(server: Server, seconds: float) -> tuple[float, float, float]:
    """Requests/s of eight kept-alive clients, worker CPU µs per request, and the busiest worker's share."""
    before = server.log.stat().st_size
    mix = [call("small", "POST", "/chunking", SMALL, "application/json")]
    cpu = server.cpu_seconds()
    result = run_load(server.port, mix, clients=8, seconds=seconds)
    cpu = server.cpu_seconds() - cpu
    time.sleep(0.2)
    with server.log.open("rb") as log:
        log.seek(before)
        pids = Counter(
            entry.get("pid")
            for line in log
            if line.startswith(b"{") and (entry := json.loads(line)).get("path") == "/chunking"
        )
    busiest = max(pids.values(), default=0) / max(1, sum(pids.values()))
    assert not result.errors, result.errors
    return result.rate(), cpu / result.count * 1e6, busiest


def measure(args: argparse.Namespace, tmp: Path) -> list[str]:
    rows = [
        "| worker model | /healthz answered within 1 s, 4 slow clients | slowest answer | "
        "req/s, 8 clients, median (min–max) | worker CPU µs per request | runs with one worker > 75 % "
        "| each run: req/s @ busiest worker's share |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, env in CANDIDATES:
        env = {"CHUNKWISE_WORKER_CLASS": "gthread", "CHUNKWISE_THREADS": "4", **env}
        server = start(tmp, env={**env, "CHUNKWISE_WORKERS": "2", "CHUNKWISE_MAX_REQUESTS": "0"})
        try:
            run_load(server.port, [call("warm", "POST", "/chunking", SMALL, "application/json")], 4, 1.0)
            slow = [slow_clients(server) for _ in range(args.slow_runs)]
            runs = [kept_alive(server, args.seconds) for _ in range(args.runs)]
        finally:
            stop(server)
        ok, sent = sum(s[0] for s in slow), sum(s[1] for s in slow)
        slowest = max((s[2] for s in slow if s[0]), default=float("nan"))
        rates = [rate for rate, _, _ in runs]
        cpu = statistics.median(c for _, c, _ in runs)
        each = " ".join(f"{rate:.0f}@{share:.0%}" for rate, _, share in runs)
        lopsided = sum(1 for _, _, share in runs if share > 0.75)
        rows.append(
            f"| {label} | {ok}/{sent} ({ok / sent:.0%}) | {slowest * 1000:.0f} ms | "
            f"{statistics.median(rates):.0f} ({min(rates):.0f}–{max(rates):.0f}) | {cpu:.0f} | "
            f"{lopsided} of {len(runs)} | {each} |"
        )
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=12, help="kept-alive runs per worker model")
    parser.add_argument("--slow-runs", type=int, default=6, help="slow-client runs per worker model")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one kept-alive run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = measure(args, Path(tmp))
    print()
    print("\n".join(rows))


if __name__ == "__main__":
    main()
