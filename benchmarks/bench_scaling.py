"""Is every stage linear? Each strategy, /semantic-chunking and /answer on prose and hostile text.

Run from the repository root::

    python -m benchmarks.bench_scaling                 # 100 KB, 1 MB and the text limit (2 MB)
    python -m benchmarks.bench_scaling --quick         # smoke run: 10 KB, 100 KB, 200 KB, one shape
    python -m benchmarks.bench_scaling --only html,topic --shapes prose,lt

Every figure is one whole request through the app in process (Flask's test
client: JSON parsing, validation, chunking, serialisation), best of
``--repeat`` runs after ``gc.collect()`` (at least 5 runs below 500 KB, where
one run is short and noisy). Requests use the default options and the
default limits (``CHUNKWISE_MAX_TEXT_CHARS``, 2,000,000 characters, is the
largest size). The garbage collector is set as ``wsgi.py`` sets it in each
gunicorn worker (``app/core/gc_tuning.py``); ``--no-gc`` turns it off while each
request runs, to show its share (a full collection walks every live object,
so it costs more, per character, on texts that make many small objects).

Shapes: ``prose`` (``benchmarks.corpus.prose``: real English text, nothing
downloaded), the structured documents of ``bench_structure`` for
``markdown``, ``html`` and ``chat`` (``native``), and hostile shapes:
no whitespace at all, and only ``.``, only ``\\n``, only ``#``, only
``<``, and ``a. `` repeated; ``Yes. `` repeated, the most sentences per
character; and the two slowest shapes of ``tests/core/test_pathological.py``,
``<p>a`` and ``word\\n\\n`` repeated.

For each step from one size to the next the table prints the *cost ratio*:
``(t_big / t_small) / (big / small)``, 1.0 being exactly linear. The target
is no ratio above 1.3 and no request over 10 s; a row that misses either is
marked. MB means 10^6 characters (code points).
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import sys
import time
from collections.abc import Callable

from flask import Flask

from benchmarks.bench_structure import chat_document, html_document, markdown_document
from benchmarks.corpus import prose

TARGET_RATIO = 1.3
TARGET_SECONDS = 10.0
NOISY_BELOW = 500_000

SHAPES: dict[str, Callable[[int], str]] = {
    "prose": prose,
    "no-space": lambda n: "x" * n,
    "dots": lambda n: "." * n,
    "newlines": lambda n: "\n" * n,
    "hashes": lambda n: "#" * n,
    "lt": lambda n: "<" * n,
    "a-dot": lambda n: ("a. " * (n // 3 + 1))[:n],
    # The most sentences per character Punkt finds in real words: one per 5 characters.
    "sentences": lambda n: ("Yes. " * (n // 5 + 1))[:n],
    # The slowest shapes of tests/core/test_pathological.py: a block or a paragraph every few characters.
    "p-tags": lambda n: ("<p>a" * (n // 4 + 1))[:n],
    "short-paragraphs": lambda n: ("word\n\n" * (n // 6 + 1))[:n],
}
NATIVE = {"markdown": markdown_document, "html": html_document, "chat": chat_document}


def _requests() -> dict[str, tuple[str, dict[str, object]]]:
    """Each measured request: its path and the fields beside the text."""
    from app.core.chunkers import CHUNKERS

    requests: dict[str, tuple[str, dict[str, object]]] = {
        name: ("/chunking", {"strategy": name}) for name in sorted(CHUNKERS)
    }
    requests["/semantic-chunking"] = ("/semantic-chunking", {})
    requests["/answer"] = ("/answer", {"question": "What may the licensee copy and distribute?"})
    return requests


def _time_request(app: Flask, path: str, body: bytes, repeat: int, collect: bool) -> tuple[float, int]:
    from app.core.index_cache import IndexCache
    from app.web.routes.answer import CACHE_KEY

    client = app.test_client()
    best, status = float("inf"), 0
    for _ in range(repeat):
        # A repeated /answer would be served from the cache of fitted indexes.
        app.extensions[CACHE_KEY] = IndexCache(1)
        gc.collect()
        if not collect:
            gc.disable()
        start = time.perf_counter()
        response = client.post(path, data=body, content_type="application/json")
        best = min(best, time.perf_counter() - start)
        gc.enable()
        status = response.status_code
    return best, status


def _text(shape: str, name: str, size: int) -> str:
    if shape == "native":
        return NATIVE[name](size)[:size]
    return SHAPES[shape](size)[:size]


def measure(
    names: list[str], shapes: list[str], sizes: list[int], repeat: int, collect: bool = True
) -> list[tuple[str, str, list[float], list[int]]]:
    """Time every request on every shape at every size.

    Returns:
        Rows of (request, shape, seconds per size, status per size).
    """
    from app import create_app
    from app.core.gc_tuning import tune_for_requests

    app = create_app({"TESTING": True, "LOG_LEVEL": "WARNING"})
    # As wsgi.py does in every gunicorn worker.
    tune_for_requests()
    requests = _requests()
    rows = []
    for shape in shapes:
        for name in names:
            if shape == "native" and name not in NATIVE:
                continue
            path, fields = requests[name]
            seconds, statuses = [], []
            for size in sizes:
                body = json.dumps({**fields, "text": _text(shape, name, size)}).encode()
                runs = max(repeat, 5) if size < NOISY_BELOW else repeat
                elapsed, status = _time_request(app, path, body, runs, collect)
                seconds.append(elapsed)
                statuses.append(status)
            rows.append((name, shape, seconds, statuses))
            print(f"  {name} {shape}: {', '.join(f'{s:.3f}s' for s in seconds)}", file=sys.stderr, flush=True)
    return rows


def _label(size: int) -> str:
    return f"{size / 1_000_000:g} MB" if size >= 1_000_000 else f"{size / 1000:g} KB"


def report(rows: list[tuple[str, str, list[float], list[int]]], sizes: list[int]) -> str:
    """The results as a Markdown table, with the worst ratio and the slowest request."""
    steps = list(zip(sizes, sizes[1:], strict=False))
    head = ["request", "shape", *(f"s at {_label(s)}" for s in sizes)]
    head += [f"ratio {_label(a)}→{_label(b)}" for a, b in steps] + ["status", "ok"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    worst_ratio, slowest = (0.0, ""), (0.0, "")
    for name, shape, seconds, statuses in rows:
        ratios = [(seconds[i + 1] / seconds[i]) / (b / a) for i, (a, b) in enumerate(steps)]
        ok = max(ratios, default=0) <= TARGET_RATIO and seconds[-1] <= TARGET_SECONDS
        worst_ratio = max(worst_ratio, (max(ratios, default=0), f"{name} {shape}"))
        slowest = max(slowest, (seconds[-1], f"{name} {shape}"))
        cells = [name, shape, *(f"{s:.3f}" for s in seconds), *(f"{r:.2f}" for r in ratios)]
        cells += ["/".join(sorted({str(s) for s in statuses})), "yes" if ok else "**no**"]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        f"Worst ratio: {worst_ratio[0]:.2f} ({worst_ratio[1]}); slowest request at "
        f"{_label(sizes[-1])}: {slowest[0]:.2f} s ({slowest[1]})."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    from app.config import DEFAULTS
    from app.core.chunkers import CHUNKERS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs per size at 500 KB and over (best kept)")
    parser.add_argument("--quick", action="store_true", help="10 KB, 100 KB, 200 KB; prose only")
    parser.add_argument(
        "--no-gc", action="store_true", help="garbage collector off while a request runs (to see its share)"
    )
    parser.add_argument(
        "--only", default="", help="comma-separated requests (strategy names, /semantic-chunking, /answer)"
    )
    parser.add_argument(
        "--shapes", default="", help="comma-separated shapes: " + ", ".join([*SHAPES, "native"])
    )
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else [*sorted(CHUNKERS), "/semantic-chunking", "/answer"]
    shapes = args.shapes.split(",") if args.shapes else [*SHAPES, "native"]
    sizes = [100_000, 1_000_000, int(DEFAULTS["MAX_TEXT_CHARS"])]
    if args.quick:
        sizes, shapes = [10_000, 100_000, 200_000], args.shapes.split(",") if args.shapes else ["prose"]
    print(
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"sizes {', '.join(map(_label, sizes))}, best of {args.repeat}",
        file=sys.stderr,
    )
    print(report(measure(names, shapes, sizes, args.repeat, collect=not args.no_gc), sizes))


if __name__ == "__main__":
    main()
