"""Does semantic chunking find topic shifts? Pk, WindowDiff and boundary F1 on stitched real texts.

Run from the repository root::

    python -m benchmarks.bench_segmentation [--half dev|test|both] [--grid]

The documents are the evaluation set of ``benchmarks/segmentation_set.py``
(real, freely licensed texts in five genres, stitched at known seams; split
once into a development and a test half sharing no source; see
``benchmarks/data/segmentation/SOURCES.md``). Parameters were chosen on the
development half; the test half is reported. Two layouts of each document:

* ``spaces``: every sentence joined to the next with a single space, so no
  blank line gives a boundary away;
* ``paragraphs``: sentences in paragraphs of 2 to 4 separated by blank lines;
  a passage always starts a paragraph, but most paragraph breaks are not boundaries.

Scored, on the same documents:

* chunkwise ``/semantic-chunking`` at its defaults (``analyze`` with
  ``SemanticOptions()``, the code behind the endpoint, but without the size
  ceiling, so that only topic boundaries count) for ``similarity`` tfidf and
  embeddings, and with the former default (``threshold_method="gap"``);
* chunkwise ``topic`` for both similarities, with a ``chunk_size`` large
  enough that only topic boundaries count;
* LangChain's ``SemanticChunker`` (langchain-experimental) with its defaults
  over the same vectors: TF-IDF (``benchmarks/tfidf_embeddings.py``) and WordLlama;
* NLTK's ``TextTilingTokenizer`` with the project's stop words (it needs
  paragraph breaks, so it runs on the paragraph layout only);
* placing no boundary at all, the baseline every method must beat.

Metrics, over the set's sentence positions: Pk and WindowDiff from
``nltk.metrics.segmentation`` (lower is better; k is half the mean true
segment length of the document), averaged over documents; boundary F1 where
a found boundary counts when it is within one sentence (±1) of a true one not
yet matched, over all documents; and found boundaries per true boundary.
Pk is also given with a 95% bootstrap interval over documents (1,000 resamples, seed 0).
"""

from __future__ import annotations

import argparse
import bisect
from collections.abc import Callable, Sequence

import numpy as np
from nltk.metrics.segmentation import pk, windowdiff

from benchmarks.segmentation_set import Document, load

METHODS = ("depth", "gap", "percentile", "std", "iqr", "gradient")


def from_offsets(doc: Document, chunk_starts: Sequence[int]) -> str:
    """Boundaries before the sentences where chunks start (a start inside a sentence counts for it)."""
    marks = ["0"] * len(doc.starts)
    for start in chunk_starts:
        index = bisect.bisect_right(doc.starts, start) - 1
        if index > 0:
            marks[index - 1] = "1"
    return "".join(marks)


def from_sentence_counts(doc: Document, counts: Sequence[int]) -> str:
    """Boundaries after each chunk of ``counts[i]`` sentences."""
    assert sum(counts) == len(doc.starts), (sum(counts), len(doc.starts))
    marks = ["0"] * len(doc.starts)
    end = 0
    for count in counts[:-1]:
        end += count
        marks[end - 1] = "1"
    return "".join(marks)


Segmenter = Callable[[Document], str]


def semantic(**options: object) -> Segmenter:
    from app.core.chunkers.base import MAX_CHUNK_SIZE
    from app.core.chunkers.semantic import SemanticOptions, analyze

    # The largest accepted ceiling: only topic boundaries count.
    chosen = SemanticOptions(**{"max_chunk_size": MAX_CHUNK_SIZE, **options})  # type: ignore[arg-type]

    def run(doc: Document) -> str:
        result = analyze(doc.text, chosen)
        return from_offsets(doc, [result.span(g)[0] for g in result.groups])

    return run


def topic(similarity: str) -> Segmenter:
    from app.core.chunkers import CHUNKERS

    chunker = CHUNKERS["topic"](chunk_size=1_000_000, similarity=similarity)  # type: ignore[call-arg]
    return lambda doc: from_offsets(doc, [c.start for c in chunker.chunk(doc.text)])


def _located(text: str, chunks: Sequence[str]) -> list[int]:
    """Where each chunk starts: LangChain re-joins sentences with spaces, so find each by its opening."""
    starts, pos = [], 0
    for chunk in chunks:
        head = chunk.strip().split()[:6]
        found = text.find(head[0], pos) if head else -1
        if found < 0:
            continue
        starts.append(found)
        pos = found + 1
    return starts


def langchain(vectors: str) -> Segmenter:
    from benchmarks.tfidf_embeddings import langchain_chunker, langchain_wordllama_chunker

    chunker = langchain_chunker() if vectors == "tfidf" else langchain_wordllama_chunker()
    return lambda doc: from_offsets(doc, _located(doc.text, chunker.split_text(doc.text)))


def texttiling() -> Segmenter:
    from nltk.tokenize.texttiling import TextTilingTokenizer

    from app.core.lexicon import stop_words

    tiler = TextTilingTokenizer(stopwords=sorted(stop_words()))

    def run(doc: Document) -> str:
        segments = tiler.tokenize(doc.text)
        starts, pos = [], 0
        for segment in segments:
            starts.append(pos + len(segment) - len(segment.lstrip()))
            pos += len(segment)
        return from_offsets(doc, starts)

    return run


def no_boundary(doc: Document) -> str:
    return "0" * len(doc.starts)


def f1_counts(reference: str, hypothesis: str) -> tuple[int, int, int]:
    """True positives (within one sentence, one-to-one), found boundaries, true boundaries."""
    truth = [i for i, c in enumerate(reference) if c == "1"]
    found = [i for i, c in enumerate(hypothesis) if c == "1"]
    used: set[int] = set()
    hits = 0
    for b in found:
        match = next((t for t in truth if t not in used and abs(t - b) <= 1), None)
        if match is not None:
            used.add(match)
            hits += 1
    return hits, len(found), len(truth)


Score = tuple[float, float, float, float, float, float, float]


def score(docs: list[Document], segment: Segmenter) -> Score:
    """Mean Pk (and its 95% bootstrap interval), mean WindowDiff, boundary F1, precision, found / true."""
    pks, wds = [], []
    hits = found = truth = 0
    for doc in docs:
        hyp = segment(doc)
        k = max(2, round(len(doc.reference) / (2 * (doc.reference.count("1") + 1))))
        pks.append(pk(doc.reference, hyp, k=k))
        wds.append(windowdiff(doc.reference, hyp, k))
        h, f, t = f1_counts(doc.reference, hyp)
        hits, found, truth = hits + h, found + f, truth + t
    precision = hits / found if found else 0.0
    recall = hits / truth if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    rnd = np.random.default_rng(0)
    means = rnd.choice(np.array(pks), (1000, len(pks))).mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(np.mean(pks)), float(low), float(high), float(np.mean(wds)), f1, precision, found / truth


def contenders(paragraphs: bool) -> dict[str, Segmenter]:
    methods: dict[str, Segmenter] = {
        "no boundary": no_boundary,
        "chunkwise semantic, tfidf, former defaults (gap, window 2)": semantic(
            threshold_method="gap", window=2
        ),
        "chunkwise semantic, tfidf (defaults: depth)": semantic(),
        "chunkwise semantic, embeddings (defaults: depth)": semantic(similarity="embeddings"),
        "chunkwise topic, tfidf (TextTiling)": topic("tfidf"),
        "chunkwise topic, embeddings": topic("embeddings"),
        "LangChain SemanticChunker, TF-IDF vectors (defaults)": langchain("tfidf"),
        "LangChain SemanticChunker, WordLlama vectors (defaults)": langchain("embeddings"),
    }
    if paragraphs:
        methods["NLTK TextTilingTokenizer"] = texttiling()
    return methods


def _print_table(rows: dict[str, Score]) -> None:
    print("| method | Pk [95% CI] | WindowDiff | boundary F1 (±1) | precision | found / true |")
    print("|---|---|---|---|---|---|")
    for name, (p, lo, hi, w, f, prec, ratio) in rows.items():
        print(f"| {name} | {p:.3f} [{lo:.3f}, {hi:.3f}] | {w:.3f} | {f:.3f} | {prec:.3f} | {ratio:.2f} |")
    print()


def _print_grid(docs: list[Document]) -> None:
    print("chunkwise Pk / boundary F1 by similarity, threshold method (default amounts) and window:\n")
    print("| similarity | method | " + " | ".join(f"window {w}" for w in range(1, 5)) + " |")
    print("|---|---|" + "---|" * 4)
    for similarity in ("tfidf", "embeddings"):
        for method in METHODS:
            cells = []
            for window in range(1, 5):
                p, *_, f, _, _ = score(
                    docs, semantic(similarity=similarity, window=window, threshold_method=method)
                )
                cells.append(f"{p:.3f} / {f:.3f}")
            print(f"| {similarity} | {method} | " + " | ".join(cells) + " |")
    print()


def print_halves(halves: Sequence[str]) -> None:
    """Every contender's scores on each half, in both layouts."""
    for half in halves:
        for paragraphs in (False, True):
            docs = load(half, paragraphs)
            variant = "paragraphs" if paragraphs else "spaces"
            sentences = sum(len(d.starts) for d in docs)
            seams = sum(d.reference.count("1") for d in docs)
            head = f"### {half} half, layout `{variant}`: {len(docs)} documents"
            print(f"{head}, {sentences} sentences, {seams} boundaries\n")
            _print_table({name: score(docs, run) for name, run in contenders(paragraphs).items()})


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("dev", "test", "both"), default="both")
    parser.add_argument("--grid", action="store_true", help="every method and window, development half")
    args = parser.parse_args(argv)
    print("## Topic segmentation on stitched real texts\n")
    print_halves(("dev", "test") if args.half == "both" else (args.half,))
    if args.grid:
        _print_grid(load("dev", False))


if __name__ == "__main__":
    main()
