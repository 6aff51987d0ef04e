"""What HTTP costs: POST /chunking through a live gunicorn against the same work in-process.

One document, ``corpus.distinct_prose(1_000_000)`` (1 MB of real prose in which
no paragraph repeats), split by ``recursive`` with ``chunk_size`` 1000 and
``chunk_overlap`` 0, four ways in one run:

* ``http``: ``POST /chunking`` with a JSON body to gunicorn (one worker,
  the project's ``gunicorn.conf.py``) on loopback, the response read whole;
* ``minimal app``: the same request to ``benchmarks/ceiling.py`` under the
  same gunicorn, which parses the body and echoes the text back as one
  chunk: what moving these bytes through HTTP costs with no work at all;
* ``in-process``: ``RecursiveChunker`` plus ``chunking_result`` and
  the service's JSON encoding of the result (``app.web.jsonio.dumps_body``),
  i.e. the same chunks and the same bytes without the server; and once more
  with the standard library's ``json.dumps`` in place of the service's
  encoder, what a Python caller of the chunker would write;
* ``langchain``: ``RecursiveCharacterTextSplitter(chunk_size=1000,
  chunk_overlap=0).split_text`` in-process (requirements-bench.txt).

Each is timed cold (the first call) and warm (the median of ``--runs``). The
benchmark process sets the garbage collector as a gunicorn worker does
(:func:`app.core.gc_tuning.tune_for_requests`), so both sides of the ratio pay
the same for it.
Run: ``python -m benchmarks.bench_http [--runs 15]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from app.core.gc_tuning import tune_for_requests
from benchmarks import httpload
from benchmarks.corpus import distinct_prose

SIZE = 1_000_000
OPTIONS = {"strategy": "recursive", "chunk_size": 1000, "chunk_overlap": 0}


def timed(work: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """Seconds of the first call, and the median and the fastest of ``runs`` more.

    On a shared machine the fastest run is the one least disturbed by other
    work; the median says what a caller usually waits.
    """
    start = time.perf_counter()
    work()
    cold = time.perf_counter() - start
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        warm.append(time.perf_counter() - start)
    return cold, statistics.median(warm), min(warm)


def in_process(text: str) -> Callable[[], object]:
    """The chunks and the response bytes /chunking would give, without HTTP."""
    from app.core.chunkers.recursive import RecursiveChunker
    from app.core.serialize import chunking_result
    from app.web.jsonio import dumps_body

    def work() -> bytes:
        chunker = RecursiveChunker(chunk_size=1000, chunk_overlap=0)
        return dumps_body(chunking_result("recursive", chunker, chunker.chunk(text)))

    return work


def in_process_stdlib(text: str) -> Callable[[], object]:
    """The same chunks and response document, encoded by ``json.dumps``."""
    from app.core.chunkers.recursive import RecursiveChunker
    from app.core.serialize import chunking_result

    def work() -> bytes:
        chunker = RecursiveChunker(chunk_size=1000, chunk_overlap=0)
        return json.dumps(chunking_result("recursive", chunker, chunker.chunk(text))).encode()

    return work


def chunks_only(text: str) -> Callable[[], object]:
    """The chunks alone, as LangChain's splitter gives its strings alone."""
    from app.core.chunkers.recursive import RecursiveChunker

    chunker = RecursiveChunker(chunk_size=1000, chunk_overlap=0)
    return lambda: chunker.chunk(text)


def langchain(text: str) -> Callable[[], object]:
    """LangChain's recursive splitter with the same size and overlap."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=0)
    return lambda: splitter.split_text(text)


def over_http(port: int, text: str) -> Callable[[], object]:
    """POST /chunking on one kept-alive connection; the body is read whole."""
    body = json.dumps({"text": text, **OPTIONS}).encode()
    connection = http.client.HTTPConnection(httpload.HOST, port, timeout=120)

    def work() -> bytes:
        connection.request("POST", "/chunking", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"/chunking answered {response.status}: {data[:300]!r}")
        return data

    return work


def main() -> None:
    """Print the timings as a Markdown table, then the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    text = distinct_prose(SIZE)
    tune_for_requests()
    load_before = os.getloadavg()
    rows: dict[str, tuple[float, float, float]] = {}
    servers = {
        "chunkwise POST /chunking via gunicorn": "wsgi:app",
        # The floor HTTP sets: the same body in and about as many bytes out,
        # through the same gunicorn, by an app that only parses and echoes.
        "minimal Flask app via gunicorn (parses, echoes the text)": "benchmarks.ceiling:app",
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, target in servers.items():
            env = {"CHUNKWISE_WORKERS": "1", "CHUNKWISE_LOG_LEVEL": "INFO"}
            server = httpload.start(Path(tmp), target, env)
            try:
                rows[name] = timed(over_http(server.port, text), runs)
            finally:
                httpload.stop(server)
    rows["chunkwise in-process + JSON encoding"] = timed(in_process(text), runs)
    rows["chunkwise in-process + json.dumps"] = timed(in_process_stdlib(text), runs)
    rows["chunkwise RecursiveChunker.chunk in-process"] = timed(chunks_only(text), runs)
    rows["LangChain RecursiveCharacterTextSplitter.split_text"] = timed(langchain(text), runs)
    # On a shared machine the figures mean little without the load beside them.
    loads = " → ".join(", ".join(f"{x:.2f}" for x in avg) for avg in (load_before, os.getloadavg()))
    print(f"{len(text):,} characters, recursive 1000/0, {runs} warm runs; load average {loads}\n")
    print("| way | cold ms | warm median ms | warm best ms |\n|---|---:|---:|---:|")
    for name, (cold, median, best) in rows.items():
        print(f"| {name} | {cold * 1000:.1f} | {median * 1000:.1f} | {best * 1000:.1f} |")
    for column, label in ((1, "median"), (2, "best")):
        http_ms, floor_ms, local_ms, stdlib_ms, chunk_ms, lc_ms = (rows[k][column] for k in rows)
        print(
            f"\n{label}: HTTP / in-process {http_ms / local_ms:.2f}x "
            f"(with json.dumps {http_ms / stdlib_ms:.2f}x); "
            f"HTTP / minimal app {http_ms / floor_ms:.2f}x; "
            f"LangChain / chunk {lc_ms / chunk_ms:.2f}x; LangChain / HTTP {lc_ms / http_ms:.2f}x"
        )


if __name__ == "__main__":
    main()
