"""Reading numbers written in English: numerals, number words and vague quantifiers.

Pure string functions, no spaCy: the token rules in `quantities.py` call them on
token texts. No well-kept PyPI parser fits (word2number-style packages stop at
"one hundred and five" and know neither "1.5 million" nor "a dozen"), so this
is a compact one, property-tested against its own formatter.

Vague quantifiers have one convention table, `VAGUE_QUANTIFIERS`. Each entry is
(value, low, high): `value` is the figure we report, `low`/`high` the bounds
(None = open). The lows follow what expert annotators of military press
releases recorded as the *minimum* ("several"/"multiple" 3, "numerous" 4,
"a few" 3 -- their choice in every case of the development data) and common newsroom readings for the plurals of round numbers
("dozens" >= 24, i.e. at least two dozen). "a number of" reads like "several";
"a large number of" sits above "numerous". All of them are `approximate` except "both".

| words                         | value | low  | high |
|-------------------------------|------:|-----:|-----:|
| a couple (of), a pair of      | 2     | 2    | 2    |
| a few, few                    | 3     | 3    | open |
| several, multiple, some (+pl) | 3     | 3    | open |
| a handful (of)                | 3     | 3    | open |
| a number of                   | 3     | 3    | open |
| a large number of             | 5     | 5    | open |
| both (+ plural)               | 2     | 2    | 2    |
| many                          | 3     | 3    | open |
| numerous                      | 4     | 4    | open |
| dozens (of)                   | 24    | 24   | open |
| scores (of)                   | 40    | 40   | open |
| hundreds (of)                 | 200   | 200  | open |
| thousands (of)                | 2000  | 2000 | open |
| tens of thousands             | 20000 | 20000| open |
| hundreds of thousands         | 200000| 200000| open|
| millions (of)                 | 2e6   | 2e6  | open |
"""

from __future__ import annotations

import re

UNITS: dict[str, int] = {
    "zero": 0, "nil": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALES: dict[str, int] = {
    "hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
# Abbreviated scales written after a numeral: "1.5m", "$3bn", "20k".
SCALE_SUFFIXES: dict[str, int] = {
    "k": 1_000, "m": 1_000_000, "mn": 1_000_000, "mln": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000,
    "tn": 1_000_000_000_000,
}
NUMBER_WORDS = frozenset(UNITS) | frozenset(TENS) | frozenset(SCALES) | {"dozen"}

# (value, low, high) -- see the module docstring for the table and why.
VAGUE_QUANTIFIERS: dict[str, tuple[float, float, float | None]] = {
    "a couple": (2, 2, 2),
    "a pair": (2, 2, 2),
    "a few": (3, 3, None),
    "few": (3, 3, None),
    "several": (3, 3, None),
    "multiple": (3, 3, None),
    "a handful": (3, 3, None),
    "a number of": (3, 3, None),
    "a large number of": (5, 5, None),
    "a significant number of": (5, 5, None),
    "a small number of": (2, 2, None),
    "both": (2, 2, 2),
    "many": (3, 3, None),
    "numerous": (4, 4, None),
    "dozens": (24, 24, None),
    "scores": (40, 40, None),
    "hundreds": (200, 200, None),
    "thousands": (2000, 2000, None),
    "tens of thousands": (20_000, 20_000, None),
    "hundreds of thousands": (200_000, 200_000, None),
    "millions": (2_000_000, 2_000_000, None),
}

_NUMERAL_RE = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?([a-z]{1,3})?$", re.IGNORECASE)


def parse_numeral(text: str) -> float | None:
    """Parse one numeral token: "137", "2,500", "1.5", "5bn", "20k". None if it is not one.

    Digits grouped with commas must be grouped by three ("1,50" is not a number
    but a list or a typo).
    """
    m = _NUMERAL_RE.match(text.strip())
    if not m:
        return None
    whole, frac, suffix = m.groups()
    value = float(whole.replace(",", "") + (frac or ""))
    if suffix:
        scale = SCALE_SUFFIXES.get(suffix.lower())
        if scale is None:
            return None
        value *= scale
    return value


def parse_number_words(words: list[str]) -> float | None:
    """Parse a run of number words: ["twenty", "one"], ["one", "hundred", "and", "five"],
    ["1.5", "million"], ["a", "dozen"], ["three", "dozen"]. None if the run is not one number.

    Hyphens are expected to be split out already (the caller drops "-" tokens).
    """
    total = 0.0
    current: float | None = None
    last_kind = ""  # "unit" | "ten" | "scale" | "numeral" | "and" -- to reject "five six"
    for raw in words:
        w = raw.lower()
        if w in {"a", "an"} and current is None and last_kind == "":
            current, last_kind = 1.0, "a"
            continue
        if w == "and":
            if last_kind not in {"scale"}:
                return None
            last_kind = "and"
            continue
        if w in UNITS:
            if last_kind in {"unit", "numeral", "a"} or (last_kind == "ten" and UNITS[w] >= 10):
                return None
            current = (current or 0.0) + UNITS[w]
            last_kind = "unit"
        elif w in TENS:
            if last_kind in {"unit", "ten", "numeral", "a"}:
                return None
            current = (current or 0.0) + TENS[w]
            last_kind = "ten"
        elif w == "dozen":
            if current is None:
                return None
            current *= 12
            last_kind = "scale"
        elif w in SCALES:
            scale = SCALES[w]
            if current is None:
                return None
            if scale == 100:
                current *= 100
            else:
                total += current * scale
                current = None
            last_kind = "scale"
        else:
            value = parse_numeral(w)
            if value is None or last_kind not in {"", "and"} or current is not None:
                return None
            current = value
            last_kind = "numeral"
    if last_kind in {"", "and", "a"}:
        return None
    return total + (current or 0.0)


def parse_vague(words: list[str]) -> tuple[float, float, float | None] | None:
    """Look up a vague quantifier phrase ("several", "a few", "dozens") in the convention table."""
    return VAGUE_QUANTIFIERS.get(" ".join(w.lower() for w in words))


def int_to_words(n: int) -> str:
    """English words for a non-negative int ("twenty-one", "one hundred and five").

    The inverse of `parse_number_words` on hyphen-split output; used in tests and
    to render values in reports.
    """
    if n < 0:
        raise ValueError("negative numbers are not spelled here")
    if n < 20:
        return next(k for k, v in UNITS.items() if v == n and k != "nil")
    if n < 100:
        tens = next(k for k, v in TENS.items() if v == n - n % 10)
        return tens if n % 10 == 0 else f"{tens}-{int_to_words(n % 10)}"
    if n < 1000:
        head = f"{int_to_words(n // 100)} hundred"
        return head if n % 100 == 0 else f"{head} and {int_to_words(n % 100)}"
    for name, scale in sorted(SCALES.items(), key=lambda kv: -kv[1]):
        if scale >= 1000 and n >= scale:
            head = f"{int_to_words(n // scale)} {name}"
            rest = n % scale
            if rest == 0:
                return head
            joiner = " and " if rest < 100 else " "
            return f"{head}{joiner}{int_to_words(rest)}"
    raise AssertionError("unreachable")
