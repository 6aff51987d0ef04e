"""Structure-aware chunking throughput: markdown, html and chat, beside LangChain, in one run.

Run from the repository root::

    python -m benchmarks.bench_structure [--size 1] [--repeat 3] [--quick]

The documents are assembled at run time from the prose of
``benchmarks.corpus.prose`` (freely licensed text already on the machine;
nothing is downloaded or committed), each about ``--size`` MB (10**6
characters):

* **Markdown**: the prose's paragraphs under ``#``/``##``/``###`` headings
  (a heading every few paragraphs), with a fenced code block holding
  ``#`` comment lines, a bullet list and a table now and then.
* **HTML**: the same structure as ``h1``-``h3``, ``p`` (with ``b``, ``a`` and
  ``&amp;``), ``ul``/``li``, ``pre``, ``table``, plus a ``script``, a
  ``style`` and a comment per section.
* **Chat**: the prose's sentences as messages ``[2024-05-01 09:00:05] Name:
  text`` from four speakers, a second line now and then.

Contenders, each called on the same string:

* markdown: chunkwise ``MarkdownChunker(chunk_size=1000)`` (sections packed
  and split to at most 1000 characters, exact offsets), and
  ``MarkdownChunker(pack=False, chunk_size=10**7)`` (one chunk per section,
  which is what LangChain's splitter returns); LangChain
  ``MarkdownHeaderTextSplitter`` on ``#``, ``##``, ``###``: one ``Document``
  per section, no size bound, no offsets.
* html: chunkwise ``HtmlChunker(chunk_size=1000)`` and
  ``HtmlChunker(chunk_size=10**7)``; LangChain ``HTMLHeaderTextSplitter`` on
  ``h1``-``h3`` (BeautifulSoup with ``html.parser``): one ``Document`` per
  section, no size bound, no offsets.
* chat: LangChain has no chat splitter, so the baselines are the splitters a
  user would otherwise take for a chat log: LangChain
  ``RecursiveCharacterTextSplitter(chunk_size=1000)`` and chunkwise's own
  ``RecursiveChunker(chunk_size=1000)``; chunkwise ``ChatChunker`` with
  ``chunk_size=1000``, then also with ``time_gap=600``.

Each figure is the best of ``--repeat`` runs (``time.perf_counter`` after
``gc.collect()``, one warm-up call on a small document first). The output
is Markdown for ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import gc
import platform
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.corpus import prose

MB = 1_000_000
CHUNK_SIZE = 1000
WHOLE = 10_000_000
NAMES = ("Ana", "Bruno", "Chen Wei", "Dana")


def _paragraphs(size: int) -> list[str]:
    return [p.strip() for p in prose(size).split("\n\n") if p.strip()]


def markdown_document(size: int) -> str:
    """About ``size`` characters of Markdown with headings, code, lists and tables."""
    out: list[str] = []
    for i, paragraph in enumerate(_paragraphs(size)):
        if i % 12 == 0:
            out.append(f"# Part {i // 12}")
        elif i % 4 == 0:
            out.append(f"## Section {i // 4}")
        elif i % 4 == 2:
            out.append(f"### Detail {i}")
        if i % 9 == 5:
            out.append(f"```sh\n# step {i}: not a heading\nrun --item {i}\n```")
        if i % 11 == 7:
            out.append(f"- first point {i}\n- second point\n\n- third point")
        if i % 13 == 3:
            out.append(f"| key | value |\n|---|---|\n| item | {i} |")
        out.append(paragraph)
    return "\n\n".join(out)[:size]


def html_document(size: int) -> str:
    """About ``size`` characters of HTML with headings, paragraphs, lists, code and tables."""
    out = ["<!doctype html><html><head><title>Bench</title></head><body>"]
    for i, paragraph in enumerate(_paragraphs(size)):
        if i % 12 == 0:
            out.append(f'<h1 id="p{i}">Part {i // 12}</h1><script>var n = {i};</script>')
        elif i % 4 == 0:
            out.append(f"<h2>Section {i // 4}</h2><!-- section {i} --><style>p{{}}</style>")
        elif i % 4 == 2:
            out.append(f"<h3>Detail &amp; note {i}</h3>")
        if i % 9 == 5:
            out.append(f"<pre><code># step {i}\nrun --item {i}</code></pre>")
        if i % 11 == 7:
            out.append(f"<ul><li>first point {i}</li><li>second <b>point</b></li></ul>")
        if i % 13 == 3:
            out.append(
                f"<table><tr><th>key</th><th>value</th></tr><tr><td>item</td><td>{i}</td></tr></table>"
            )
        words = paragraph.split(" ")
        if len(words) > 6:
            words[2] = f"<b>{words[2]}</b>"
            words[5] = f'<a href="#p{i}">{words[5]}</a> &amp;'
        out.append(f"<p>{' '.join(words)}</p>")
    out.append("</body></html>")
    return "\n".join(out)


def chat_document(size: int) -> str:
    """About ``size`` characters of chat log: timestamped messages from four speakers."""
    sentences = [s.strip() for s in prose(size).replace("\n", " ").split(". ") if s.strip()]
    out: list[str] = []
    seconds = 9 * 3600
    for i, sentence in enumerate(sentences):
        seconds += 5 + (900 if i % 40 == 39 else i % 7 * 11)
        day, rest = divmod(seconds, 86_400)
        stamp = f"2024-05-{1 + day:02d} {rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}"
        line = f"[{stamp}] {NAMES[i % len(NAMES)]}: {sentence}."
        out.append(line if i % 5 else f"{line}\n  (and a second line)")
    return "\n".join(out)[:size]


Splitter = Callable[[str], Any]


def _contenders() -> dict[str, dict[str, Splitter]]:
    from langchain_text_splitters import (
        HTMLHeaderTextSplitter,
        MarkdownHeaderTextSplitter,
        RecursiveCharacterTextSplitter,
    )

    from app.core.chunkers.chat import ChatChunker
    from app.core.chunkers.html import HtmlChunker
    from app.core.chunkers.markdown import MarkdownChunker
    from app.core.chunkers.recursive import RecursiveChunker

    md_headers = [("#", "h1"), ("##", "h2"), ("###", "h3")]
    html_headers = [("h1", "h1"), ("h2", "h2"), ("h3", "h3")]
    return {
        "markdown": {
            "chunkwise markdown, chunk_size 1000": MarkdownChunker(chunk_size=CHUNK_SIZE).chunk,
            "chunkwise markdown, one chunk per section": MarkdownChunker(pack=False, chunk_size=WHOLE).chunk,
            "LangChain MarkdownHeaderTextSplitter": MarkdownHeaderTextSplitter(md_headers).split_text,
        },
        "html": {
            "chunkwise html, chunk_size 1000": HtmlChunker(chunk_size=CHUNK_SIZE).chunk,
            "chunkwise html, unbounded": HtmlChunker(chunk_size=WHOLE).chunk,
            "LangChain HTMLHeaderTextSplitter": HTMLHeaderTextSplitter(html_headers).split_text,
        },
        "chat": {
            "chunkwise chat, chunk_size 1000": ChatChunker(chunk_size=CHUNK_SIZE).chunk,
            "chunkwise chat, time_gap 600": ChatChunker(chunk_size=CHUNK_SIZE, time_gap=600).chunk,
            "chunkwise recursive (baseline)": RecursiveChunker(chunk_size=CHUNK_SIZE).chunk,
            "LangChain RecursiveCharacterTextSplitter (baseline)": RecursiveCharacterTextSplitter(
                chunk_size=CHUNK_SIZE, chunk_overlap=0
            ).split_text,
        },
    }


DOCUMENTS: dict[str, Callable[[int], str]] = {
    "markdown": markdown_document,
    "html": html_document,
    "chat": chat_document,
}


def best_time(split: Splitter, text: str, warm_up: str, repeat: int) -> tuple[float, int]:
    """Best wall time of ``repeat`` calls, and the number of chunks produced."""
    split(warm_up)
    best, count = float("inf"), 0
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = split(text)
        best = min(best, time.perf_counter() - started)
        count = len(result)
        del result
    return best, count


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_structure", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--size", type=float, default=1.0, help="document size in MB (10^6 characters); default 1"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per measurement, the best is kept; default 3"
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: 0.1 MB, one run")
    args = parser.parse_args(argv)
    if args.quick:
        args.size, args.repeat = 0.1, 1
    if args.size <= 0 or args.repeat < 1:
        parser.error("size must be positive and repeat at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Measure each contender on each document and print Markdown tables with ratios."""
    args = _parse_args(argv)
    size = int(args.size * MB)
    print("## Structure strategies: throughput\n")
    print(f"- Python {platform.python_version()} on {platform.machine()}, {platform.platform()}")
    print(f"- best of {args.repeat}; MB = 10^6 characters (code points)\n")
    for kind, contenders in _contenders().items():
        text = DOCUMENTS[kind](size)
        warm_up = DOCUMENTS[kind](20_000)
        print(f"### {kind} ({len(text):,} characters)\n")
        print("| splitter | MB/s | chunks | speed relative to LangChain (above 1: faster) |")
        print("|---|---|---|---|")
        times = {name: best_time(split, text, warm_up, args.repeat) for name, split in contenders.items()}
        reference = next(t for name, (t, _) in times.items() if name.startswith("LangChain"))
        for name, (seconds, count) in times.items():
            print(f"| {name} | {len(text) / MB / seconds:.2f} | {count} | {reference / seconds:.2f} |")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
