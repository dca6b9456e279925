"""Finding the numeric expressions of a sentence and their bounds.

Numerals and number words (`numbers.py`), vague quantifiers ("several", "dozens of"), ranges
("between 10 and 15", "10-15", "two or three") and the qualifier before a number, turned into
bounds ("at least 3" -> [3, open), "more than 100" -> [101, open), "nearly 40" -> (open, 40]).
`is_not_a_count` rejects what only looks like a count: years, dates, clock times, ages, codes and
phone numbers, addresses, designations ("Route 66") and scores."""

from __future__ import annotations

import re

from pipeline.enrich.quantities import lexicon as lex
from pipeline.enrich.quantities.numbers import NUMBER_WORDS, parse_number_words, parse_numeral, VAGUE_QUANTIFIERS
from pipeline.enrich.quantities.tokens import Count, Tok


QUALIFIERS = lex.QUALIFIERS


_MAX_QUALIFIER_LEN = max(len(k) for k in QUALIFIERS)


_NUMERAL_TOKEN_RE = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?(?:[a-z]{1,3})?$", re.IGNORECASE)


_RANGE_TOKEN_RE = re.compile(r"^(\d[\d,]*(?:\.\d+)?)[-–](\d[\d,]*(?:\.\d+)?)$")


YEAR_RE = re.compile(r"^(1[5-9]\d\d|20\d\d)$")


def _is_numberish(t: Tok) -> bool:
    return t.lower in NUMBER_WORDS or bool(_NUMERAL_TOKEN_RE.match(t.text))


_UNITS_1_9 = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight", "nine"})


def _read_number(toks: list[Tok], i: int, n: int) -> tuple[int, float, float, float | None, bool, bool] | None:
    """Read the number starting at token i: (end, value, low, high, approximate, vague), or None."""
    t = toks[i]
    # vague quantifiers, longest first ("hundreds of thousands" before "hundreds")
    for length in (4, 3, 2, 1):
        if i + length <= n:
            words = [x.lower for x in toks[i:i + length]]
            entry = VAGUE_QUANTIFIERS.get(" ".join(words))
            if entry is not None:
                value, low, high = entry
                return i + length, value, low, high, words != ["both"], True
    if t.lower in {"a", "an"}:
        if not (i + 1 < n and toks[i + 1].lower in lex.SCALE_AFTER_A):
            return None  # "a dozen", "a hundred"; other "a" are articles
    elif not _is_numberish(t):
        return None
    # the longest run of tokens that parses as one number ("twenty - one", "one hundred and five", "1.5 million")
    j = i
    words: list[str] = []
    best: tuple[int, float] | None = None
    while j < n:
        w = toks[j]
        if w.lower in {"-", "–"} and words and words[-1] in lex.TEN_WORDS and j + 1 < n and toks[j + 1].lower in _UNITS_1_9:
            j += 1
            continue
        if w.lower == "and" and words and words[-1] in {"hundred", "thousand", "million"} and j + 1 < n \
                and toks[j + 1].lower in NUMBER_WORDS:
            words.append("and")
            j += 1
            continue
        if (w.lower in {"a", "an"} and not words) or w.lower in NUMBER_WORDS or \
                (not words and _NUMERAL_TOKEN_RE.match(w.text)):
            words.append(w.lower)
            j += 1
            value = parse_number_words(words)
            if value is not None:
                best = (j, value)
            continue
        break
    if best is None:
        return None
    end, value = best
    return end, value, value, value, False, False


def _qualifier_before(toks: list[Tok], i: int, lo: int) -> tuple[int, str | None, list[str]]:
    """The qualifier phrase ending just before token i: (its first token, bound kind, words)."""
    for length in range(_MAX_QUALIFIER_LEN, 0, -1):
        s = i - length
        if s < lo:
            continue
        key = tuple(t.lower for t in toks[s:i])
        kind = QUALIFIERS.get(key)
        if kind is not None:
            # "some" before a vague word or a plain noun is a determiner, not "about"
            if key == ("over",) and s > lo and toks[s - 1].lower in {"fell", "fall", "stumbled", "ran", "run"}:
                continue
            return s, kind, list(key)
    return i, None, []


def _apply_bound(kind: str | None, value: float, low: float | None, high: float | None,
                 approximate: bool) -> tuple[float | None, float | None, bool]:
    integral = float(value).is_integer()
    if kind == "min":
        return low, None, approximate
    if kind == "gt":
        return (value + 1 if integral else value), None, approximate
    if kind == "max":
        return None, high if high is not None else value, approximate
    if kind == "lt":
        return None, (value - 1 if integral else value), approximate
    if kind == "near":
        return None, value, True
    if kind == "approx":
        return low, high, True
    return low, high, approximate


def _is_not_a_count(toks: list[Tok], i: int, end: int, lo: int, hi: int) -> bool:
    """Years, dates, times, ages, codes, phone numbers, addresses, designations, scores."""
    t = toks[i]
    prev = toks[i - 1] if i > lo else None
    prev2 = toks[i - 2] if i - 1 > lo else None
    nxt = toks[end] if end < hi else None
    nxt2 = toks[end + 1] if end + 1 < hi else None
    if nxt is not None and nxt.lower in {"-", "–"} and nxt2 is not None and nxt2.lower in {"year", "years", "month",
                                                                                              "week", "day"}:
        return True  # "a 23-year-old", "a 3-month-old"
    if nxt is not None and nxt.lower in {"year", "years"} and nxt2 is not None and nxt2.lower in {"old", "of"}:
        return True  # "23 years old", "23 years of age"
    j = end
    while j + 1 < hi and toks[j].lower in {",", "and", "or", "to", "through"} and toks[j + 1].pos == "NUM":
        j += 2
    if j > end and j + 1 < hi and toks[j].lower in {"year", "years"} and toks[j + 1].lower in {"old", "of"}:
        return True  # "were 13 and 19 years old": a list of ages
    if prev is not None and prev.lower in lex.AGE_WORDS:
        return True
    j = i - 1
    while j >= lo and i - j <= 10 and (toks[j].lower in {",", "and", "to", "through", "-", "–", "or"}
                                       or (toks[j].pos == "NUM" and toks[j].text[:1].isdigit())):
        j -= 1
    if j >= lo and j < i - 1 and toks[j].lower in lex.AGE_WORDS:
        return True  # "ages 22, 26, 29 and 37", "ages 19 through 43": the rest of a list of ages
    if prev is not None and prev.lower == "," and prev2 is not None and prev2.ent == "PERSON" and \
            nxt is not None and nxt.lower in {",", ")"} and end - i == 1 and (parse_numeral(t.text) or 200) < 120:
        return True  # "Rose Alexis, 38, who fled": an age in apposition to a name
    if prev is not None and prev.lower == "," and prev2 is not None and (prev2.ent == "PERSON" or prev2.is_title) \
            and nxt is not None and nxt.lower == "," and end - i == 1 and t.text.isdigit() and int(t.text) < 120:
        return True  # "Tra'von Folse, 20, died", "Boy, 16, shot": the news convention for an age
    if prev is not None and prev.lower == "," and prev2 is not None and prev2.tag in {"NN", "NNP"} and (
            prev2.lemma in lex.PERSON_NOUNS or prev2.lower in lex.PERSON_NOUNS) and end - i == 1 \
            and (nxt is None or nxt.lower in {",", ")", ".", "and", "who", "was", "is", "with"}) \
            and (parse_numeral(t.text) or parse_number_words([t.lower]) or 200) < 120:
        return True  # "injured a boy, 7,", "shoots sister, 8, with": an age in apposition to one person
    if prev is not None and prev.lower in {"one", "other"} and end - i == 1 and t.text.isdigit() and int(t.text) < 120 \
            and (nxt is None or nxt.pos not in {"NOUN", "PROPN"}):
        return True  # "Two teenagers, one 16 and the other 17,": their ages
    if prev is not None and prev.lower in {"both", "each"} and prev2 is not None and prev2.lower == "," \
            and end - i == 1 and (parse_numeral(t.text) or 200) < 120:
        return True  # "Parish Jordan and Leroy Monsalvatge, both 22": their age
    if end - i == 1 and YEAR_RE.match(t.text):
        # a year unless it plainly counts something plural ("2000 people")
        if not (nxt is not None and nxt.tag in {"NNS", "NNPS"} and nxt.lower not in lex.MONTHS):
            return True
    day_like = end - i == 1 and t.text.isdigit() and int(t.text) <= 31
    after_month = prev is not None and (prev.lower.rstrip(".") in lex.MONTHS or (
        prev.lower == "." and prev2 is not None and prev2.lower in lex.MONTHS))
    if after_month and day_like:
        return True  # "June 25", "Aug. 6" -- but not "in May 2,000 people fled"
    if nxt is not None and nxt.lower.rstrip(".") in lex.MONTHS and end - i == 1 and parse_numeral(t.text) is not None \
            and (parse_numeral(t.text) or 0) <= 31:
        return True  # "25 June"
    if nxt is not None and nxt.lower in lex.CLOCK_WORDS and nxt.lower != "hours":
        return True
    if ":" in t.text:
        return True
    # codes and phone numbers: digit groups glued by hyphens/slashes/dots to more digits or letters
    if _digit_chain_len(toks, i, lo, hi) >= 3:
        return True
    if prev is not None and prev.lower in {"-", "/", "+", "#"} and prev2 is not None and \
            (any(c.isdigit() for c in prev2.text) or prev.lower in {"+", "#"}):
        if not _looks_like_range(toks, i - 2, i):
            return True
    if nxt is not None and nxt.lower in {"-", "/"} and nxt2 is not None and any(c.isdigit() for c in nxt2.text):
        after = toks[end + 2] if end + 2 < hi else None
        if after is not None and after.lower in {"-", "/"}:
            return True  # 555-123-4567, 2011-03-S-081
        if nxt.lower == "/":
            return True
    if nxt is not None and nxt.lower in {"-", "/"} and nxt2 is not None and any(c.isalpha() for c in nxt2.text) \
            and any(c.isdigit() for c in nxt2.text):
        return True
    if prev is not None and prev.lower in {"-"} and prev2 is not None and prev2.text.isalpha() and prev2.text.isupper():
        return True  # "F-16", "AK-47", "S-081"
    if nxt is not None and end - i == 1 and t.text.isdigit() and nxt.is_title and nxt.lower in lex.STREET_WORDS:
        return True  # "42 Street"
    if nxt is not None and nxt2 is not None and t.text.isdigit() and nxt.is_title and \
            nxt2.lower in lex.STREET_WORDS and nxt.pos == "PROPN":
        return True  # "10 Downing Street"
    if prev is not None and t.text[:1].isdigit():
        if prev.lower in lex.DESIGNATORS and (prev.is_title or prev.lower in {"no.", "#"} or
                                              prev.text.isupper()):
            return True
        if prev.pos == "PROPN" and prev.text.isupper() and len(prev.text) > 1 and prev.ent in {"ORG", ""} \
                and end - i == 1 and not (nxt is not None and nxt.pos == "NOUN"):
            return True  # "NBC 6", "WGN 9": a channel or designation after an acronym
        if prev.pos == "PROPN" and prev.is_title and i - 1 > lo and prev.lower not in lex.EVENT_TRIGGERS \
                and prev.ent not in {"", "CARDINAL", "MONEY", "QUANTITY", "PERCENT"} \
                and not (nxt is not None and nxt.pos in {"NOUN"}):
            return True  # "Resolution 2334" (tagged LAW), "Flight 370"
    if (nxt is not None and nxt.lower in {"-", "–"} and nxt2 is not None and nxt2.text.isdigit()) or \
            _RANGE_TOKEN_RE.match(t.text):
        if _is_score(toks, i, lo, hi):
            return True
    if prev is not None and prev.lower in {"-", "–"} and prev2 is not None and prev2.text.isdigit() and \
            _is_score(toks, i - 2, lo, hi):
        return True
    return False


def _digit_chain_len(toks: list[Tok], i: int, lo: int, hi: int) -> int:
    """How many digit groups are glued by '-', '/' or '.' around token i ('555-867-5309' -> 3)."""
    glue = {"-", "–", "/", "."}
    n = 1
    k = i
    while k - 2 >= lo and toks[k - 1].lower in glue and toks[k - 2].text[:1].isdigit() \
            and toks[k - 1].idx == toks[k - 2].end:
        n, k = n + 1, k - 2
    k = i
    while k + 2 < hi and toks[k + 1].lower in glue and toks[k + 2].text[:1].isdigit() \
            and toks[k + 1].idx == toks[k].end:
        n, k = n + 1, k + 2
    return n


def _is_score(toks: list[Tok], i: int, lo: int, hi: int) -> bool:
    """'3-1', 'a 2-0 win': the first figure is not below the second, or a result word is next to it."""
    m = _RANGE_TOKEN_RE.match(toks[i].text)
    if m:
        a, b, after = float(m.group(1).replace(",", "")), float(m.group(2).replace(",", "")), i + 1
    elif i + 2 < hi:
        a_v, b_v = parse_numeral(toks[i].text), parse_numeral(toks[i + 2].text)
        if a_v is None or b_v is None:
            return False
        a, b, after = a_v, b_v, i + 3
    else:
        return False
    near = {t.lower for t in toks[max(lo, i - 2):i]} | {t.lower for t in toks[after:min(hi, after + 2)]}
    return a >= b or bool(near & lex.SCORE_WORDS)


def _looks_like_range(toks: list[Tok], i: int, j: int) -> bool:
    a, b = parse_numeral(toks[i].text), parse_numeral(toks[j].text)
    return a is not None and b is not None and a < b and toks[i].text.replace(",", "").isdigit()


def find_counts(toks: list[Tok], lo: int, hi: int) -> list[Count]:
    """Every numeric expression between token lo and hi (one sentence)."""
    counts: list[Count] = []
    i = lo
    while i < hi:
        t = toks[i]
        # ranges written as one token ("10-15")
        m = _RANGE_TOKEN_RE.match(t.text)
        if m and not _is_not_a_count(toks, i, i + 1, lo, hi):
            a, b = parse_numeral(m.group(1)), parse_numeral(m.group(2))
            if a is not None and b is not None and a < b:
                q_start, _, q_words = _qualifier_before(toks, i, lo)
                counts.append(Count(q_start, i, i + 1, a, a, b, False, q_words))
                i += 1
                continue
        read = _read_number(toks, i, hi) if (t.lower in {"a", "an"} or _is_numberish(t)
                                             or t.lower in lex.VAGUE_FIRST or t.lower in {"a", "few"}) else None
        if read is None:
            i += 1
            continue
        end, value, low, high, approx, is_vague = read
        if i > lo and toks[i - 1].lower in {"no", "not"} and t.lower == "one":
            i = end  # "no one" / "not one" are negations, read in implicit_counts
            continue
        if t.lower in {"a", "an"} and end == i + 1:
            i += 1
            continue
        if not is_vague and _is_not_a_count(toks, i, end, lo, hi):
            i = end
            continue
        if is_vague and not _vague_counts_something(toks, i, end, hi):
            i = end
            continue
        # "scores" is a count only as "scores of"
        if toks[i].lower == "scores" and not (end < hi and toks[end].lower == "of"):
            i = end
            continue
        q_start, kind, q_words = _qualifier_before(toks, i, lo)
        if kind == "approx" and q_words == ["some"] and is_vague:
            kind, q_words, q_start = None, [], i
        # ranges: "between 10 and 15", "10 to 15", "10-15", "two or three", "from 10 to 15"
        rng = _range_after(toks, end, hi)
        if rng is not None and not is_vague:
            end2, high2 = rng
            if high2 > value:
                if q_start == i and i > lo and toks[i - 1].lower in {"between", "from"}:
                    q_start, q_words = i - 1, [toks[i - 1].lower]
                counts.append(Count(q_start, i, end2, value, value, high2, approx, q_words))
                i = end2
                continue
        low2, high2, approx2 = _apply_bound(kind, value, low, high, approx)
        if kind in {"near", "approx", "exact"}:
            low2 = low if kind != "near" else None
        counts.append(Count(q_start, i, end, value, low2, high2, approx2, q_words))
        i = end
    return counts


def _vague_counts_something(toks: list[Tok], i: int, end: int, hi: int) -> bool:
    """'several insurgents', 'dozens of people', 'many of them' -- not 'many thanks', 'a few times'."""
    if i > 0 and toks[i - 1].pos == "VERB" and toks[i - 1].tag in {"VBG", "VBD"} \
            and lex.EVENT_TRIGGERS.get(toks[i - 1].lemma) and toks[i].lower not in {"many", "few"}:
        return True  # "killing several and detaining two": the people of the verb, named before
    if end >= hi:
        return False
    nxt = toks[end]
    if nxt.lower == "of":
        return True
    if toks[i].lower in {"many", "few"} and nxt.pos not in {"NOUN", "PROPN", "ADJ", "VERB"}:
        return False
    return nxt.pos in {"NOUN", "PROPN", "ADJ", "VERB", "AUX", "ADV"} or nxt.lower in lex.ADDITIVE_WORDS


def _range_after(toks: list[Tok], end: int, hi: int) -> tuple[int, float] | None:
    """The upper end of a range right after a number: "10-15", "10 to 15", "two or three" -> (end, high).

    "10 and 15" is a range only after "between" (see `between_ranges`); elsewhere it lists two counts."""
    if end + 1 >= hi or toks[end].lower not in {"-", "–", "to", "or"}:
        return None
    j = end + 1
    read = _read_number(toks, j, hi) if _is_numberish(toks[j]) else None
    if read is None or read[5]:
        return None
    return read[0], read[1]


def between_ranges(toks: list[Tok], counts: list[Count], lo: int) -> list[Count]:
    """Merge "between 10 and 15" (found as two counts) into one range."""
    out: list[Count] = []
    k = 0
    while k < len(counts):
        c = counts[k]
        if k + 1 < len(counts) and c.start > lo and toks[c.start - 1].lower == "between" and \
                toks[c.end].lower == "and" and counts[k + 1].start == c.end + 1 and c.value is not None \
                and counts[k + 1].value is not None and counts[k + 1].value > c.value:
            nxt = counts[k + 1]
            out.append(Count(c.start - 1, c.num_start, nxt.end, c.value, c.value, nxt.value,
                              c.approximate or nxt.approximate, ["between"]))
            k += 2
            continue
        out.append(c)
        k += 1
    return out
