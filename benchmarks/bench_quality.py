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
"""

from __future__ import annotations

import argparse
import math
import re
from collections import Counter
from collections.abc import Callable

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


def main() -> None:
    """Print every evaluation's section."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--failures", action="store_true", help="list development-half failures")
    args = parser.parse_args()
    sentences_section(args.failures)


if __name__ == "__main__":
    main()
