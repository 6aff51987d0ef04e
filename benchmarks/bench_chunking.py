"""Chunking throughput: chunkwise's recursive splitter beside LangChain's and semchunk's, in one run.

Run from the repository root (``make bench`` does this)::

    python -m benchmarks.bench_chunking [--sizes 1,10] [--repeat 3] [--layout wrapped] [--quick]

Every splitter gets the same document (``benchmarks.corpus.prose``), the same
``chunk_size`` of 1000 characters and the same overlap (0, then 200):

* chunkwise ``RecursiveChunker(...).chunk(text)``: ``Chunk`` objects with offsets.
* LangChain ``RecursiveCharacterTextSplitter(...).split_text(text)``: plain
  strings, no offsets; the target is measured against this.
* LangChain ``create_documents([text])`` with ``add_start_index=True``: the
  same chunks as ``Document`` objects with a start offset, the nearest
  LangChain equivalent of what chunkwise returns.
* semchunk ``chunk(text, 1000, len, offsets=True, overlap=...)``: strings and
  offsets. ``memoize=False``, because memoising ``len`` only adds a cache that
  would also flatter every repeat after the first.

Throughput is in MB/s with MB = 10**6 characters (code points of the Python
``str``); the corpus is almost all ASCII, so that is also about 10**6 UTF-8
bytes (the exact byte count is printed). Each figure is the best of
``--repeat`` runs, timed with ``time.perf_counter`` after ``gc.collect()``
and after one warm-up call on a small text. The output is Markdown, ready for
``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import gc
import platform
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.corpus import LAYOUTS, prose, source_files

CHUNK_SIZE = 1000
OVERLAPS = (0, 200)
MB = 1_000_000
WARM_UP_CHARS = 20_000

OURS = "chunkwise recursive"
LANGCHAIN = "LangChain split_text"
LANGCHAIN_OFFSETS = "LangChain create_documents + start_index"
SEMCHUNK = "semchunk chunk(offsets=True)"

Splitter = Callable[[str], Any]


def _splitters(overlap: int) -> dict[str, Splitter]:
    """Each contender as a one-argument callable, built once per overlap."""
    import semchunk
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from app.core.chunkers.recursive import RecursiveChunker

    ours = RecursiveChunker(chunk_size=CHUNK_SIZE, chunk_overlap=overlap)
    langchain = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=overlap)
    with_index = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE, chunk_overlap=overlap, add_start_index=True
    )

    def semchunk_split(text: str) -> Any:
        # semchunk reads overlap=None as "no overlap"; 200 (>= 1) means 200 tokens, here characters.
        return semchunk.chunk(text, CHUNK_SIZE, len, memoize=False, offsets=True, overlap=overlap or None)

    return {
        OURS: ours.chunk,
        LANGCHAIN: langchain.split_text,
        LANGCHAIN_OFFSETS: lambda text: with_index.create_documents([text]),
        SEMCHUNK: semchunk_split,
    }


def _count(result: Any) -> int:
    """Number of chunks, whichever shape a splitter returns."""
    return len(result[0]) if isinstance(result, tuple) else len(result)


def best_time(split: Splitter, text: str, repeat: int) -> tuple[float, int]:
    """Best wall time of ``repeat`` calls, and the number of chunks produced."""
    split(text[:WARM_UP_CHARS])
    best = float("inf")
    count = 0
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = split(text)
        best = min(best, time.perf_counter() - started)
        count = _count(result)
        del result
    return best, count


def _sentence_splitter() -> Splitter | None:
    """``split_sentences``, imported only here; None while it does not exist yet."""
    try:
        from app.core.chunkers.punkt import split_sentences
    except ImportError:
        return None
    return split_sentences


def _mbps(chars: int, seconds: float) -> str:
    return f"{chars / MB / seconds:.1f}"


def _label(chars: int) -> str:
    return f"{chars / MB:g} MB"


def _print_header(docs: dict[int, str], repeat: int, layout: str) -> None:
    print("## Chunking throughput\n")
    print(f"- Python {platform.python_version()} on {platform.machine()}, {platform.platform()}")
    print(f"- chunk_size {CHUNK_SIZE} characters; best of {repeat}; MB = 10^6 characters (code points)")
    print(f"- corpus layout `{layout}`: {LAYOUTS[layout]}")
    print(f"- corpus sources: {', '.join(p.name for p in source_files())}")
    for chars, text in docs.items():
        print(f"- {_label(chars)} document: {len(text):,} characters, {len(text.encode()):,} UTF-8 bytes")
    print()


def _print_chunking(times: dict[tuple[str, int, int], tuple[float, int]], sizes: Sequence[int]) -> None:
    first, last = sizes[0], sizes[-1]
    scaling = f"t({_label(last)}) / t({_label(first)})"
    heads = ["splitter", "overlap", *(f"MB/s {_label(s)}" for s in sizes), scaling, f"chunks {_label(first)}"]
    print("| " + " | ".join(heads) + " |")
    print("|" + "---|" * len(heads))
    names = sorted({name for name, _, _ in times}, key=[OURS, LANGCHAIN, LANGCHAIN_OFFSETS, SEMCHUNK].index)
    for overlap in OVERLAPS:
        for name in names:
            rates = [_mbps(s, times[name, overlap, s][0]) for s in sizes]
            ratio = times[name, overlap, last][0] / times[name, overlap, first][0]
            count = times[name, overlap, first][1]
            print(f"| {name} | {overlap} | " + " | ".join(rates) + f" | {ratio:.2f} | {count} |")
    print()


def _print_ratios(times: dict[tuple[str, int, int], tuple[float, int]], sizes: Sequence[int]) -> None:
    others = [LANGCHAIN, LANGCHAIN_OFFSETS, SEMCHUNK]
    heads = ["overlap", "size", *(f"ours / {name}" for name in others)]
    print("Throughput ratios (ours divided by theirs; above 1 means chunkwise is faster):\n")
    print("| " + " | ".join(heads) + " |")
    print("|" + "---|" * len(heads))
    for overlap in OVERLAPS:
        for size in sizes:
            ours = times[OURS, overlap, size][0]
            ratios = [f"{times[name, overlap, size][0] / ours:.2f}" for name in others]
            print(f"| {overlap} | {_label(size)} | " + " | ".join(ratios) + " |")
    print()


def _print_sentences(docs: dict[int, str], repeat: int) -> None:
    split = _sentence_splitter()
    print("Sentence splitting, `app.core.chunkers.punkt.split_sentences`:\n")
    print(
        "(on this benchmark's corpus, which repeats its sources; `python -m "
        "benchmarks.bench_sentences` measures text that does not repeat, cold and warm)\n"
    )
    if split is None:
        print("(not measured: app/core/chunkers/punkt.py is not there yet)\n")
        return
    print("| size | MB/s | sentences |")
    print("|---|---|---|")
    for chars, text in docs.items():
        seconds, count = best_time(split, text, repeat)
        print(f"| {_label(chars)} | {_mbps(chars, seconds)} | {count} |")
    print()


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_chunking", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--sizes", help="document sizes in MB (10^6 characters), comma-separated; default 1,10"
    )
    parser.add_argument("--repeat", type=int, help="runs per measurement, the best is kept; default 3")
    parser.add_argument(
        "--layout", choices=sorted(LAYOUTS), default="wrapped", help="line layout of the corpus"
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: 0.1 and 1 MB, one run each")
    args = parser.parse_args(argv)
    sizes = args.sizes or ("0.1,1" if args.quick else "1,10")
    args.sizes = sorted({int(float(s) * MB) for s in sizes.split(",") if s.strip()})
    args.repeat = args.repeat or (1 if args.quick else 3)
    if not args.sizes or args.sizes[0] <= 0 or args.repeat < 1:
        parser.error("sizes must be positive and repeat at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Measure every splitter at every size and overlap, then print Markdown tables."""
    args = _parse_args(argv)
    docs = {size: prose(size, args.layout) for size in args.sizes}
    times: dict[tuple[str, int, int], tuple[float, int]] = {}
    for overlap in OVERLAPS:
        for name, split in _splitters(overlap).items():
            for size, text in docs.items():
                times[name, overlap, size] = best_time(split, text, args.repeat)
    _print_header(docs, args.repeat, args.layout)
    _print_chunking(times, args.sizes)
    _print_ratios(times, args.sizes)
    _print_sentences(docs, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
