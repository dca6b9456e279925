"""Reading numbers written in English: numerals, number words and vague quantifiers.

Pure string functions, no spaCy: the token rules (`reading.py`) call them on token texts.
Runs of number words ("twenty one", "one hundred and five") are read by the maintained
`text2num` package; what it does not read is handled here: a numeral with a scale word
("1.5 million"), "a"/"an" for one ("a hundred"), "dozen", numerals with glued scales ("5bn").

Vague quantifiers have one convention table, `VAGUE_QUANTIFIERS` (data/numbers.yaml): each
entry is (value, low, high), `value` the figure reported and `low`/`high` the bounds (None = open).
"""

from __future__ import annotations

import re

from text_to_num import text2num

from pipeline.enrich.quantities import lexicon as lex

VAGUE_QUANTIFIERS = lex.VAGUE_QUANTIFIERS
NUMBER_WORDS = lex.UNIT_WORDS | lex.TEN_WORDS | lex.SCALE_WORDS | {"dozen"}

_NUMERAL_RE = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?([a-z]{1,3})?$", re.IGNORECASE)
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}


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
        scale = lex.SCALE_SUFFIXES.get(suffix.lower())
        if scale is None:
            return None
        value *= scale
    return value


def _words_value(words: list[str]) -> float | None:
    """text2num on a run of number words; None when it is not one number ("five six", "ten one")."""
    if not words or words[0] in lex.SCALE_WORDS or words[-1] == "and":
        return None  # "thousand" alone is a noun ("a thousand" arrives here as "one thousand")
    if "trillion" in words:  # beyond text2num's English scales
        k = words.index("trillion")
        head, rest = _words_value(words[:k]), words[k + 1:]
        tail = _words_value(rest[1:] if rest[:1] == ["and"] else rest) if rest else 0.0
        return None if head is None or tail is None else head * 1e12 + tail
    try:
        return float(text2num(" ".join(words), "en"))
    except ValueError:
        return None


def parse_number_words(words: list[str]) -> float | None:
    """Parse a run of number words: ["twenty", "one"], ["one", "hundred", "and", "five"],
    ["1.5", "million"], ["a", "dozen"], ["three", "dozen"]. None if the run is not one number.

    Hyphens are expected to be split out already (the caller drops "-" tokens).
    """
    words = [w.lower() for w in words]
    if not words:
        return None
    if words[0] in {"a", "an"}:
        if len(words) == 1 or words[1] not in lex.SCALE_WORDS | {"dozen"}:
            return None
        words = ["one", *words[1:]]
    head = parse_numeral(words[0])
    if head is not None:
        # "1.5 million", "20 thousand": a numeral times one scale word
        if len(words) == 1:
            return head
        if len(words) == 2 and words[1] in _SCALES:
            return head * _SCALES[words[1]]
        return None
    if words[-1] == "dozen":
        inner = _words_value(words[:-1])
        return None if inner is None else inner * 12
    if "dozen" in words:
        return None
    return _words_value(words)


def parse_vague(words: list[str]) -> tuple[float, float, float | None] | None:
    """Look up a vague quantifier phrase ("several", "a few", "dozens") in the convention table."""
    return VAGUE_QUANTIFIERS.get(" ".join(w.lower() for w in words))


_UNIT_NAMES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
               "sixteen seventeen eighteen nineteen").split()
_TEN_NAMES = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def int_to_words(n: int) -> str:
    """English words for a non-negative int ("twenty-one", "one hundred and five").

    The inverse of `parse_number_words` on hyphen-split output; used in tests.
    """
    if n < 0:
        raise ValueError("negative numbers are not spelled here")
    if n < 20:
        return _UNIT_NAMES[n]
    if n < 100:
        tens = _TEN_NAMES[n // 10 - 2]
        return tens if n % 10 == 0 else f"{tens}-{_UNIT_NAMES[n % 10]}"
    if n < 1000:
        head = f"{int_to_words(n // 100)} hundred"
        return head if n % 100 == 0 else f"{head} and {int_to_words(n % 100)}"
    for name, scale in sorted(_SCALES.items(), key=lambda kv: -kv[1]):
        if scale >= 1000 and n >= scale:
            head = f"{int_to_words(n // scale)} {name}"
            rest = n % scale
            if rest == 0:
                return head
            joiner = " and " if rest < 100 else " "
            return f"{head}{joiner}{int_to_words(rest)}"
    raise AssertionError("unreachable")
