"""Semantic chunking speed: chunkwise's stages beside LangChain's SemanticChunker on the same TF-IDF vectors.

Run from the repository root::

    python -m benchmarks.bench_semantic [--sizes 0.1,1,10] [--repeat 3] [--layout wrapped]
        [--corpus prose|distinct] [--http 1,10]

Every contender gets the same document: ``benchmarks.corpus.prose`` (the
licence texts, repeated to the size) or, with ``--corpus distinct``,
``benchmarks.corpus.distinct_prose`` (licences, then Debian documentation,
no paragraph twice: ten times as many distinct words at 10 MB):

* chunkwise ``analyze(text, SemanticOptions())``, the code behind
  ``/semantic-chunking`` with its defaults, timed end to end and stage by
  stage: split into sentences (``split_units``), vectorise (stemmed term
  counts), similarities (window sums, TF-IDF weights, cosines), threshold
  (the ``depth`` method and the suggestion), grouping (groups and their
  explanations). "with JSON" adds building the response body and encoding it
  as the server does (``app.web.jsonio.dumps_body``, orjson).
* LangChain ``SemanticChunker.split_text(text)`` (langchain-experimental,
  default options: ``buffer_size=1``, percentile 95) with an ``Embeddings``
  adapter over the same TF-IDF vectors (``benchmarks/tfidf_embeddings.py``);
  embedding is part of its time, as vectorising is part of ours. Twice:
  "lists", the vectors as lists of floats as the ``Embeddings`` interface
  declares (and as an embedding model's client returns them); and "best
  case", float32 numpy rows and LangChain's per-pair lookup of the optional
  simsimd package short-circuited. Lists of a 10 MB document's vectors need
  several GB, so "lists" runs only up to ``--lists-up-to`` MB.

Each figure is the best of ``--repeat`` runs after ``gc.collect()`` and a
warm-up call on a small text. MB = 10^6 characters. The output is Markdown.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import platform
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.corpus import LAYOUTS, distinct_prose, prose, source_files

MB = 1_000_000
WARM_UP_CHARS = 20_000
STAGES = ("split", "vectorise", "similarities", "threshold", "grouping")
LANGCHAIN = ("lists", "best case")


def _best(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def stage_times(text: str, repeat: int) -> dict[str, float]:
    """Best time of each stage of ``analyze`` with the default options, run one after another."""
    from app.core.chunkers.grouping import describe, split_below
    from app.core.chunkers.semantic import DEFAULT_WINDOWS, SemanticOptions, split_units
    from app.core.chunkers.similarity import similarities_from_counts, term_counts
    from app.core.chunkers.thresholds import choose_threshold, cohesion, suggest_threshold

    options = SemanticOptions()
    window = DEFAULT_WINDOWS[options.similarity]
    best = dict.fromkeys(STAGES, float("inf"))
    for _ in range(repeat):
        gc.collect()
        marks = [time.perf_counter()]
        units = split_units(text, options.split_by)
        marks.append(time.perf_counter())
        counts = term_counts([text[s:e] for s, e in units])
        marks.append(time.perf_counter())
        sims = similarities_from_counts(counts, len(units), window)
        marks.append(time.perf_counter())
        curve = cohesion(sims)
        threshold = choose_threshold(sims, "depth", options.threshold_amount)
        assert threshold is not None
        suggest_threshold(curve, threshold)
        marks.append(time.perf_counter())
        describe(split_below(curve, threshold), curve)
        marks.append(time.perf_counter())
        for stage, start, end in zip(STAGES, marks, marks[1:], strict=False):
            best[stage] = min(best[stage], end - start)
    return best


def _langchain(text: str, repeat: int, rows: str) -> float:
    from benchmarks.tfidf_embeddings import langchain_chunker, no_simsimd_lookup

    chunker = langchain_chunker(rows)
    context = no_simsimd_lookup() if rows == "numpy" else contextlib.nullcontext()
    with context:
        chunker.split_text(text[:WARM_UP_CHARS])
        seconds, _ = _best(lambda: chunker.split_text(text), repeat)
    return seconds


def measure(text: str, repeat: int, lists: bool, langchain: bool) -> dict[str, Any]:
    """Every figure for one document."""
    from app.core.chunkers.semantic import SemanticOptions, analyze
    from app.web.jsonio import dumps_body
    from app.web.routes.semantic import semantic_payload

    options = SemanticOptions()
    analyze(text[:WARM_UP_CHARS], options)
    total, result = _best(lambda: analyze(text, options), repeat)
    with_json, _ = _best(lambda: dumps_body(semantic_payload(text, analyze(text, options), options)), repeat)
    figures: dict[str, Any] = {
        "stages": stage_times(text, repeat),
        "total": total,
        "with_json": with_json,
        "units": len(result.units),
        "groups": len(result.groups),
    }
    if langchain and lists:
        figures["lists"] = _langchain(text, repeat, "list")
    if langchain:
        figures["best case"] = _langchain(text, repeat, "numpy")
    return figures


def _label(chars: int) -> str:
    return f"{chars / MB:g} MB"


def _print(results: dict[int, dict[str, Any]], repeat: int, layout: str, corpus: str) -> None:
    print("## Semantic chunking speed\n")
    print(f"- Python {platform.python_version()} on {platform.machine()}, {platform.platform()}")
    if corpus == "distinct":
        print(f"- best of {repeat}; MB = 10^6 characters; corpus `distinct_prose`: no paragraph repeats")
        print(f"- corpus sources: {', '.join(p.name for p in source_files())}, then /usr/share/doc\n")
    else:
        print(f"- best of {repeat}; MB = 10^6 characters; corpus layout `{layout}`: {LAYOUTS[layout]}")
        print(f"- corpus sources: {', '.join(p.name for p in source_files())}\n")
    heads = ["size", "units", *STAGES, "chunkwise total", "with JSON"]
    heads += [f"LangChain {v}" for v in LANGCHAIN] + [f"LangChain {v} / chunkwise" for v in LANGCHAIN]
    print("| " + " | ".join(heads) + " |")
    print("|" + "---|" * len(heads))
    for size, r in results.items():
        stages = [f"{r['stages'][s]:.3f}" for s in STAGES]
        cells = [_label(size), str(r["units"]), *stages, f"{r['total']:.3f}", f"{r['with_json']:.3f}"]
        cells += [f"{r[v]:.3f}" if v in r else "not run" for v in LANGCHAIN]
        cells += [f"{r[v] / r['total']:.1f}x" if v in r else "" for v in LANGCHAIN]
        print("| " + " | ".join(cells) + " |")
    print("\nSeconds. Cost per MB relative to the smallest document (1.00 = linear):\n")
    first = min(results)
    base = results[first]["total"] / first
    print("| size | chunkwise s/MB | relative |")
    print("|---|---|---|")
    for size, r in results.items():
        per = r["total"] / size
        print(f"| {_label(size)} | {per * MB:.3f} | {per / base:.2f} |")
    print()


def http_figures(size: int, repeat: int) -> list[str]:
    """/semantic-chunking over HTTP on a live gunicorn: cold and warm seconds, and worker memory."""
    import tempfile
    from pathlib import Path

    from benchmarks.httpload import rss_mib, start, stop

    text = distinct_prose(size)
    lines = [f"\n### Over HTTP: {len(text):,} characters of distinct prose\n"]
    # The default limits stop at 2,000,000 characters and 50,000 units; a larger text needs larger ones.
    limits = {
        "CHUNKWISE_MAX_TEXT_CHARS": str(max(2_000_000, len(text))),
        "CHUNKWISE_MAX_BODY_BYTES": str(max(10 << 20, 8 * len(text))),
        "CHUNKWISE_MAX_CHUNKS": str(max(50_000, len(text) // 20)),
    }
    with tempfile.TemporaryDirectory() as tmp:
        # Memory: a worker that has loaded nothing, then after its first embeddings request.
        cold = start(Path(tmp), env={"CHUNKWISE_WORKERS": "1", "CHUNKWISE_WARM_UP": "false"})
        try:
            pid = cold.worker_pids()[0]
            before = rss_mib(pid)
            seconds_cold = _post(cold.url, "Two sentences. To load the vectors.", "embeddings")[0]
            after = rss_mib(pid)
        finally:
            stop(cold)
        server = start(Path(tmp), env={"CHUNKWISE_WORKERS": "1", **limits})
        try:
            ready = rss_mib(server.worker_pids()[0])
            lines.append(f"| similarity | first request (s) | best of {repeat} (s) | units | groups |")
            lines.append("|---|---|---|---|---|")
            for similarity in ("tfidf", "embeddings"):
                first, body = _post(server.url, text, similarity)
                best = min(_post(server.url, text, similarity)[0] for _ in range(repeat))
                units, groups = len(body["initial_chunks"]), len(body["groups"])
                lines.append(f"| {similarity} | {first:.3f} | {best:.3f} | {units} | {groups} |")
            peak = rss_mib(server.worker_pids()[0])
        finally:
            stop(server)
    lines.append(
        f"\nWorker memory (RSS): {before:.0f} MiB with nothing loaded, {after:.0f} MiB after loading the"
        f" word vectors on demand (+{after - before:.0f} MiB; that first tiny request took"
        f" {seconds_cold:.2f} s);"
        f" {ready:.0f} MiB ready with warm-up, {peak:.0f} MiB after the {size / MB:g} MB requests."
    )
    return lines


def _post(url: str, text: str, similarity: str) -> tuple[float, dict[str, Any]]:
    import urllib.request

    request = urllib.request.Request(
        url + "/semantic-chunking",
        data=json.dumps({"text": text, "similarity": similarity}).encode(),
        headers={"Content-Type": "application/json"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        body = json.loads(response.read())
    return time.perf_counter() - started, body


def langchain_wordllama(size: int, repeat: int) -> str:
    """LangChain's SemanticChunker at its defaults over the same WordLlama vectors, in process."""
    from benchmarks.tfidf_embeddings import langchain_wordllama_chunker, no_simsimd_lookup

    text = distinct_prose(size)
    chunker = langchain_wordllama_chunker()
    with no_simsimd_lookup():
        chunker.split_text(text[:WARM_UP_CHARS])
        seconds, _ = _best(lambda: chunker.split_text(text), repeat)
    from app.core.chunkers.semantic import SemanticOptions, analyze

    ours, _ = _best(lambda: analyze(text, SemanticOptions(similarity="embeddings")), repeat)
    return (
        f"\nIn process on the same text: chunkwise `analyze` with embeddings {ours:.3f} s; LangChain"
        f" SemanticChunker over the same WordLlama vectors (numpy rows, best case) {seconds:.3f} s"
        f" ({seconds / ours:.1f}x chunkwise)."
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_semantic", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sizes", default="0.1,1,10", help="document sizes in MB, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement, the best is kept")
    parser.add_argument("--layout", choices=sorted(LAYOUTS), default="wrapped")
    parser.add_argument("--corpus", choices=("prose", "distinct"), default="prose", help="the document")
    parser.add_argument("--lists-up-to", type=float, default=1, help="largest MB for LangChain with lists")
    parser.add_argument("--no-langchain", action="store_true", help="measure chunkwise only")
    parser.add_argument("--http", default="", help="MB of distinct prose over HTTP, comma-separated")
    args = parser.parse_args(argv)
    if args.http:
        for size in sorted({int(float(s) * MB) for s in args.http.split(",") if s.strip()}):
            print("\n".join(http_figures(size, args.repeat)))
            if not args.no_langchain:
                print(langchain_wordllama(size, args.repeat))
        return 0
    sizes = sorted({int(float(s) * MB) for s in args.sizes.split(",") if s.strip()})
    results = {}
    for size in sizes:
        text = distinct_prose(size) if args.corpus == "distinct" else prose(size, args.layout)
        results[size] = measure(text, args.repeat, size <= args.lists_up_to * MB, not args.no_langchain)
    _print(results, args.repeat, args.layout, args.corpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())
