"""Load test: chunkwise under gunicorn on 127.0.0.1, beside a minimal Flask endpoint under the same settings.

Run from the repository root::

    python -m benchmarks.load [--seconds 15] [--clients 8] [--memory-requests 20000] [--rounds 2]

Each server is the project's ``gunicorn.conf.py`` with its defaults (2 gthread
workers, 4 threads, keep-alive off), except ``CHUNKWISE_MAX_REQUESTS=0``: a
recycled worker would hide memory growth. The client is
``benchmarks.httpload`` (asyncio, one connection per simulated client).

1. **Ceiling and small requests, side by side.** The same small
   ``POST /chunking`` JSON request (a 200-character text, recursive,
   ``chunk_size`` 100) against ``benchmarks/ceiling.py`` (parse JSON, answer
   one chunk) and against chunkwise, alternating ``--rounds`` times; the best
   round of each counts. Target: chunkwise at >= 0.67 of the ceiling's
   requests/s.
2. **Mixed workload** for ``--seconds``: every strategy on small and
   medium texts, JSON, text/plain and multipart bodies, /semantic-chunking and
   /answer when the server has them (read from /openapi.json), health,
   metrics, and requests that must fail with a 4xx. An error is a transport
   failure or any status other than the expected one. Target: zero errors.
3. **Memory.** ``--memory-requests`` of the mixed workload on a fresh
   server; resident memory (VmRSS) of each worker after a warm-up of 1000
   requests and at the end. Target: growth <= 10 %.

The output is Markdown, ready for ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from benchmarks.corpus import prose
from benchmarks.httpload import Call, Result, Server, call, percentile, rss_mib, run_load, start, stop

SETTINGS = {"CHUNKWISE_MAX_REQUESTS": "0", "CHUNKWISE_LOG_LEVEL": "INFO"}
JSON_TYPE = "application/json"


def small_call() -> Call:
    text = prose(200)
    body = json.dumps({"text": text, "strategy": "recursive", "chunk_size": 100}).encode()
    return call("small /chunking", "POST", "/chunking", body, JSON_TYPE)


def _multipart(text: str) -> tuple[bytes, str]:
    boundary = "chunkwise-bench-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="doc.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\n{text}\r\n",
        f'--{boundary}\r\nContent-Disposition: form-data; name="strategy"\r\n\r\nparagraph\r\n',
        f"--{boundary}--\r\n",
    ]
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


def mixed_calls(paths: set[str]) -> list[Call]:
    """One round of the mixed workload; the load client cycles through it."""
    small, medium = prose(300), prose(5_000)
    markdown = "# Guide\n\n" + prose(1_500).replace("\n\n", "\n\n## Part\n\n", 3)
    html = "<h1>Notes</h1>" + "".join(f"<p>{p}</p>" for p in prose(2_000).split("\n\n"))
    chat = "\n".join(f"[09:{i:02d}] {'Ana' if i % 2 else 'Ben'}: message number {i}" for i in range(40))
    pages = "\f".join(prose(600) for _ in range(3))

    def chunking(name: str, text: str, **options: object) -> Call:
        body = json.dumps({"text": text, **options}).encode()
        return call(f"/chunking {name}", "POST", "/chunking", body, JSON_TYPE)

    upload, upload_type = _multipart(medium)
    calls = [
        small_call(),
        small_call(),
        chunking("recursive 5k", medium, chunk_size=500, chunk_overlap=50),
        chunking("fixed words", medium, strategy="fixed", chunk_size=80, unit="words"),
        chunking("paragraph", medium, strategy="paragraph", chunk_size=800),
        chunking("markdown", markdown, strategy="markdown", chunk_size=400),
        chunking("html", html, strategy="html", chunk_size=400),
        chunking("chat", chat, strategy="chat", chunk_size=300, time_gap=600),
        chunking("page", pages, strategy="page", chunk_size=700),
        chunking("topic", medium, strategy="topic", chunk_size=1000),
        call(
            "/chunking sentence text/plain",
            "POST",
            "/chunking?strategy=sentence&chunk_size=300",
            medium.encode(),
            "text/plain",
        ),
        call("/chunking multipart", "POST", "/chunking", upload, upload_type),
        call("GET /healthz", "GET", "/healthz"),
        call("GET /readyz", "GET", "/readyz"),
        call(
            "400 chunk_size 0",
            "POST",
            "/chunking",
            json.dumps({"text": small, "chunk_size": 0}).encode(),
            JSON_TYPE,
            400,
        ),
        call("404", "GET", "/nowhere", expect=404),
        call("415", "POST", "/chunking", b"<x/>", "application/xml", 415),
    ]
    if "/semantic-chunking" in paths:
        calls.append(chunking("semantic", small, strategy="semantic"))
        body = json.dumps({"text": prose(2_000)}).encode()
        calls.append(call("/semantic-chunking", "POST", "/semantic-chunking", body, JSON_TYPE))
    if "/answer" in paths:
        chunks = prose(4_000).split("\n\n")
        for question in ("Who may copy the program?", "What does the licence cover?"):
            body = json.dumps({"question": question, "chunks": chunks}).encode()
            calls.append(call("/answer", "POST", "/answer", body, JSON_TYPE))
    calls.append(call("GET /metrics", "GET", "/metrics"))
    return calls


def served_paths(server: Server) -> set[str]:
    with urllib.request.urlopen(server.url + "/openapi.json", timeout=30) as response:
        return set(json.loads(response.read())["paths"])


def summary(result: Result, cpu: float) -> str:
    lat = result.all_latencies
    errors = sum(result.errors.values())
    return (
        f"{result.rate():.0f} | {cpu / result.count * 1e6:.0f} | {percentile(lat, 0.5) * 1000:.1f} | "
        f"{percentile(lat, 0.99) * 1000:.1f} | {result.count} | {errors}"
    )


def measured(server: Server, calls: list[Call], clients: int, seconds: float) -> tuple[Result, float]:
    """A timed run and the workers' CPU seconds it took."""
    cpu = server.cpu_seconds()
    result = run_load(server.port, calls, clients, seconds)
    return result, server.cpu_seconds() - cpu


def side_by_side(tmp: Path, args: argparse.Namespace) -> list[str]:
    rows = [
        "| server | requests/s | worker CPU µs per request | p50 ms | p99 ms | requests | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    ceiling = "Flask ceiling (benchmarks/ceiling.py)"
    best: dict[str, tuple[Result, float]] = {}
    for round_ in range(args.rounds):
        for label, target in ((ceiling, "benchmarks.ceiling:app"), ("chunkwise", "wsgi:app")):
            server = start(tmp, target, SETTINGS)
            try:
                run_load(server.port, [small_call()], args.clients, 2.0)  # warm-up
                result, cpu = measured(server, [small_call()], args.clients, args.seconds)
            finally:
                stop(server)
            print(f"round {round_ + 1}: {label}: {summary(result, cpu)}", flush=True)
            if label not in best or result.rate() > best[label][0].rate():
                best[label] = (result, cpu)
    for label, (result, cpu) in best.items():
        rows.append(f"| {label} | {summary(result, cpu)} |")
    ratio = best["chunkwise"][0].rate() / best[ceiling][0].rate()

    def per_request(label: str) -> float:
        return best[label][1] / best[label][0].count

    cpu_ratio = per_request(ceiling) / per_request("chunkwise")
    rows.append("")
    rows.append(
        f"Small `/chunking` at **{ratio:.2f}** of the ceiling's requests/s (target >= 0.67); "
        f"by worker CPU per request, **{cpu_ratio:.2f}**."
    )
    return rows


def mixed(tmp: Path, args: argparse.Namespace) -> list[str]:
    server = start(tmp, "wsgi:app", SETTINGS)
    try:
        calls = mixed_calls(served_paths(server))
        run_load(server.port, calls, args.clients, 2.0)
        result, cpu = measured(server, calls, args.clients, args.seconds)
    finally:
        stop(server)
    lat = result.all_latencies
    rows = [
        f"Mixed workload, {len(calls)} kinds of request, {args.clients} clients, {result.seconds:.0f} s: "
        f"**{result.rate():.0f} requests/s** ({cpu / result.count * 1e6:.0f} µs of worker CPU per request), "
        f"p50 {percentile(lat, 0.5) * 1000:.1f} ms, p99 {percentile(lat, 0.99) * 1000:.1f} ms, "
        f"**{sum(result.errors.values())} errors** in {result.count} requests.",
        "",
        "| request | count | p50 ms | p99 ms |",
        "|---|---|---|---|",
    ]
    for name, times in sorted(result.latencies.items()):
        p50, p99 = percentile(times, 0.5) * 1000, percentile(times, 0.99) * 1000
        rows.append(f"| {name} | {len(times)} | {p50:.1f} | {p99:.1f} |")
    if result.errors:
        rows += ["", f"Errors: {result.errors}"]
    return rows


def memory(tmp: Path, args: argparse.Namespace) -> list[str]:
    server = start(tmp, "wsgi:app", SETTINGS)
    try:
        calls = mixed_calls(served_paths(server))
        run_load(server.port, calls, args.clients, 120, max_requests=1000)
        pids = server.worker_pids()
        before = {pid: rss_mib(pid) for pid in pids}
        result = run_load(
            server.port, calls, args.clients, args.memory_seconds, max_requests=args.memory_requests
        )
        assert server.worker_pids() == pids, "a worker was replaced during the memory check"
        after = {pid: rss_mib(pid) for pid in pids}
    finally:
        stop(server)
    rows = [
        f"{result.count} requests of the mixed workload in {result.seconds:.0f} s "
        f"({sum(result.errors.values())} errors), after a warm-up of 1000:",
        "",
        "| worker | RSS after warm-up MiB | RSS at end MiB | growth |",
        "|---|---|---|---|",
    ]
    for pid in pids:
        growth = (after[pid] / before[pid] - 1) * 100
        rows.append(f"| {pid} | {before[pid]:.1f} | {after[pid]:.1f} | {growth:+.1f} % |")
    total_before, total_after = sum(before.values()), sum(after.values())
    rows.append(
        f"| all | {total_before:.1f} | {total_after:.1f} | {(total_after / total_before - 1) * 100:+.1f} % |"
    )
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each timed run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections")
    parser.add_argument("--rounds", type=int, default=2, help="alternating ceiling/chunkwise rounds")
    parser.add_argument("--memory-requests", type=int, default=20_000, help="requests of the memory check")
    parser.add_argument("--memory-seconds", type=float, default=600.0, help="time limit of the memory check")
    args = parser.parse_args(argv)
    print(
        f"Python {platform.python_version()}, {platform.machine()}, {time.strftime('%Y-%m-%d')}\n", flush=True
    )
    with tempfile.TemporaryDirectory() as tmp:
        sections = [
            ("Small requests beside the framework ceiling", side_by_side(Path(tmp), args)),
            ("Mixed workload", mixed(Path(tmp), args)),
            ("Worker memory", memory(Path(tmp), args)),
        ]
    for title, rows in sections:
        print(f"\n#### {title}\n")
        print("\n".join(rows))


if __name__ == "__main__":
    main()
