"""Does semantic chunking find topic shifts? Pk, WindowDiff and boundary F1 on documents with known seams.

Run from the repository root::

    python -m benchmarks.bench_segmentation [--docs 100] [--seed 1] [--grid]

The evaluation documents are built from the project's own texts in
``benchmarks/data/segmentation/`` (ten short documents on unrelated subjects,
written for this benchmark). Each evaluation document strings together 4 to 6
passages of 4 to 10 consecutive sentences, each passage from a different
source than the one before it, so every true boundary is known. Two variants:

* ``spaces``: every sentence joined to the next with a single space, so no
  blank line gives a boundary away;
* ``paragraphs``: the sentences of a passage grouped in paragraphs of 2 to 4
  separated by blank lines; a passage always starts a paragraph, but most
  paragraph breaks are not boundaries.

Scored, on the same documents:

* chunkwise ``/semantic-chunking`` with its defaults (``analyze`` with
  ``SemanticOptions()``, the code behind the endpoint), and with
  ``split_by="paragraph"`` on the paragraph variant;
* chunkwise ``topic`` (TextTiling), with a ``chunk_size`` large enough that
  only topic boundaries count;
* LangChain's ``SemanticChunker`` (langchain-experimental) with its defaults
  over the same TF-IDF vectors (``benchmarks/tfidf_embeddings.py``);
* NLTK's ``TextTilingTokenizer`` with the project's stop words (it needs
  paragraph breaks, so it runs on the paragraph variant only);
* placing no boundary at all, the baseline every method must beat.

Metrics, over sentence positions: Pk and WindowDiff from
``nltk.metrics.segmentation`` (lower is better; k is half the mean true
segment length), averaged over documents; boundary F1 where a
found boundary counts when it is within one sentence of a true one not yet
matched, over all documents. ``--grid`` adds chunkwise's Pk and F1 for every
threshold method and window from 0 to 4 (how the defaults were chosen), on the
``spaces`` variant (sentence units are the same in both).
"""

from __future__ import annotations

import argparse
import bisect
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nltk.metrics.segmentation import pk, windowdiff

SOURCES = Path(__file__).resolve().parent / "data" / "segmentation"
SENTENCE = re.compile(r"(?<=[.?!])\s+")
PASSAGES = (4, 6)
PASSAGE_SENTENCES = (4, 10)
PARAGRAPH_SENTENCES = (2, 4)
METHODS = ("gap", "percentile", "std", "iqr", "gradient")


@dataclass(frozen=True)
class Document:
    """An evaluation document and its true segmentation.

    ``reference`` has one character per sentence: ``"1"`` when a new passage
    starts after that sentence.
    """

    text: str
    starts: list[int]
    reference: str


def load_sources() -> dict[str, list[str]]:
    """Each source document's sentences; every source splits the same way with chunkwise's Punkt."""
    from app.core.chunkers.punkt import split_sentences

    sources = {}
    for path in sorted(SOURCES.glob("*.txt")):
        text = path.read_text(encoding="utf-8").strip()
        sentences = SENTENCE.split(text)
        assert [text[s:e] for s, e in split_sentences(text)] == sentences, path
        sources[path.stem] = sentences
    return sources


def _join(parts: list[list[str]], rnd: random.Random, paragraphs: bool) -> tuple[str, list[int]]:
    """The passages' text and each sentence's start offset."""
    pieces: list[str] = []
    for passage in parts:
        i = 0
        while i < len(passage):
            size = rnd.randint(*PARAGRAPH_SENTENCES) if paragraphs else len(passage)
            pieces.append(" ".join(passage[i : i + size]))
            i += size
    text = ("\n\n" if paragraphs else " ").join(pieces)
    sentences = [s for passage in parts for s in passage]
    starts, pos = [], 0
    for sentence in sentences:
        pos = text.index(sentence, pos)
        starts.append(pos)
        pos += len(sentence)
    return text, starts


def build_documents(count: int, seed: int, paragraphs: bool) -> list[Document]:
    """``count`` evaluation documents; the same ``seed`` gives the same passages in both variants."""
    sources = load_sources()
    names = sorted(sources)
    rnd = random.Random(seed)
    layout = random.Random(seed + 1)
    docs = []
    for _ in range(count):
        parts, previous = [], None
        for _ in range(rnd.randint(*PASSAGES)):
            name = rnd.choice([n for n in names if n != previous])
            length = rnd.randint(*PASSAGE_SENTENCES)
            first = rnd.randint(0, len(sources[name]) - length)
            parts.append(sources[name][first : first + length])
            previous = name
        text, starts = _join(parts, layout, paragraphs)
        marks = ["0"] * len(starts)
        end = 0
        for passage in parts[:-1]:
            end += len(passage)
            marks[end - 1] = "1"
        docs.append(Document(text, starts, "".join(marks)))
    return docs


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
    from app.core.chunkers.semantic import SemanticOptions, analyze

    chosen = SemanticOptions(**options)  # type: ignore[arg-type]

    def run(doc: Document) -> str:
        result = analyze(doc.text, chosen)
        return from_offsets(doc, [result.span(g)[0] for g in result.groups])

    return run


def topic() -> Segmenter:
    from app.core.chunkers import CHUNKERS

    chunker = CHUNKERS["topic"](chunk_size=1_000_000)  # type: ignore[call-arg]
    return lambda doc: from_offsets(doc, [c.start for c in chunker.chunk(doc.text)])


def langchain() -> Segmenter:
    from benchmarks.tfidf_embeddings import LANGCHAIN_SENTENCE, langchain_chunker

    chunker = langchain_chunker()

    def run(doc: Document) -> str:
        chunks = chunker.split_text(doc.text)
        return from_sentence_counts(doc, [len(LANGCHAIN_SENTENCE.split(c.strip())) for c in chunks])

    return run


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


def score(docs: list[Document], segment: Segmenter) -> tuple[float, float, float, float]:
    """Mean Pk, mean WindowDiff, boundary F1 and found boundaries per true boundary."""
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
    return sum(pks) / len(pks), sum(wds) / len(wds), f1, found / truth


def contenders(paragraphs: bool) -> dict[str, Segmenter]:
    methods: dict[str, Segmenter] = {
        "no boundary": no_boundary,
        "chunkwise /semantic-chunking (defaults)": semantic(),
    }
    if paragraphs:
        methods["chunkwise /semantic-chunking split_by=paragraph"] = semantic(split_by="paragraph")
    methods["chunkwise topic (TextTiling)"] = topic()
    methods["LangChain SemanticChunker, TF-IDF (defaults)"] = langchain()
    if paragraphs:
        methods["NLTK TextTilingTokenizer"] = texttiling()
    return methods


def _print_table(rows: dict[str, tuple[float, float, float, float]]) -> None:
    print("| method | Pk | WindowDiff | boundary F1 (±1) | found / true boundaries |")
    print("|---|---|---|---|---|")
    for name, (p, w, f, ratio) in rows.items():
        print(f"| {name} | {p:.3f} | {w:.3f} | {f:.3f} | {ratio:.2f} |")
    print()


def _print_grid(docs: list[Document]) -> None:
    print("chunkwise Pk / WindowDiff / boundary F1 by threshold method (default amounts) and window:\n")
    print("| method | " + " | ".join(f"window {w}" for w in range(5)) + " |")
    print("|---|" + "---|" * 5)
    for method in METHODS:
        cells = []
        for window in range(5):
            p, w, f, _ = score(docs, semantic(window=window, threshold_method=method))
            cells.append(f"{p:.3f} / {w:.3f} / {f:.2f}")
        print(f"| {method} | " + " | ".join(cells) + " |")
    print()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100, help="evaluation documents per variant")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--grid", action="store_true", help="also every method and window of chunkwise")
    args = parser.parse_args(argv)
    print("## Topic segmentation\n")
    sources = load_sources()
    print(f"- sources: {len(sources)} documents, {sum(map(len, sources.values()))} sentences")
    for paragraphs in (False, True):
        docs = build_documents(args.docs, args.seed, paragraphs)
        variant = "paragraphs" if paragraphs else "spaces"
        sentences = sum(len(d.starts) for d in docs)
        seams = sum(d.reference.count("1") for d in docs)
        print(
            f"\n### Variant `{variant}`: {len(docs)} documents, {sentences} sentences, {seams} boundaries\n"
        )
        _print_table({name: score(docs, run) for name, run in contenders(paragraphs).items()})
        # Sentence units are the same in both variants, so one grid says it all.
        if args.grid and not paragraphs:
            _print_grid(docs)


if __name__ == "__main__":
    main()
