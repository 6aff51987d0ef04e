"""Tests for the shipped word lists (app/core/lexicon.py, app/core/data/stopwords_en.txt)."""

from __future__ import annotations

import pytest

from app.core.lexicon import DATA_DIR, load_word_list, stop_words


def test_stop_words_is_a_cached_frozenset() -> None:
    words = stop_words()
    assert isinstance(words, frozenset)
    assert stop_words() is words


def test_stop_words_size_and_form() -> None:
    words = stop_words()
    assert 150 <= len(words) <= 220
    assert all(word == word.strip().lower() and word.isalpha() for word in words)


@pytest.mark.parametrize("word", ["the", "a", "and", "of", "is", "was", "they", "don", "t", "s"])
def test_function_words_are_stop_words(word: str) -> None:
    assert word in stop_words()


@pytest.mark.parametrize("word", ["chunk", "river", "warranty", "covered", "won", "#", ""])
def test_content_words_and_comments_are_not(word: str) -> None:
    assert word not in stop_words()


def test_list_file_has_no_duplicates() -> None:
    entries = load_word_list("stopwords_en.txt")
    assert len(entries) == len(set(entries))


def test_data_dir_is_found_from_the_package() -> None:
    assert (DATA_DIR / "stopwords_en.txt").is_file()


def test_missing_list_raises() -> None:
    with pytest.raises(FileNotFoundError):
        load_word_list("no_such_list.txt")
