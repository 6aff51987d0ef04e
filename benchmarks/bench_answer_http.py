"""/answer over HTTP: live gunicorn with two workers, the first question and ten follow-ups.

Run from the repository root::

    python -m benchmarks.bench_answer_http [--sizes 100,1000,10000] [--follow-ups 10] [--no-redis] [--utf8]

For each store (the default shared directory, then Redis when
``redis-server`` is installed; it is started on a free loopback port with
``maxmemory`` 256 MB and ``allkeys-lru``, and stopped at the end) and each
size, a fresh gunicorn (the project's ``gunicorn.conf.py``, 2 workers) is
started, and:

* **cold**: the first question on chunks the server has never seen, in a
  fresh server (fit, store, answer);
* **warm**: the first question on another set of new chunks of the same
  size, once the worker has answered before (its stem memo holds the common
  words);
* **follow-ups**: ten more questions on the cold chunks, each on a new
  connection, so gunicorn hands each to whichever worker is free: medians
  and the spread, and where the index came from (``/metrics`` before and
  after: the worker's memory, the shared store, or a refit).

Times are client-side: from sending the request to reading the whole
response, request body pre-encoded. Chunks come from
``benchmarks.chunk_corpus.distinct_chunks`` (real text, no paragraph used
twice, ~575 characters); the cold and warm sets never overlap.

In-process baselines on the same chunks, best of three: chunkwise's
``retrieval.fit`` alone, scikit-learn's ``TfidfVectorizer`` (its defaults;
fit, then one question by cosine) and bm25s (its own tokenizer with English
stop words; index, then one question), with the HTTP figures beside them.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.chunk_corpus import distinct_chunks
from benchmarks.httpload import HOST, Server, free_port, start, stop

QUESTIONS = (
    "Can I charge a fee for distributing copies of the program?",
    "What happens to my license if I violate the terms?",
    "How do I install the package with pip?",
    "Is there any warranty for the software?",
    "Which versions of Python are supported?",
    "Where must the copyright notice appear in source files?",
    "How do I report a bug?",
    "What changed in this release?",
    "Does the licence grant patent rights to contributors?",
    "How is the configuration file read?",
    "Can the library be used from several threads?",
)
TARGET_FIT_MS = 100
TARGET_FOLLOW_UP_MS = 20


@dataclass
class Run:
    """What one size on one store gave (times in ms: wall at the client, CPU in the workers)."""

    store: str
    size: int
    chars: int
    cold_ms: float
    warm_ms: float
    follow_ups_ms: list[float]
    cold_cpu_ms: float
    warm_cpu_ms: float
    follow_up_cpu_ms: float
    levels: dict[str, float]


def cpu_ms(server: Server) -> float:
    """CPU time the workers' threads have used so far, in ms, from /proc's schedstat (ns resolution).

    On a shared machine the wall time of a request includes waiting for a
    core; its CPU time does not.
    """
    total = 0
    for pid in server.worker_pids():
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                continue
    return total / 1e6


def _post(port: int, body: bytes) -> tuple[float, dict]:
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        began = time.perf_counter()
        connection.request("POST", "/answer", body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        payload = response.read()
        elapsed = (time.perf_counter() - began) * 1000
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"/answer answered {response.status}: {payload[:300]!r}")
    return elapsed, json.loads(payload)


def _lookups(server: Server) -> dict[str, float]:
    connection = http.client.HTTPConnection(HOST, server.port, timeout=30)
    try:
        connection.request("GET", "/metrics")
        text = connection.getresponse().read().decode()
    finally:
        connection.close()
    found: dict[str, float] = {}
    for level, result, value in re.findall(
        r'chunkwise_answer_cache_lookups_total\{level="(\w+)",result="(\w+)"\} (\S+)', text
    ):
        found[f"{level} {result}"] = float(value)
    for result, value in re.findall(r'chunkwise_answer_cache_total\{result="(\w+)"\} (\S+)', text):
        found[f"all {result}"] = float(value)
    return found


def _body(question: str, chunks: list[str], utf8: bool) -> bytes:
    # Python's json.dumps escapes non-ASCII text (\u00e9); JavaScript's JSON.stringify and
    # most other clients send it as UTF-8 (--utf8).
    return json.dumps({"question": question, "chunks": chunks}, ensure_ascii=not utf8).encode()


def measure(
    store: str, env: dict[str, str], size: int, follow_ups: int, pool: list[str], tmp: Path, utf8: bool
) -> Run:
    """Start a fresh server, ask the cold, warm and follow-up questions, stop it."""
    cold_chunks, warm_chunks = pool[:size], pool[size : 2 * size]
    server = start(tmp, env={"CHUNKWISE_WORKERS": "2", **env})
    try:
        cold_body, warm_body = _body(QUESTIONS[0], cold_chunks, utf8), _body(QUESTIONS[0], warm_chunks, utf8)
        questions = [QUESTIONS[1 + i % (len(QUESTIONS) - 1)] for i in range(follow_ups)]
        bodies = [_body(question, cold_chunks, utf8) for question in questions]
        cpu = [cpu_ms(server)]
        cold_ms, _ = _post(server.port, cold_body)
        cpu.append(cpu_ms(server))
        warm_ms, _ = _post(server.port, warm_body)
        cpu.append(cpu_ms(server))
        before = _lookups(server)
        cpu.append(cpu_ms(server))
        times = [_post(server.port, body)[0] for body in bodies]
        cpu.append(cpu_ms(server))
        after = _lookups(server)
    finally:
        stop(server)
    levels = {k: after.get(k, 0) - before.get(k, 0) for k in after if after.get(k, 0) != before.get(k, 0)}
    cpus = (cpu[1] - cpu[0], cpu[2] - cpu[1], (cpu[4] - cpu[3]) / follow_ups)
    return Run(store, size, sum(map(len, cold_chunks)), cold_ms, warm_ms, times, *cpus, levels)


def _best(run: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - began)
    return best * 1000


def baselines(sizes: Sequence[int], pool: list[str]) -> dict[tuple[str, int], float]:
    """Fit plus one question, in this process, best of three."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from app.core import retrieval

    results: dict[tuple[str, int], float] = {}
    for size in sizes:
        chunks = pool[:size]

        def sklearn_tfidf(chunks: list[str] = chunks) -> None:
            vectorizer = TfidfVectorizer()
            matrix = vectorizer.fit_transform(chunks)
            scores = (matrix @ vectorizer.transform([QUESTIONS[0]]).T).toarray().ravel()
            np.argsort(-scores)[:3]

        def chunkwise_fit(chunks: list[str] = chunks) -> None:
            retrieval.answer(retrieval.fit(chunks, "bm25"), QUESTIONS[0], chunks, top_k=3, min_score=0)

        results[("chunkwise fit + answer (in-process)", size)] = _best(chunkwise_fit)
        results[("scikit-learn TfidfVectorizer", size)] = _best(sklearn_tfidf)
        try:
            import bm25s
        except ImportError:
            continue

        def bm25s_run(chunks: list[str] = chunks) -> None:
            model = bm25s.BM25()
            model.index(bm25s.tokenize(chunks, stopwords="en", show_progress=False), show_progress=False)
            model.retrieve(bm25s.tokenize([QUESTIONS[0]], stopwords="en", show_progress=False), k=3,
                           show_progress=False)  # fmt: skip

        results[("bm25s", size)] = _best(bm25s_run)
    return results


@contextmanager
def redis_server(tmp: Path) -> Iterator[str | None]:
    """A throwaway redis-server on a free loopback port, or None when it is not installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    import redis

    port = free_port()
    command = [binary, "--bind", HOST, "--port", str(port), "--save", "", "--appendonly", "no",
               "--dir", str(tmp), "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://{HOST}:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def print_runs(runs: list[Run]) -> None:
    print("Wall time at the client (server CPU time of the workers in brackets; follow-ups: mean CPU).\n")
    print("| store | chunks | characters | cold: first question (fit) | warm: first question, new chunks |"
          " follow-up median | follow-ups min–max | where the follow-ups found the index |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for run in runs:
        levels = ", ".join(f"{k}: {v:g}" for k, v in sorted(run.levels.items()))
        print(
            f"| {run.store} | {run.size:,} | {run.chars:,} | {run.cold_ms:.1f} ms ({run.cold_cpu_ms:.1f}) |"
            f" {run.warm_ms:.1f} ms ({run.warm_cpu_ms:.1f}) |"
            f" {_median(run.follow_ups_ms):.1f} ms ({run.follow_up_cpu_ms:.1f}) |"
            f" {min(run.follow_ups_ms):.1f}–{max(run.follow_ups_ms):.1f} ms | {levels} |"
        )


def print_baselines(results: dict[tuple[str, int], float], sizes: Sequence[int]) -> None:
    names = sorted({name for name, _ in results})
    print(
        "| in-process, fit + one question (best of 3) | " + " | ".join(f"{s:,} chunks" for s in sizes) + " |"
    )
    print("|---|" + "---:|" * len(sizes))
    for name in names:
        cells = [f"{results[(name, s)]:.1f} ms" if (name, s) in results else "—" for s in sizes]
        print(f"| {name} | " + " | ".join(cells) + " |")


def print_targets(runs: list[Run]) -> None:
    for run in runs:
        if run.size == 1000:
            ok = run.cold_ms <= TARGET_FIT_MS
            print(f"- {run.store}: first question on 1,000 chunks {run.cold_ms:.1f} ms "
                  f"(target ≤ {TARGET_FIT_MS} ms): {'met' if ok else 'missed'}")  # fmt: skip
        if run.size == 10000:
            median = _median(run.follow_ups_ms)
            ok = median <= TARGET_FOLLOW_UP_MS
            print(f"- {run.store}: follow-up median on 10,000 chunks {median:.1f} ms "
                  f"(target ≤ {TARGET_FOLLOW_UP_MS} ms): {'met' if ok else 'missed'}")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="100,1000,10000", help="chunk counts, comma-separated")
    parser.add_argument("--follow-ups", type=int, default=10)
    parser.add_argument("--no-redis", action="store_true", help="only the shared directory")
    parser.add_argument("--utf8", action="store_true", help="send non-ASCII text as UTF-8, not \\u escapes")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    pool = distinct_chunks(2 * max(sizes))
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at start; corpus: benchmarks.chunk_corpus.distinct_chunks; "
          f"bodies: {'UTF-8' if args.utf8 else 'ASCII with escapes'}")  # fmt: skip
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="bench-answer-") as name:
        tmp = Path(name)
        stores: list[tuple[str, dict[str, str]]] = [("directory", {})]
        with redis_server(tmp) as url:
            if url and not args.no_redis:
                stores.append(("redis", {"CHUNKWISE_REDIS_URL": url}))
            elif not args.no_redis:
                print("redis-server is not installed: Redis rows left out", file=sys.stderr)
            for store, env in stores:
                for size in sizes:
                    runs.append(measure(store, env, size, args.follow_ups, pool, tmp, args.utf8))
                    print(f"  {store} {size}: done", file=sys.stderr)
    print()
    print_runs(runs)
    print()
    print_baselines(baselines(sizes, pool), sizes)
    print()
    print_targets(runs)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
