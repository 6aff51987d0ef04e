"""/answer: retrieval quality on the project's own evaluation set, and latency beside bm25s and rank_bm25.

Run from the repository root (``make bench`` does this)::

    python -m benchmarks.bench_answer [--quick] [--repeat 3] [--sizes 100,1000,10000]

Quality. ``benchmarks/data/answer_eval.json`` holds questions written by the
project about the documents in ``samples/``, each with a gold answer span (a
quotation of the passage that answers it). Every document is chunked with the
same strategy, the chunks of all documents are pooled into one index (as a
RAG store would hold them), and each question is ranked against the pool:

* top-1: the best chunk holds at least half of the gold span;
* recall@3: one of the three best chunks does;
* sentence: the top-1 chunk is a hit *and* /answer's ``sentence`` overlaps
  the gold span (chunkwise only: the others return no sentence).

The baseline is a plain scikit-learn ``TfidfVectorizer()`` (its defaults:
lowercase, two-character tokens, no stop words, no stemming, single words)
with cosine similarity, on the same chunks. Ablations switch one choice of
chunkwise's methods; bm25s and rank_bm25 run on chunkwise's own terms so the
difference is the scoring, plus bm25s with its own tokenizer.

A second table runs both methods over chunking strategies and sizes (and a
few overlaps), which is how /answer's chunking defaults for ``text`` were
chosen.

Latency. ``benchmarks.corpus.prose`` cut into chunks of about 800 characters
by ``FixedChunker(chunk_size=800)``; for 100, 1,000 and 10,000 chunks:
fitting, fit + first question, and a second question against the fitted
index (chunkwise: the cache key hash of all chunks, the lookup and
``retrieval.answer`` with its best sentence; libraries: question tokenising
and top-3 retrieval). Times are the best of ``--repeat`` runs (questions:
the median over several questions, best of the repeats). The output is
Markdown, ready for ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np

from app.core import retrieval
from app.core.analysis import analyze_many
from app.core.chunkers import CHUNKERS
from app.core.chunkers.fixed import FixedChunker
from app.core.index_cache import IndexCache
from benchmarks.corpus import prose
from benchmarks.retrieval_set import PooledChunk, Question, covers, locate

ROOT = Path(__file__).resolve().parent.parent
EVAL_FILE = ROOT / "benchmarks" / "data" / "answer_eval.json"
# The chunking of the quality comparison: /answer's default for `text` when this
# set chose it; bench_quality's retrieval section re-chose it on held-out documents.
POOL_CHUNKING = {"strategy": "recursive", "chunk_size": 500}
GRID_STRATEGIES = ("fixed", "recursive", "sentence", "paragraph")
GRID_SIZES = (200, 300, 500, 800, 1000, 1500)
# Overlap, tried where the grid without it did best: (strategy, chunk_size, chunk_overlap).
GRID_OVERLAPS = (("recursive", 500, 100), ("recursive", 800, 200), ("sentence", 500, 100))
LATENCY_QUESTIONS = (
    "Can I charge a fee for distributing copies of the program?",
    "What happens to my license if I violate the terms?",
    "Does the licence grant patent rights to contributors?",
    "Where must the copyright notice appear in source files?",
    "Is there any warranty for the software?",
)
RANK_DEPTH = 3


def terms_of(texts: list[str]) -> list[list[str]]:
    """chunkwise's BM25 terms, so the libraries differ from it only in scoring."""
    return analyze_many(texts, ngrams=retrieval.NGRAMS["bm25"])


Ranker = Callable[[str], tuple[list[int], tuple[int, int] | None]]


def load_eval() -> tuple[dict[str, str], list[Question]]:
    """The documents and the questions, each gold span located in its document."""
    data = json.loads(EVAL_FILE.read_text(encoding="utf-8"))
    documents = {name: (ROOT / name).read_text(encoding="utf-8") for name in data["documents"]}
    questions = [
        Question(
            item["question"],
            item["document"],
            *locate(item["gold"], documents[item["document"]], item["document"]),
        )
        for item in data["questions"]
    ]
    return documents, questions


def pool(
    documents: dict[str, str], strategy: str, chunk_size: int, chunk_overlap: int = 0
) -> list[PooledChunk]:
    chunker = CHUNKERS[strategy](chunk_size=chunk_size, chunk_overlap=chunk_overlap)  # type: ignore[call-arg]
    return [
        PooledChunk(name, c.start, c.end, c.text)
        for name, text in documents.items()
        for c in chunker.chunk(text)
    ]


# ---- rankers: each takes a question and returns the top chunk indices (and a sentence span)


def chunkwise_ranker(chunks: list[PooledChunk], method: retrieval.Method) -> Ranker:
    texts = [c.text for c in chunks]
    index = retrieval.fit(texts, method)

    def run(question: str) -> tuple[list[int], tuple[int, int] | None]:
        result = retrieval.answer(index, question, texts, top_k=RANK_DEPTH, min_score=0.0)
        span = None
        if result.found and result.sentence is not None and result.chunk_index is not None:
            base = chunks[result.chunk_index].start
            span = (base + result.sentence.start, base + result.sentence.end)
        return [r.index for r in result.ranking], span

    return run


def baseline_ranker(chunks: list[PooledChunk]) -> Ranker:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer()
    matrix = vectorizer.fit_transform([c.text for c in chunks])

    def run(question: str) -> tuple[list[int], tuple[int, int] | None]:
        scores = (matrix @ vectorizer.transform([question]).T).toarray().ravel()
        return [r.index for r in retrieval.top(scores, RANK_DEPTH)], None

    return run


def bm25s_ranker(chunks: list[PooledChunk], own_tokenizer: bool = False) -> Ranker:
    import bm25s

    texts = [c.text for c in chunks]
    model = bm25s.BM25(method="lucene")
    if own_tokenizer:
        model.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)
    else:
        model.index(terms_of(texts), show_progress=False)

    def run(question: str) -> tuple[list[int], tuple[int, int] | None]:
        if own_tokenizer:
            tokens = bm25s.tokenize([question], stopwords="en", show_progress=False, return_ids=False)[0]
        else:
            tokens = terms_of([question])[0]
        known = [t for t in tokens if t in model.vocab_dict]
        if not known:
            return [], None
        scores = np.asarray(model.get_scores(known), dtype=np.float64)
        return [r.index for r in retrieval.top(scores, RANK_DEPTH)], None

    return run


def rank_bm25_ranker(chunks: list[PooledChunk]) -> Ranker:
    from rank_bm25 import BM25Okapi

    model = BM25Okapi(terms_of([c.text for c in chunks]))

    def run(question: str) -> tuple[list[int], tuple[int, int] | None]:
        scores = np.asarray(model.get_scores(terms_of([question])[0]), dtype=np.float64)
        return [r.index for r in retrieval.top(scores, RANK_DEPTH)], None

    return run


def _with_ngrams(method: retrieval.Method, ngrams: int, chunks: list[PooledChunk]) -> Ranker:
    # An ablation: the same method with the other choice of terms.
    with mock.patch.dict(retrieval.NGRAMS, {method: ngrams}):  # type: ignore[arg-type]
        ranker = chunkwise_ranker(chunks, method)

    def run(question: str) -> tuple[list[int], tuple[int, int] | None]:
        with mock.patch.dict(retrieval.NGRAMS, {method: ngrams}):  # type: ignore[arg-type]
            return ranker(question)

    return run


def evaluate(ranker: Ranker, chunks: list[PooledChunk], questions: list[Question]) -> dict[str, float]:
    top1 = recall = sentence = 0
    chars = []
    for q in questions:
        ranked, span = ranker(q.text)
        hits = [covers(chunks[i], q) for i in ranked[:RANK_DEPTH]]
        top1 += bool(hits and hits[0])
        recall += any(hits)
        if hits and hits[0] and span is not None:
            sentence += span[0] < q.end and q.start < span[1]
        if ranked:
            chars.append(len(chunks[ranked[0]].text))
    n = len(questions)
    return {
        "top1": 100 * top1 / n,
        "recall3": 100 * recall / n,
        "sentence": 100 * sentence / n,
        "chars": statistics.mean(chars) if chars else 0.0,
    }


def quality(documents: dict[str, str], questions: list[Question]) -> dict[str, dict[str, float]]:
    chunks = pool(documents, **POOL_CHUNKING)  # type: ignore[arg-type]
    rankers = {
        "plain TfidfVectorizer cosine (baseline)": baseline_ranker(chunks),
        "chunkwise tfidf": chunkwise_ranker(chunks, "tfidf"),
        "chunkwise bm25": chunkwise_ranker(chunks, "bm25"),
        "ablation: tfidf, words only": _with_ngrams("tfidf", 1, chunks),
        "ablation: bm25, words only": _with_ngrams("bm25", 1, chunks),
        "bm25s lucene, chunkwise terms": bm25s_ranker(chunks),
        "rank_bm25 BM25Okapi, chunkwise terms": rank_bm25_ranker(chunks),
        "bm25s lucene, its own tokenizer (en stop words)": bm25s_ranker(chunks, own_tokenizer=True),
    }
    return {name: evaluate(ranker, chunks, questions) for name, ranker in rankers.items()}


def chunking_grid(
    documents: dict[str, str], questions: list[Question]
) -> list[tuple[str, int, int, str, dict]]:
    rows = []
    settings = [(s, size, 0) for s in GRID_STRATEGIES for size in GRID_SIZES] + list(GRID_OVERLAPS)
    for strategy, size, overlap in settings:
        chunks = pool(documents, strategy, size, overlap)
        for method in retrieval.METHODS:
            result = evaluate(chunkwise_ranker(chunks, method), chunks, questions)
            rows.append((strategy, size, overlap, method, {**result, "count": len(chunks)}))
    return rows


# ---- latency


def _best(run: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def _question_time(ask: Callable[[str], Any], repeat: int) -> float:
    return min(
        statistics.median(_best(lambda q=q: ask(q), 1) for q in LATENCY_QUESTIONS) for _ in range(repeat)
    )


@dataclass
class Contender:
    """How one contender fits an index and asks a question of a fitted one."""

    fit: Callable[[list[str]], Any]
    ask: Callable[[Any, list[str], str], Any]


def _ours(method: retrieval.Method) -> Contender:
    cache: IndexCache[retrieval.Index] = IndexCache(4)

    def ask(index: Any, texts: list[str], question: str) -> Any:
        # What a request does with a cached index: hash the chunks, look up, answer.
        cached, hit = cache.get_or_fit(retrieval.fingerprint(texts, method), lambda: index)
        return retrieval.answer(cached, question, texts, top_k=3, min_score=0.0)

    return Contender(lambda texts: retrieval.fit(texts, method), ask)


def _ours_search() -> Contender:
    return Contender(
        lambda texts: retrieval.fit(texts, "bm25"),
        lambda index, texts, question: retrieval.search(index, question, top_k=3),
    )


def _bm25s(own_tokenizer: bool) -> Contender:
    import bm25s

    def tokens(batch: list[str]) -> Any:
        if own_tokenizer:
            return bm25s.tokenize(batch, stopwords="en", show_progress=False, return_ids=False)
        return terms_of(batch)

    def fit(texts: list[str]) -> Any:
        model = bm25s.BM25(method="lucene")
        model.index(tokens(texts), show_progress=False)
        return model

    def ask(model: Any, texts: list[str], question: str) -> Any:
        known = [t for t in tokens([question])[0] if t in model.vocab_dict]
        return model.retrieve([known or [""]], k=3, show_progress=False)

    return Contender(fit, ask)


def _rank_bm25() -> Contender:
    from rank_bm25 import BM25Okapi

    def ask(model: Any, texts: list[str], question: str) -> Any:
        return retrieval.top(np.asarray(model.get_scores(terms_of([question])[0])), 3)

    return Contender(lambda texts: BM25Okapi(terms_of(texts)), ask)


CONTENDERS: dict[str, Callable[[], Contender]] = {
    "chunkwise bm25": lambda: _ours("bm25"),
    "chunkwise tfidf": lambda: _ours("tfidf"),
    "chunkwise bm25, ranking only": _ours_search,
    "bm25s, chunkwise terms": lambda: _bm25s(own_tokenizer=False),
    "bm25s, its own tokenizer": lambda: _bm25s(own_tokenizer=True),
    "rank_bm25 BM25Okapi, chunkwise terms": _rank_bm25,
}


def latency(sizes: Sequence[int], repeat: int) -> dict[tuple[str, int], tuple[float, float, float]]:
    """Per contender and size: fit, fit + first question, and a question against the fitted index."""
    all_chunks = [c.text for c in FixedChunker(chunk_size=800).chunk(prose(max(sizes) * 820, "unwrapped"))]
    results = {}
    for size in sizes:
        texts = all_chunks[:size]
        for name, make in CONTENDERS.items():
            c = make()
            fit = _best(lambda c=c, texts=texts: c.fit(texts), repeat)
            first = _best(lambda c=c, texts=texts: c.ask(c.fit(texts), texts, LATENCY_QUESTIONS[0]), repeat)
            index = c.fit(texts)
            c.ask(index, texts, LATENCY_QUESTIONS[0])
            second = _question_time(lambda q, c=c, index=index, texts=texts: c.ask(index, texts, q), repeat)
            results[name, size] = (fit, first, second)
            del index
    return results


def bm25_agreement(sizes: Sequence[int]) -> float:
    """Largest relative difference between chunkwise's BM25 scores and bm25s's on the same terms."""
    import bm25s

    texts = [c.text for c in FixedChunker(chunk_size=800).chunk(prose(min(sizes) * 820, "unwrapped"))]
    model = bm25s.BM25(method="lucene")
    model.index(terms_of(texts), show_progress=False)
    index = retrieval.fit(texts, "bm25")
    worst = 0.0
    for question in LATENCY_QUESTIONS:
        ours = retrieval.scores(index, question)
        known = [t for t in terms_of([question])[0] if t in model.vocab_dict]
        theirs = np.asarray(model.get_scores(known), dtype=np.float64)
        worst = max(worst, float(np.max(np.abs(ours - theirs)) / max(float(np.max(np.abs(ours))), 1e-12)))
    return worst


# ---- output


def print_quality(results: dict[str, dict[str, float]], n: int) -> None:
    base = results["plain TfidfVectorizer cosine (baseline)"]["top1"]
    print(f"Quality: {n} questions; chunks: {POOL_CHUNKING}, all documents pooled.\n")
    print("| ranker | top-1 % | vs baseline | recall@3 % | sentence % | top-1 chunk chars |")
    print("|---|---|---|---|---|---|")
    for name, r in results.items():
        sentence = f"{r['sentence']:.1f}" if name.startswith("chunkwise") or "ablation" in name else "-"
        print(
            f"| {name} | {r['top1']:.1f} | {r['top1'] - base:+.1f} | {r['recall3']:.1f} | {sentence} |"
            f" {r['chars']:.0f} |"
        )
    print()


def print_grid(rows: list[tuple[str, int, int, str, dict]]) -> None:
    print(
        "Chunking for `text` (both methods; sentence = top-1 hit and its best sentence overlaps the gold):\n"
    )
    heads = ["strategy", "chunk_size", "overlap", "chunks", "method", "top-1 %", "recall@3 %", "sentence %"]
    print("| " + " | ".join([*heads, "answer chars"]) + " |")
    print("|" + "---|" * (len(heads) + 1))
    for strategy, size, overlap, method, r in rows:
        cells = [strategy, size, overlap, r["count"], method, f"{r['top1']:.1f}", f"{r['recall3']:.1f}"]
        print("| " + " | ".join(map(str, cells)) + f" | {r['sentence']:.1f} | {r['chars']:.0f} |")
    print()


def print_latency(results: dict[tuple[str, int], tuple[float, float, float]], sizes: Sequence[int]) -> None:
    print("Latency in ms (chunks of ~800 characters; best of the repeats):\n")
    heads = ["contender", *(f"{p} {s:,}" for s in sizes for p in ("fit", "fit+1st", "2nd q"))]
    print("| " + " | ".join(heads) + " |")
    print("|" + "---|" * len(heads))
    for name in CONTENDERS:
        cells = [f"{1000 * v:.1f}" for s in sizes for v in results[name, s]]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    print("Ratios, theirs / chunkwise bm25 (above 1: chunkwise is faster):\n")
    print("| contender | " + " | ".join(f"fit+1st {s:,} | 2nd q {s:,}" for s in sizes) + " |")
    print("|" + "---|" * (1 + 2 * len(sizes)))
    for name in CONTENDERS:
        if name == "chunkwise bm25":
            continue
        cells = []
        for s in sizes:
            ours, theirs = results["chunkwise bm25", s], results[name, s]
            cells += [f"{theirs[1] / ours[1]:.2f}", f"{theirs[2] / ours[2]:.2f}"]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def print_targets(quality_results: dict[str, dict[str, float]], lat: dict, sizes: Sequence[int]) -> None:
    base = quality_results["plain TfidfVectorizer cosine (baseline)"]["top1"]
    print("Targets:\n")
    for method in retrieval.METHODS:
        gain = quality_results[f"chunkwise {method}"]["top1"] - base
        print(f"- {method} top-1 vs baseline: {gain:+.1f} points (target >= +10): {_verdict(gain >= 10)}")
    for method in retrieval.METHODS:
        if 10_000 in sizes:
            q = 1000 * lat[f"chunkwise {method}", 10_000][2]
            print(
                f"- {method} cached question, 10,000 chunks: {q:.1f} ms (target <= 20): {_verdict(q <= 20)}"
            )
        if 1000 in sizes:
            f = 1000 * lat[f"chunkwise {method}", 1000][0]
            print(f"- {method} fit, 1,000 chunks: {f:.1f} ms (target <= 150): {_verdict(f <= 150)}")
    print()


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_answer", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sizes", default="100,1000,10000", help="chunk counts for latency, comma-separated")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per latency measurement, the best is kept"
    )
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 100 and 1,000 chunks, one run, no grid"
    )
    args = parser.parse_args(argv)
    args.sizes = sorted({int(s) for s in ("100,1000" if args.quick else args.sizes).split(",") if s.strip()})
    args.repeat = 1 if args.quick else args.repeat
    if not args.sizes or args.sizes[0] <= 0 or args.repeat < 1:
        parser.error("sizes must be positive and repeat at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    documents, questions = load_eval()
    print("## /answer\n")
    print(f"- Python {platform.python_version()} on {platform.machine()}, {platform.platform()}")
    print(f"- evaluation set: {len(questions)} questions over {', '.join(documents)}\n")
    quality_results = quality(documents, questions)
    print_quality(quality_results, len(questions))
    if not args.quick:
        print_grid(chunking_grid(documents, questions))
    lat = latency(args.sizes, args.repeat)
    print_latency(lat, args.sizes)
    print(
        f"BM25 scores, chunkwise vs bm25s (lucene) on the same terms: largest relative difference "
        f"{bm25_agreement(args.sizes):.1e} (bm25s computes in float32).\n"
    )
    print_targets(quality_results, lat, args.sizes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
