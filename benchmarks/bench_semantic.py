"""Semantic chunking speed: chunkwise's stages beside LangChain's SemanticChunker on the same TF-IDF vectors.

Run from the repository root::

    python -m benchmarks.bench_semantic [--sizes 0.1,1,10] [--repeat 3] [--layout wrapped]

Every contender gets the same document (``benchmarks.corpus.prose``):

* chunkwise ``analyze(text, SemanticOptions())``, the code behind
  ``/semantic-chunking`` with its defaults, timed end to end and stage by
  stage: split into sentences (``split_units``), vectorise (stemmed term
  counts), similarities (window sums, TF-IDF weights, cosines), threshold
  (the ``gap`` method and the suggestion), grouping (groups and their
  explanations). "with JSON" adds building the response body and encoding it.
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

from benchmarks.corpus import LAYOUTS, prose, source_files

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
    from app.core.chunkers.semantic import SemanticOptions, split_units
    from app.core.chunkers.similarity import similarities_from_counts, term_counts
    from app.core.chunkers.thresholds import choose_threshold, suggest_threshold

    options = SemanticOptions()
    best = dict.fromkeys(STAGES, float("inf"))
    for _ in range(repeat):
        gc.collect()
        marks = [time.perf_counter()]
        units = split_units(text, options.split_by)
        marks.append(time.perf_counter())
        counts = term_counts([text[s:e] for s, e in units])
        marks.append(time.perf_counter())
        sims = similarities_from_counts(counts, len(units), options.window)
        marks.append(time.perf_counter())
        threshold = choose_threshold(sims, options.threshold_method, options.threshold_amount)
        assert threshold is not None
        suggest_threshold(sims, threshold)
        marks.append(time.perf_counter())
        describe(split_below(sims, threshold), sims)
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
    from app.web.routes.semantic import semantic_payload

    options = SemanticOptions()
    analyze(text[:WARM_UP_CHARS], options)
    total, result = _best(lambda: analyze(text, options), repeat)
    with_json, _ = _best(lambda: json.dumps(semantic_payload(text, analyze(text, options))), repeat)
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


def _print(results: dict[int, dict[str, Any]], repeat: int, layout: str) -> None:
    print("## Semantic chunking speed\n")
    print(f"- Python {platform.python_version()} on {platform.machine()}, {platform.platform()}")
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_semantic", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sizes", default="0.1,1,10", help="document sizes in MB, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement, the best is kept")
    parser.add_argument("--layout", choices=sorted(LAYOUTS), default="wrapped")
    parser.add_argument("--lists-up-to", type=float, default=1, help="largest MB for LangChain with lists")
    parser.add_argument("--no-langchain", action="store_true", help="measure chunkwise only")
    args = parser.parse_args(argv)
    sizes = sorted({int(float(s) * MB) for s in args.sizes.split(",") if s.strip()})
    results = {
        size: measure(
            prose(size, args.layout), args.repeat, size <= args.lists_up_to * MB, not args.no_langchain
        )
        for size in sizes
    }
    _print(results, args.repeat, args.layout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
