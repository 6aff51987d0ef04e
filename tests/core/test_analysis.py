from __future__ import annotations

import re
import sysconfig
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from nltk.stem.snowball import SnowballStemmer

from app.core import analysis
from app.core.analysis import analyze_many, stem_words, term_ids, words


def test_words_keep_numbers_and_single_characters():
    assert words("Item 5 costs $3.50, x!") == ["item", "5", "costs", "3", "50", "x"]


def test_stop_words_dropped_and_words_stemmed():
    assert analyze_many(["The runners were running quickly"]) == [["runner", "run", "quick"]]


def test_bigrams_follow_unigrams():
    assert analyze_many(["Offsets matter greatly"], ngrams=2) == [
        ["offset", "matter", "great", "offset matter", "matter great"]
    ]


def test_text_without_content_words_is_empty():
    assert analyze_many(["the and of", ""]) == [[], []]


ROOT = Path(__file__).resolve().parents[2]
LICENSES = Path("/usr/share/common-licenses")


def _word_list() -> list[str]:
    """Every distinct word of the repository's prose, the licence texts and Python's standard library."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    paths = [*ROOT.glob("samples/*"), *ROOT.glob("docs/**/*.md"), ROOT / "README.md", *LICENSES.glob("*")]
    paths += sorted(stdlib.glob("*.py"))
    found: set[str] = set()
    for path in paths:
        if path.is_file():
            found.update(words(path.read_text(encoding="utf-8", errors="replace")))
    return sorted(found)


def test_compiled_stems_equal_nltk_snowball_on_a_large_word_list():
    listed = _word_list()
    assert len(listed) > 20_000
    nltk_stem = SnowballStemmer("english").stem
    stems = stem_words(listed)
    assert [w for w in listed if stems[w] != nltk_stem(w)] == []


@pytest.mark.parametrize(
    ("word", "nltk_stem", "ours"),
    [("quantization", "quantize", "quantiz"), ("resizer", "resize", "resiz")],
    ids=["ization", "izer"],
)
def test_the_known_differences_from_nltk(word, nltk_stem, ours):
    # Snowball's C rules remove -ize after -ization/-izer is reduced where NLTK stops.
    assert SnowballStemmer("english").stem(word) == nltk_stem
    assert stem_words([word]) == {word: ours}


def test_stem_memo_stays_bounded(monkeypatch):
    monkeypatch.setattr(analysis, "STEM_MEMO_SIZE", 50)
    monkeypatch.setattr(analysis, "_memo", {})
    first = [f"walking{i}x" for i in range(40)]
    assert stem_words(first)["walking3x"] == "walking3x"
    assert len(analysis._memo) == 40
    stem_words([f"jumping{i}s" for i in range(30)])
    assert len(analysis._memo) == 30
    assert stem_words([f"w{i}" for i in range(60)])["w7"] == "w7"
    assert len(analysis._memo) <= 50


@pytest.mark.parametrize(
    "texts",
    [[], [""], ["the and of"], ["Runners ran; the runner runs.", "", "of the", "Running runners 5 x"]],
    ids=["none", "empty", "stop-words-only", "mixed"],
)
def test_term_ids_list_the_same_stems_as_analyze_many(texts):
    stems, ids, lengths = term_ids(texts)
    names = {i: s for s, i in stems.items()}
    bounds = np.cumsum([0, *lengths])
    listed = [[names[int(i)] for i in ids[a:b]] for a, b in zip(bounds, bounds[1:], strict=False)]
    assert listed == analyze_many(texts)
    assert list(stems.values()) == list(range(len(stems)))


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.text())
@example("Tab\tand\x1cfile separators_ok 3.50\x0b")
def test_words_equal_the_regex_tokens(text):
    assert words(text) == re.findall(r"\w+", text.lower())
