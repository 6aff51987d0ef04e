"""Quality on held-out data: each evaluation's test half beside its development half.

Run from the repository root::

    python -m benchmarks.bench_quality [--failures]

One section per evaluation; each prints the test-half figure with a 95 %
Wilson interval next to the development-half figure, and baselines on the
same cases. Rules and defaults are chosen on the development half only; the
test half is for reporting. ``--failures`` lists the development-half cases
chunkwise gets wrong (never the test half's).

Sentences (``benchmarks/data/sentences/``): a case counts when the splitter's
sentences equal the expected ones exactly, comparing each sentence with runs of
whitespace collapsed (so a splitter that rewrites line breaks is not
penalised). Baselines, where installed (``requirements-bench.txt``): NLTK's
``PunktSentenceTokenizer`` untrained (NLTK's trained ``punkt_tab`` model is
not on this machine and is never downloaded), pySBD, Blingfire and syntok.

Retrieval (``benchmarks/data/retrieval/``): questions on documents installed
by Debian packages, each with a gold passage. Each document is chunked as
/answer chunks ``text`` (its defaults, or ``markdown`` for a Markdown
document in the structure rows), and each question is ranked against the
chunks of its own document (as one /answer request with ``text`` does) and,
in a second table, against the chunks of all the half's documents at once
(as a store of many documents would hold them). Top-1: the best chunk holds
at least half of the gold passage; recall@3: one of the three best does.
Baselines on the same chunks: scikit-learn ``TfidfVectorizer()`` at its
defaults with cosine, and rank_bm25's ``BM25Okapi`` on lowercase ``\\w+``
words.

Segmentation (``benchmarks/data/segmentation/``): topic boundaries in
documents stitched from real texts at known seams, scored by
``benchmarks/bench_segmentation.py`` (Pk with a 95 % bootstrap interval,
WindowDiff, boundary F1 within one sentence), test half first, with
LangChain's ``SemanticChunker`` on the same vectors and NLTK's TextTiling
as baselines.
"""

from __future__ import annotations

import argparse
import math
import re
from collections import Counter
from collections.abc import Callable
from typing import Any
from unittest import mock

from benchmarks import retrieval_eval, retrieval_set
from benchmarks.sentence_cases import Case, half

Splitter = Callable[[str], list[str]]
_SPACE = re.compile(r"\s+")


def wilson(successes: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95 % by default)."""
    if total == 0:
        return 0.0, 1.0
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    margin = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


def _normal(sentences: list[str]) -> list[str]:
    return [s for s in (_SPACE.sub(" ", piece).strip() for piece in sentences) if s]


def is_exact(splitter: Splitter, case: Case) -> bool:
    """Whether ``splitter`` finds exactly the case's sentences."""
    return _normal(splitter(case.text)) == _normal(list(case.sentences))


def _chunkwise() -> Splitter:
    from app.core.chunkers.punkt import split_sentences

    return lambda text: [text[s:e] for s, e in split_sentences(text)]


def _baselines() -> dict[str, Splitter]:
    """The peer splitters that are installed, by display name."""
    found: dict[str, Splitter] = {}
    try:
        from nltk.tokenize.punkt import PunktSentenceTokenizer

        found["NLTK Punkt, untrained (no punkt_tab offline)"] = PunktSentenceTokenizer().tokenize
    except ImportError:
        pass
    try:
        import pysbd

        segmenter = pysbd.Segmenter(language="en", clean=False)
        found["pySBD 0.3.4"] = segmenter.segment
    except ImportError:
        pass
    try:
        import blingfire

        found["Blingfire 0.1.8"] = lambda text: blingfire.text_to_sentences(text).split("\n")
    except ImportError:
        pass
    try:
        from syntok import segmenter as syntok_segmenter

        def syntok_split(text: str) -> list[str]:
            return [
                "".join(token.spacing + token.value for token in sentence)
                for paragraph in syntok_segmenter.process(text)
                for sentence in paragraph
            ]

        found["syntok 1.4.4"] = syntok_split
    except ImportError:
        pass
    return found


def _row(name: str, splitter: Splitter, dev: list[Case], test: list[Case]) -> str:
    dev_ok = sum(is_exact(splitter, case) for case in dev)
    test_ok = sum(is_exact(splitter, case) for case in test)
    low, high = wilson(test_ok, len(test))
    return (
        f"| {name} | {100 * test_ok / len(test):.1f} ({test_ok}/{len(test)}) "
        f"| {100 * low:.1f}–{100 * high:.1f} | {100 * dev_ok / len(dev):.1f} ({dev_ok}/{len(dev)}) |"
    )


def _per_genre(splitter: Splitter, cases: list[Case]) -> str:
    total = Counter(case.genre for case in cases)
    good = Counter(case.genre for case in cases if is_exact(splitter, case))
    return ", ".join(f"{genre} {good[genre]}/{total[genre]}" for genre in sorted(total))


def sentences_section(show_failures: bool) -> None:
    """Exact-split accuracy of chunkwise and the baselines on both halves."""
    dev, test = half("dev"), half("test")
    print("## Sentence boundaries: exact splits of hard cases\n")
    print(f"{len(dev)} development cases, {len(test)} test cases; 95 % Wilson interval on test.\n")
    print("| splitter | test % | test 95 % CI | dev % |")
    print("|---|---|---|---|")
    chunkwise = _chunkwise()
    print(_row("**chunkwise** `split_sentences`", chunkwise, dev, test))
    for name, splitter in _baselines().items():
        print(_row(name, splitter, dev, test))
    print(f"\nchunkwise on test, per genre: {_per_genre(chunkwise, test)}\n")
    if show_failures:
        for case in dev:
            if not is_exact(chunkwise, case):
                print(f"- [{case.genre}] {case.text!r}\n  got  {_normal(chunkwise(case.text))}")
                print(f"  want {_normal(list(case.sentences))}")


def _percent(hits: int, total: int) -> str:
    return f"{100 * hits / total:.1f} ({hits}/{total})"


def _interval(hits: int, total: int) -> str:
    low, high = wilson(hits, total)
    return f"{100 * low:.1f}–{100 * high:.1f}"


def _retrieval_row(name: str, dev: list[retrieval_eval.Outcome], test: list[retrieval_eval.Outcome]) -> str:
    top1, recall = retrieval_eval.share(test, "top1"), retrieval_eval.share(test, "recall")
    dev_top1, dev_recall = retrieval_eval.share(dev, "top1"), retrieval_eval.share(dev, "recall")
    return (
        f"| {name} | {_percent(*top1)} | {_interval(*top1)} | {_percent(*recall)} | {_interval(*recall)} "
        f"| {_percent(*dev_top1)} | {_percent(*dev_recall)} |"
    )


def _retrieval_table(
    title: str, rankers: dict[str, retrieval_eval.MakeRanker], setting: Any, data: Any
) -> None:
    documents, questions = data
    print(f"#### {title}\n")
    print("| ranker | test top-1 % | 95 % CI | test recall@3 % | 95 % CI | dev top-1 % | dev recall@3 % |")
    print("|---|---|---|---|---|---|---|")
    genres, markdown = {}, {}
    for name, make in rankers.items():
        dev, test = (retrieval_eval.run(make, documents, questions, h, setting) for h in ("dev", "test"))
        print(_retrieval_row(name, dev, test))
        genres[name] = retrieval_eval.by_genre(test)
        markdown[name] = [
            retrieval_eval.share(retrieval_eval.markdown_only(o, documents), "top1") for o in (test, dev)
        ]
    print("\nTest top-1 per genre: " + "; ".join(f"{name}: {g}" for name, g in genres.items()) + "\n")
    if setting.structure:
        print(
            "Top-1 on the Markdown documents alone (test; dev): "
            + "; ".join(f"{name}: {t[0]}/{t[1]}; {d[0]}/{d[1]}" for name, (t, d) in markdown.items())
            + "\n"
        )


def retrieval_section() -> None:
    """Top-1 and recall@3 of /answer's ranking and the baselines, per document and pooled."""
    from app.core import term_weights
    from app.web.schemas import ANSWER_CHUNK_SIZE, ANSWER_STRATEGY

    data = retrieval_set.load()
    dev = [q for q in data[1] if data[0][q.document].half == "dev"]
    print("## Retrieval: /answer on documents it was never tuned on\n")
    test = len(data[1]) - len(dev)
    print(f"{len(dev)} development questions, {test} test questions on {len(data[0])} documents.\n")

    def no_floor(chunks: list[Any]) -> retrieval_eval.Ranker:
        with mock.patch.object(term_weights, "LENGTH_FLOOR", 0.0):
            return retrieval_eval.chunkwise("bm25")(chunks)

    def no_prior(chunks: list[Any]) -> retrieval_eval.Ranker:
        with mock.patch.object(term_weights, "BACKGROUND_CHUNKS", 0.0):
            return retrieval_eval.chunkwise("bm25")(chunks)

    rankers = {
        "**chunkwise bm25** (the default)": retrieval_eval.chunkwise("bm25"),
        "chunkwise tfidf": retrieval_eval.chunkwise("tfidf"),
        "ablation: chunkwise bm25 without the background prior": no_prior,
        "ablation: chunkwise bm25 without the length floor": no_floor,
        "scikit-learn `TfidfVectorizer()` cosine": retrieval_eval.sklearn_tfidf,
        "rank_bm25 `BM25Okapi`, lowercase words": retrieval_eval.rank_bm25,
    }
    for pooled in (False, True):
        where = "all the half's documents in one pool" if pooled else "each document on its own"
        for strategy, size in ((ANSWER_STRATEGY, ANSWER_CHUNK_SIZE), ("recursive", 500)):
            setting = retrieval_eval.Setting(strategy, size, False, pooled)
            _retrieval_table(f"`{strategy}` {size} characters, {where}", rankers, setting, data)
        headings = {
            "chunkwise bm25, plain": retrieval_eval.chunkwise("bm25"),
            "chunkwise bm25, heading path as a field": retrieval_eval.chunkwise("bm25", headings=True),
            "scikit-learn `TfidfVectorizer()` cosine": retrieval_eval.sklearn_tfidf,
        }
        setting = retrieval_eval.Setting(ANSWER_STRATEGY, ANSWER_CHUNK_SIZE, True, pooled)
        title = f"Markdown documents by `markdown` (others `{ANSWER_STRATEGY}`), {where}"
        _retrieval_table(title, headings, setting, data)


GRID_STRATEGIES = ("recursive", "sentence", "paragraph")
GRID_SIZES = (300, 400, 500, 600, 800, 1000, 1200, 1500)


def retrieval_grid() -> None:
    """Development half only: /answer's ranking by chunking strategy and size, to choose its defaults."""
    documents, questions = retrieval_set.load()
    print("#### Chunking for `text`, development half only (top-1 / recall@3, of 89 questions)\n")
    print("| strategy | size | each document | pooled | mean chunk chars |")
    print("|---|---|---|---|---|")
    make = retrieval_eval.chunkwise("bm25")
    for strategy in GRID_STRATEGIES:
        for size in GRID_SIZES:
            cells = []
            for pooled in (False, True):
                setting = retrieval_eval.Setting(strategy, size, False, pooled)
                outcomes = retrieval_eval.run(make, documents, questions, "dev", setting)
                cells.append(f"{sum(o.top1 for o in outcomes)} / {sum(o.recall for o in outcomes)}")
            chars = retrieval_eval.mean_chunk_chars(documents, "dev", strategy, size)
            print(f"| {strategy} | {size} | {cells[0]} | {cells[1]} | {chars:.0f} |")
    print()


def segmentation_section() -> None:
    """Topic boundaries: the test half's tables, then the development half's."""
    from benchmarks import bench_segmentation

    print("## Segmentation: topic boundaries on documents it was never tuned on\n")
    bench_segmentation.print_halves(("test", "dev"))


def main() -> None:
    """Print every evaluation's section."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--failures", action="store_true", help="list development-half failures")
    parser.add_argument(
        "--only", choices=("sentences", "retrieval", "segmentation"), help="print one section"
    )
    parser.add_argument("--grid", action="store_true", help="the development-half chunking grid for /answer")
    args = parser.parse_args()
    if args.grid:
        retrieval_grid()
        return
    if args.only in (None, "sentences"):
        sentences_section(args.failures)
    if args.only in (None, "retrieval"):
        retrieval_section()
    if args.only in (None, "segmentation"):
        segmentation_section()


if __name__ == "__main__":
    main()
