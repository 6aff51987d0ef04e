from __future__ import annotations

from app.core.analysis import analyze_many, words


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
