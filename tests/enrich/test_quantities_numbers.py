"""The number reader: numerals, number words, vague quantifiers (property tests with hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.enrich.quantities.numbers import (
    VAGUE_QUANTIFIERS,
    int_to_words,
    parse_number_words,
    parse_numeral,
    parse_vague,
)


def words_of(text: str) -> list[str]:
    """Split as the spaCy tokenizer does for number words: on spaces and around hyphens."""
    return text.replace("-", " ").split()


@given(st.integers(min_value=0, max_value=10**12))
def test_comma_grouped_numerals_parse_back(n):
    assert parse_numeral(f"{n:,}") == n
    assert parse_numeral(str(n)) == n


@settings(max_examples=300)
@given(st.integers(min_value=0, max_value=10**12))
def test_numbers_in_words_parse_back(n):
    assert parse_number_words(words_of(int_to_words(n))) == n


@given(st.integers(min_value=1, max_value=999), st.sampled_from(["thousand", "million", "billion"]))
def test_numeral_with_scale_word(n, scale):
    factor = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}[scale]
    assert parse_number_words([str(n), scale]) == n * factor


@given(st.integers(min_value=0, max_value=999), st.integers(min_value=1, max_value=9))
def test_decimal_with_scale_word(whole, tenth):
    assert parse_number_words([f"{whole}.{tenth}", "million"]) == pytest.approx((whole + tenth / 10) * 1e6)


@pytest.mark.parametrize("text,value", [
    ("137", 137), ("2,500", 2500), ("1.5", 1.5), ("5bn", 5e9), ("20k", 20_000), ("3m", 3e6),
])
def test_numeral_examples(text, value):
    assert parse_numeral(text) == value


@pytest.mark.parametrize("text", ["1,50", "12,3456", "abc", "", "3rd", "1.2.3", "10xyz"])
def test_not_numerals(text):
    assert parse_numeral(text) is None


@pytest.mark.parametrize("words,value", [
    (["twenty", "one"], 21), (["one", "hundred", "and", "five"], 105), (["a", "dozen"], 12),
    (["three", "dozen"], 36), (["a", "hundred"], 100), (["1.5", "million"], 1_500_000),
    (["two", "thousand", "and", "five"], 2005), (["ten", "thousand"], 10_000),
])
def test_number_word_examples(words, value):
    assert parse_number_words(words) == value


@pytest.mark.parametrize("words", [
    ["one", "two"], ["twenty", "twelve"], ["thousand"], ["and"], ["a"], ["five", "10"], ["dozen"],
    ["ten", "one"], ["several"],
])
def test_not_number_words(words):
    assert parse_number_words(words) is None


def test_vague_table_is_the_documented_convention():
    assert parse_vague(["several"]) == (3, 3, None)
    assert parse_vague(["multiple"]) == (3, 3, None)
    assert parse_vague(["numerous"]) == (4, 4, None)
    assert parse_vague(["a", "few"]) == (3, 3, None)
    assert parse_vague(["dozens"]) == (24, 24, None)
    assert parse_vague(["scores"]) == (40, 40, None)
    assert parse_vague(["hundreds"]) == (200, 200, None)
    assert parse_vague(["thousands"]) == (2000, 2000, None)
    assert parse_vague(["a", "couple"]) == (2, 2, 2)
    assert parse_vague(["a", "handful"]) == (3, 3, None)
    assert parse_vague(["Several"]) == (3, 3, None)
    assert parse_vague(["lots"]) is None
    for value, low, high in VAGUE_QUANTIFIERS.values():
        assert low <= value and (high is None or value <= high)
