"""Counts of people (killed, wounded, detained, ...) and every other amount, with bounds.

`extract_quantities(doc)` reads an already-processed spaCy Doc (the one the
entity step made) and returns one QUANTITY dict per numeric expression; it does
not run spaCy again. The rules work on tokens, POS tags and lemmas, so the
default pipeline (no dependency parser) is enough; when the Doc has a parse,
the trigger of a count is first looked for along the dependency arcs and the
token rules are the fallback.

How a count is read:
- the number: numerals ("2,500", "1.5 million"), number words ("twenty-one",
  "a dozen"), vague quantifiers (table in `numbers.VAGUE_QUANTIFIERS`), ranges
  ("between 10 and 15", "10-15", "two or three"), and implicit counts: a person
  phrase or name next to a trigger is 1 ("killed a Taliban commander", "the
  leader was captured", "Maria Lopez was abducted", "he was killed"), "both" is
  2, "no one" / "no civilians" / "not ... any" is 0, negated.
- qualifiers in front become bounds (`QUALIFIERS`): "at least 3" -> [3, open);
  "more than 100" -> [101, open); "up to 50" -> (open, 50]; "nearly 40" ->
  (open, 40] approximate; "about/some/an estimated 2,500" -> [2500, 2500] approximate.
- the category comes from the *trigger*: a verb or noun next to the count
  ("killing one", "three civilians were wounded", "a death toll of 12",
  "300 refugees"); coordinated counts share it ("a soldier and two civilians
  were killed"). Troop nouns without an event are `troops`; the rest is
  `amount` with a unit (percent, currency code, km, kg, day, ... or "count").
- not counts: years, dates, clock times, ages, ordinals, codes and phone
  numbers, addresses, designations ("Route 66"), sports scores.
- `negated` (no one / not / never before the trigger) and `hypothetical`
  (modal, "threatened to", "if") counts are kept but flagged.
- `qualifier` records, space-separated, the words of the sentence that shaped
  the reading, so the rollup (and an analyst) can see why a count was or was not
  added: bounds ("at least", "between"), updates ("rose"), subsets ("including",
  "among", "of the", "all"), separate incidents ("separate", "elsewhere"),
  history told about someone ("linked to", "responsible for" before "an attack
  that killed ..."), and either-or triggers ("captured or killed").
  Background totals get the word `background` then their cue (`_background_cue`):
  "since", "last year", "in year", "in month", "between year", "so far", "ago",
  "conflict total" ("the war has killed", "displaced by gang violence"),
  "already", "adding to", "population" ("rations for 700,000 refugees").
  `released` marks detainees set free or exchanged; troops are `standing` with
  no movement verb ("has 11,000 troops") and `planned` when a decided future
  moves them ("will deploy 3,000 soldiers": not hypothetical). The rollup
  leaves background, released detainees and standing troops out.
- `place` is the place entity of the sentence nearest to the count;
  `attribution` the source named with a reporting verb or "according to".
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc

from pipeline.enrich.numbers import NUMBER_WORDS, parse_number_words, parse_numeral, VAGUE_QUANTIFIERS
from pipeline.enrich import quantity_lexicon as lex
from pipeline.enrich.quantity_rollup import rollup_event_counts

__all__ = ["QUALIFIERS", "extract_quantities", "rollup_event_counts"]

# Qualifier phrase (lower-case tokens) -> bound kind. Longest match wins.
QUALIFIERS: dict[tuple[str, ...], str] = {
    ("at", "least"): "min", ("no", "fewer", "than"): "min", ("no", "less", "than"): "min",
    ("a", "minimum", "of"): "min", ("not", "less", "than"): "min", ("not", "fewer", "than"): "min",
    ("more", "than"): "gt", ("over",): "gt", ("upwards", "of"): "gt", ("in", "excess", "of"): "gt",
    ("above",): "gt", ("exceeding",): "gt", ("well", "over"): "gt", ("greater", "than"): "gt",
    ("up", "to"): "max", ("as", "many", "as"): "max", ("at", "most"): "max", ("no", "more", "than"): "max",
    ("a", "maximum", "of"): "max", ("not", "more", "than"): "max",
    ("fewer", "than"): "lt", ("less", "than"): "lt", ("under",): "lt", ("below",): "lt",
    ("nearly",): "near", ("almost",): "near", ("close", "to"): "near", ("just", "under"): "near",
    ("approaching",): "near",
    ("about",): "approx", ("around",): "approx", ("approximately",): "approx", ("roughly",): "approx",
    ("some",): "approx", ("an", "estimated"): "approx", ("estimated",): "approx", ("approx",): "approx",
    ("approx.",): "approx", ("circa",): "approx", ("c.",): "approx", ("an", "approximate"): "approx",
    ("as", "few", "as"): "approx", ("roughly", "about"): "approx",
    ("exactly",): "exact", ("precisely",): "exact", ("just",): "exact", ("only",): "exact",
}
_MAX_QUALIFIER_LEN = max(len(k) for k in QUALIFIERS)

_NUMERAL_TOKEN_RE = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?(?:[a-z]{1,3})?$", re.IGNORECASE)
_RANGE_TOKEN_RE = re.compile(r"^(\d[\d,]*(?:\.\d+)?)[-–](\d[\d,]*(?:\.\d+)?)$")
_YEAR_RE = re.compile(r"^(1[5-9]\d\d|20\d\d)$")
_VAGUE_FIRST = {"several", "multiple", "numerous", "dozens", "scores", "hundreds", "thousands", "millions",
                "many", "few", "tens", "both"}
# Triggers whose subject is the counted group even when an object follows ("100 people fled the village").
_INTRANSITIVE = {"flee", "die", "perish", "disappear", "drown", "evacuate"}
_REFLEXIVES = frozenset({"himself", "herself", "themselves"})
_REPORTING_LEMMAS = {"say", "tell", "report", "state", "announce", "confirm", "claim", "add", "according",
                     "estimate", "count", "put", "quote", "cite"}


@dataclass(slots=True)
class _Tok:
    """The few token attributes the rules read, copied once into plain Python (fast to scan)."""

    text: str
    lower: str
    lemma: str
    pos: str
    tag: str
    idx: int
    end: int
    ent: str
    is_title: bool
    i: int  # index of the token in the Doc (the list skips whitespace tokens)
    line_start: bool  # a line break ("\n") comes right before it
    cat: str | None = None  # category decided by the token's context ("shot dead"); "" = not a trigger here


@dataclass(slots=True)
class _Count:
    """One numeric expression found in a sentence (indices into the `_tokens` list)."""

    start: int  # first token of the expression, qualifier included
    num_start: int  # first token of the number itself
    end: int  # one past the last token of the number
    value: float | None
    low: float | None
    high: float | None
    approximate: bool
    qualifier: list[str] = field(default_factory=list)
    negated: bool = False
    hypothetical: bool = False
    implicit: bool = False  # "a soldier", "no one": no numeral written
    obj_start: int = -1
    obj_end: int = -1
    obj_head: int = -1
    category: str = "amount"
    trigger: str | None = None
    unit: str | None = None


def _tokens(doc: Doc) -> list[_Tok]:
    """Non-whitespace tokens of the Doc (line separators inside sentences are common in copy)."""
    has_tag = doc.has_annotation("TAG")
    has_lemma = doc.has_annotation("LEMMA")
    out = []
    newline = False
    for t in doc:
        if t.is_space:
            newline = newline or "\n" in t.text
            continue
        out.append(_Tok(t.text, t.lower_, t.lemma_.lower() if has_lemma else t.lower_, t.pos_ if has_tag else "",
                        t.tag_ if has_tag else "", t.idx, t.idx + len(t.text), t.ent_type_, t.is_title, t.i,
                        newline or "\n" in (doc[t.i - 1].whitespace_ if t.i else "")))
        newline = False
    return out


# ---------------------------------------------------------------------------------------------
# Finding numbers in a sentence
# ---------------------------------------------------------------------------------------------

def _is_numberish(t: _Tok) -> bool:
    return t.lower in NUMBER_WORDS or bool(_NUMERAL_TOKEN_RE.match(t.text))


_SCALE_AFTER_A = frozenset({"dozen", "hundred", "thousand", "million", "billion"})
_TENS = frozenset({"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"})
_UNITS_1_9 = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight", "nine"})


def _read_number(toks: list[_Tok], i: int, n: int) -> tuple[int, float, float, float | None, bool, bool] | None:
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
        if not (i + 1 < n and toks[i + 1].lower in _SCALE_AFTER_A):
            return None  # "a dozen", "a hundred"; other "a" are articles
    elif not _is_numberish(t):
        return None
    # the longest run of tokens that parses as one number ("twenty - one", "one hundred and five", "1.5 million")
    j = i
    words: list[str] = []
    best: tuple[int, float] | None = None
    while j < n:
        w = toks[j]
        if w.lower in {"-", "–"} and words and words[-1] in _TENS and j + 1 < n and toks[j + 1].lower in _UNITS_1_9:
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


def _qualifier_before(toks: list[_Tok], i: int, lo: int) -> tuple[int, str | None, list[str]]:
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


def _is_not_a_count(toks: list[_Tok], i: int, end: int, lo: int, hi: int) -> bool:
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
    if prev is not None and prev.lower in lex.AGE_WORDS:
        return True
    if prev is not None and prev.lower == "," and prev2 is not None and prev2.ent == "PERSON" and \
            nxt is not None and nxt.lower in {",", ")"} and end - i == 1 and (parse_numeral(t.text) or 200) < 120:
        return True  # "Rose Alexis, 38, who fled": an age in apposition to a name
    if end - i == 1 and _YEAR_RE.match(t.text):
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


def _digit_chain_len(toks: list[_Tok], i: int, lo: int, hi: int) -> int:
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


def _is_score(toks: list[_Tok], i: int, lo: int, hi: int) -> bool:
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


def _looks_like_range(toks: list[_Tok], i: int, j: int) -> bool:
    a, b = parse_numeral(toks[i].text), parse_numeral(toks[j].text)
    return a is not None and b is not None and a < b and toks[i].text.replace(",", "").isdigit()


def _find_counts(toks: list[_Tok], lo: int, hi: int) -> list[_Count]:
    """Every numeric expression between token lo and hi (one sentence)."""
    counts: list[_Count] = []
    i = lo
    while i < hi:
        t = toks[i]
        # ranges written as one token ("10-15")
        m = _RANGE_TOKEN_RE.match(t.text)
        if m and not _is_not_a_count(toks, i, i + 1, lo, hi):
            a, b = parse_numeral(m.group(1)), parse_numeral(m.group(2))
            if a is not None and b is not None and a < b:
                q_start, _, q_words = _qualifier_before(toks, i, lo)
                counts.append(_Count(q_start, i, i + 1, a, a, b, False, q_words))
                i += 1
                continue
        read = _read_number(toks, i, hi) if (t.lower in {"a", "an"} or _is_numberish(t)
                                             or t.lower in _VAGUE_FIRST or t.lower in {"a", "few"}) else None
        if read is None:
            i += 1
            continue
        end, value, low, high, approx, is_vague = read
        if i > lo and toks[i - 1].lower in {"no", "not"} and t.lower == "one":
            i = end  # "no one" / "not one" are negations, read in _implicit_counts
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
                counts.append(_Count(q_start, i, end2, value, value, high2, approx, q_words))
                i = end2
                continue
        low2, high2, approx2 = _apply_bound(kind, value, low, high, approx)
        if kind in {"near", "approx", "exact"}:
            low2 = low if kind != "near" else None
        counts.append(_Count(q_start, i, end, value, low2, high2, approx2, q_words))
        i = end
    return counts


def _vague_counts_something(toks: list[_Tok], i: int, end: int, hi: int) -> bool:
    """'several insurgents', 'dozens of people', 'many of them' -- not 'many thanks', 'a few times'."""
    if end >= hi:
        return False
    nxt = toks[end]
    if nxt.lower == "of":
        return True
    if toks[i].lower in {"many", "few"} and nxt.pos not in {"NOUN", "PROPN", "ADJ", "VERB"}:
        return False
    return nxt.pos in {"NOUN", "PROPN", "ADJ", "VERB", "AUX", "ADV"} or nxt.lower in lex.ADDITIVE_WORDS


def _range_after(toks: list[_Tok], end: int, hi: int) -> tuple[int, float] | None:
    """The upper end of a range right after a number: "10-15", "10 to 15", "two or three" -> (end, high).

    "10 and 15" is a range only after "between" (see `_between_ranges`); elsewhere it lists two counts."""
    if end + 1 >= hi or toks[end].lower not in {"-", "–", "to", "or"}:
        return None
    j = end + 1
    read = _read_number(toks, j, hi) if _is_numberish(toks[j]) else None
    if read is None or read[5]:
        return None
    return read[0], read[1]


def _between_ranges(toks: list[_Tok], counts: list[_Count], lo: int) -> list[_Count]:
    """Merge "between 10 and 15" (found as two counts) into one range."""
    out: list[_Count] = []
    k = 0
    while k < len(counts):
        c = counts[k]
        if k + 1 < len(counts) and c.start > lo and toks[c.start - 1].lower == "between" and \
                toks[c.end].lower == "and" and counts[k + 1].start == c.end + 1 and c.value is not None \
                and counts[k + 1].value is not None and counts[k + 1].value > c.value:
            nxt = counts[k + 1]
            out.append(_Count(c.start - 1, c.num_start, nxt.end, c.value, c.value, nxt.value,
                              c.approximate or nxt.approximate, ["between"]))
            k += 2
            continue
        out.append(c)
        k += 1
    return out


# ---------------------------------------------------------------------------------------------
# Implicit counts: "a soldier", "no one", "not ... any civilians"
# ---------------------------------------------------------------------------------------------

_TIME_NOUNS = frozenset({"yesterday", "today", "tonight", "monday", "tuesday", "wednesday", "thursday", "friday",
                         "saturday", "sunday", "morning", "evening", "night", "afternoon", "overnight"})


def _noun_phrase_end(toks: list[_Tok], j: int, hi: int) -> tuple[int, int]:
    """From token j, skip modifiers to the head noun: (head index, one past the phrase) or (-1, j)."""
    head = -1
    k = j
    while k < hi and k - j < 11:
        t = toks[k]
        if head != -1 and (t.ent in {"DATE", "TIME"} or t.lower in _TIME_NOUNS):
            break  # "insurgents yesterday"
        if head != -1 and t.tag in {"VBN", "JJ"} and k + 1 < hi and (toks[k + 1].pos in {"NOUN", "PROPN", "ADJ"}
                                                                     or toks[k + 1].tag == "VBN") \
                and t.lower not in _ADJ_TRIGGERS:
            head = -1  # "al-Qaeda associated Taliban leader": the head comes later
            k += 1
            continue
        if head != -1 and t.lower in {"hostage", "hostages", "custody"}:
            break  # "took 18 crew members hostage": the trigger, not part of the phrase
        if t.pos in {"NOUN", "PROPN"} or (t.pos == "ADJ" and t.lower in {"wounded", "dead", "injured"}) or \
                (head == -1 and k == j and t.lower == "missing"):  # "left 17 missing"
            head = k
            k += 1
            continue
        if t.pos in {"ADJ", "VERB"} and t.tag in {"JJ", "VBN", "JJR", "VBG"} and head == -1:
            k += 1
            continue
        if t.tag == "RB" and head == -1 and k + 1 < hi and toks[k + 1].tag in {"JJ", "VBN"} and t.lower != "not":
            k += 1  # "heavily armed insurgents"
            continue
        if t.lower in {"-", "'s", "’s"} and head != -1 and k + 1 < hi and (toks[k + 1].pos in {"NOUN", "PROPN", "ADJ"}
                                                                            or toks[k + 1].tag == "VBN"):
            k += 1
            continue
        if t.lower in {"-"} and head == -1:
            k += 1
            continue
        if t.pos == "NUM" and head == -1 and k + 4 < hi and toks[k + 1].lower == "-" and \
                toks[k + 3].lower == "-" and toks[k + 4].lower == "old":
            k += 5  # "a 23-year-old man": the age is a modifier
            continue
        if t.lower in lex.ADDITIVE_WORDS and head == -1:
            k += 1
            continue
        break
    if head == -1:
        return -1, j
    return head, head + 1


def _implicit_counts(toks: list[_Tok], lo: int, hi: int, taken: set[int]) -> list[_Count]:
    """'a Taliban commander' (1) and 'no one' / 'no civilians' / 'none' (0, negated) as counts.

    They are kept only if a trigger is found for them later (the caller drops the rest).
    """
    out: list[_Count] = []
    i = lo
    while i < hi:
        if i in taken:
            i += 1
            continue
        t = toks[i]
        if (t.lower in {"a", "an", "one", "another", "the"} and t.pos in {"DET", "NUM", ""}
                or t.lower in {"his", "her", "their"} and t.tag == "PRP$") \
                and not (i - 1 > lo and toks[i - 1].lower == "of" and _trigger_category(toks[i - 2]) is None):
            # "associates of the dealer" is not a count; "the detention of an insurgent" is
            age = _age_noun(toks, i + 1, hi)
            if age != -1:  # "a 15-year-old was killed": the age names the person
                c = _Count(i, i, i + 1, 1.0, 1.0, 1.0, False, [], implicit=True)
                c.obj_start, c.obj_end, c.obj_head = i + 1, age + 1, age
                out.append(c)
                i = age + 1
                continue
            head, end = _noun_phrase_end(toks, i + 1, hi)
            modifier = head != -1 and end < hi and toks[end].lower in {"and", "-", "/"} and toks[head].ent == "NORP"
            definite_name = t.lower == "the" and toks[head].tag != "NN" and toks[head].ent != "PERSON" \
                if head != -1 else False
            if head != -1 and not modifier and not definite_name and _is_person_word(toks[head]) \
                    and toks[head].tag not in {"NNS", "NNPS"}:
                end = _skip_appositive_name(toks, end, hi)
                c = _Count(i, i, i + 1, 1.0, 1.0, 1.0, False, [], implicit=True)
                c.obj_start, c.obj_end, c.obj_head = i + 1, end, head
                out.append(c)
                i = end
                continue
        if t.ent == "PERSON" and (i == lo or toks[i - 1].ent != "PERSON") and \
                not (i > lo and toks[i - 1].pos in {"NUM", "DET"}):
            end = i + 1
            while end < hi and toks[end].ent == "PERSON" and toks[end].pos in {"PROPN", "NOUN"}:
                end += 1
            c = _Count(i, i, end, 1.0, 1.0, 1.0, False, [], implicit=True)  # "Mahjur was killed"
            c.obj_start, c.obj_end, c.obj_head = i, end, end - 1
            out.append(c)
            i = end
            continue
        if t.lower in {"he", "she", "him", "her"} and t.pos == "PRON" and t.tag in {"PRP", ""}:
            c = _Count(i, i, i + 1, 1.0, 1.0, 1.0, False, [], implicit=True)  # "he was killed", "killing him"
            c.obj_start, c.obj_end, c.obj_head = i, i + 1, i
            out.append(c)
            i += 1
            continue
        if i > lo and toks[i - 1].tag in {"VBD", "VBG"} and _trigger_category(toks[i - 1]) \
                and t.pos in {"PROPN", "NOUN", "ADJ"} \
                and t.ent != "NORP":
            # a bare singular person after the verb: "killed Taliban leader Mahjur"
            head, end = _noun_phrase_end(toks, i, hi)
            if head != -1 and _is_person_word(toks[head]) and toks[head].tag in {"NN", "NNP"}:
                end = _skip_appositive_name(toks, end, hi)
                c = _Count(i, i, end, 1.0, 1.0, 1.0, False, [], implicit=True)
                c.obj_start, c.obj_end, c.obj_head = i, end, head
                out.append(c)
                i = end
                continue
        if t.lower in {"nobody", "none"} or (t.lower == "no" and i + 1 < hi and toks[i + 1].lower in {"one", "-"}):
            end = i + 1 if t.lower in {"nobody", "none"} else i + 2
            if t.lower == "no" and toks[i + 1].lower == "-":
                end = i + 3  # "no-one"
            c = _Count(i, i, end, 0.0, 0.0, 0.0, False, [], negated=True, implicit=True)
            out.append(c)
            i = end
            continue
        if t.lower in {"no", "any"} and i + 1 < hi:
            head, end = _noun_phrase_end(toks, i + 1, hi)
            if head != -1 and (_person_like(toks[head]) or toks[head].lemma in lex.NOUN_TRIGGERS
                               or toks[head].lower in {"deaths", "injuries", "casualties", "arrests"}):
                if t.lower == "any" and not _negated_before(toks, i, lo):
                    i += 1
                    continue
                c = _Count(i, i, i + 1, 0.0, 0.0, 0.0, False, [], negated=True, implicit=True)
                c.obj_start, c.obj_end, c.obj_head = i + 1, end, head
                out.append(c)
                i = end
                continue
        i += 1
    return out


def _age_noun(toks: list[_Tok], j: int, hi: int) -> int:
    """Index of "old" in "23-year-old" used as a noun ("a 23-year-old was shot"), else -1."""
    if j + 4 < hi and toks[j].pos == "NUM" and toks[j + 1].lower == "-" and toks[j + 2].lower in {"year", "month"} \
            and toks[j + 3].lower == "-" and toks[j + 4].lower == "old" and not (
            j + 5 < hi and toks[j + 5].pos in {"NOUN", "PROPN", "ADJ"}):
        return j + 4
    return -1


def _skip_appositive_name(toks: list[_Tok], end: int, hi: int) -> int:
    """'the gang's leader, Tom Reyes,': the name is the same person, so the phrase extends over it."""
    if end + 1 < hi and toks[end].lower == "," and toks[end + 1].ent == "PERSON":
        end += 1
        while end < hi and toks[end].ent == "PERSON":
            end += 1
    return end


def _negated_before(toks: list[_Tok], i: int, lo: int) -> bool:
    return any(t.lower in {"not", "n't", "never", "without"} for t in toks[max(lo, i - 5):i])


_ADJ_TRIGGERS = {"dead": "killed", "wounded": "wounded", "injured": "wounded", "missing": "missing"}
_PERSON_SUFFIXES = ("er", "ers", "ist", "ists", "ian", "ians", "ant", "ants", "ee", "ees", "man", "men", "or", "ors")
_NOT_PERSON = frozenset({"numbers", "containers", "computers", "weapons", "others'", "rounds", "hours", "orders",
                         "quarters", "centers", "centres", "headquarters", "papers", "letters", "layers", "towers",
                         "borders", "waters", "matters", "members'", "motors", "sectors", "doors", "floors",
                         "monitors", "factors", "errors", "colors", "colours", "honors", "mirrors", "reactors",
                         "donors'", "tractors", "generators", "elevators", "corridors", "chambers", "rifles",
                         "explosives", "transmitters", "launchers", "grenades", "detonators", "liters", "meters",
                         "kilometers", "dollars", "percent", "items", "documents", "phones", "plants", "cannons"})


def _person_like(t: _Tok) -> bool:
    """The counted noun names people: a listed person noun, a nationality or name, or an agent noun."""
    if _is_person_word(t) or t.pos == "PROPN" or t.lower in {"them", "he", "she", "him", "her", "old"}:
        return True  # "old": the head of "a 23-year-old" (see _age_noun)
    return t.lower not in _NOT_PERSON and t.lower.endswith(_PERSON_SUFFIXES) and t.lower not in lex.MEASURE_UNITS


def _is_person_word(t: _Tok) -> bool:
    return t.lemma in lex.PERSON_NOUNS or t.lower in lex.PERSON_NOUNS or t.ent == "NORP"


# ---------------------------------------------------------------------------------------------
# Triggers: what decides the category of a count
# ---------------------------------------------------------------------------------------------

def _trigger_category(t: _Tok) -> str | None:
    if t.cat is not None:
        return t.cat or None
    cat = lex.EVENT_TRIGGERS.get(t.lemma) or lex.EVENT_TRIGGERS.get(t.lower)
    if cat is None:
        return None
    if t.lemma == "lose" or t.lower in {"lost", "lose", "losing"}:
        return None  # handled as "lost their lives" in _pre_trigger
    if t.lower == "held" or t.lemma == "hold":
        return "detained"
    return cat


def _context_triggers(toks: list[_Tok], lo: int, hi: int) -> None:
    """Decide the triggers whose category depends on the words around them, once per sentence.

    Being shot is `wounded` unless the sentence says it was fatal ("shot dead", "fatally shot",
    "shot and killed", "who was shot on Monday died"); "shot at" hit no one. Being hit or grazed by
    gunfire, suffering a gunshot wound or being treated for injuries is `wounded`; "one fatally" after
    a shooting is `killed`.
    """
    for k in range(lo, hi):
        t = toks[k]
        if t.lemma == "shoot" and t.pos in {"VERB", "AUX", ""} and t.tag != "VBG":
            t.cat = _shot_outcome(toks, k, lo, hi)
        elif t.lower in lex.FATAL_ADVERBS and not (k + 1 < hi and toks[k + 1].pos in {"VERB", "ADJ"}):
            t.cat = "killed"  # "three people were shot, one fatally"
        elif t.lemma in lex.HIT_VERBS and t.tag in {"VBN", "VBD"} and k + 1 < hi and toks[k + 1].lower == "by" \
                and any(x.lemma in lex.GUNFIRE_NOUNS for x in toks[k + 2:min(hi, k + 5)]):
            t.cat = "wounded"  # "hit by gunfire", "grazed by a bullet", "struck by shrapnel"
        elif t.lemma in lex.ABDUCT_VERBS | {"take", "hold", "keep"} and t.pos in {"VERB", "AUX", ""}:
            t.cat = _taking_category(toks, k, lo, hi, t.cat)
        elif t.lemma in lex.SUFFER_VERBS and t.pos in {"VERB", ""} and not any(
                x.lower in {"no", "not", "n't"} for x in toks[max(lo, k - 2):k + 2]) \
                and any(x.lemma in lex.INJURY_NOUNS for x in toks[k + 1:min(hi, k + 6)]):
            t.cat = "wounded"  # "suffered a gunshot wound", "sustained injuries", "treated for burns"


def _taking_category(toks: list[_Tok], k: int, lo: int, hi: int, default: str | None) -> str | None:
    """People seized, snatched, carried off, taken or held captive, hostage, for ransom or by an armed group
    are `kidnapped`; seized by police or soldiers they are `detained`. Otherwise the word decides nothing."""
    t = toks[k]
    after = [x.lower for x in toks[k + 1:min(hi, k + 8)]]
    by_group = "by" in after[:3] and bool(set(after[after.index("by"):][:4]) & lex.ARMED_GROUPS)
    captive = bool(set(after) & {"captive", "hostage", "hostages", "ransom", "captivity"})
    if t.lemma in {"take", "hold", "keep"}:
        if set(after) & {"hostage", "hostages"}:
            return default  # the noun "hostage" is the trigger
        exchange = any(x.lower in lex.EXCHANGE_WORDS for x in toks[lo:hi])  # both sides' prisoners, not hostages
        if captive or (by_group and not exchange and (t.lemma == "hold" or "away" in after[:2])):
            return "kidnapped"
        return default
    if t.lemma == "carry" and not (after[:1] == ["off"] or after[:1] == ["away"]):
        return default
    subject = {x.lower for x in toks[max(lo, k - 4):k]}
    by_state = "by" in after[:3] and bool(set(after[after.index("by"):][:4]) & lex.STATE_AGENTS)
    if subject & lex.STATE_AGENTS or by_state:
        return "detained"  # "police seized two suspects"
    return "kidnapped"


def _shot_outcome(toks: list[_Tok], k: int, lo: int, hi: int) -> str:
    """'killed' when the shooting was fatal, 'wounded' when the person shot is not said to have died."""
    if k + 1 < hi and toks[k + 1].lower == "at":
        return ""  # "shot at": fired at, not hit
    if k + 2 < hi and toks[k + 1].lower in {"a", "an"} and toks[k + 2].pos == "NUM":
        return ""  # "shot a 68": a score
    if k > lo and toks[k - 1].lower in lex.FATAL_ADVERBS:
        return "killed"
    # the next verb or outcome word: "shot dead", "shot to death", "shot and killed", "shot on Monday died"
    for j in range(k + 1, min(hi, k + 10)):
        x = toks[j]
        if x.lower in {"dead", "death"} or x.lower in lex.FATAL_ADVERBS:
            return "killed"
        if x.lemma in {"kill", "die", "succumb"} and x.pos in {"VERB", "AUX", ""}:
            return "killed"
        if x.lower in {",", ";", ".", ":", "but", "while", "when", "after", "before", "as"} or x.pos in {
                "NUM", "PRON"} or x.ent == "PERSON" or (x.pos == "VERB" and x.tag != "VBN"):
            break
    return "wounded"


def _object_of(toks: list[_Tok], c: _Count, hi: int) -> None:
    """Fill c.obj_* with the counted noun phrase after the number ("of the" partitives included)."""
    if c.obj_head != -1:
        return
    j = c.end
    if j < hi and toks[j].lower == "of":
        j += 1
        if j < hi and toks[j].lower in {"the", "these", "those", "them", "their", "his", "its"}:
            if toks[j].lower == "them":
                c.obj_start, c.obj_end, c.obj_head = j, j + 1, j
                return
            j += 1
    head, end = _noun_phrase_end(toks, j, hi)
    if head != -1:
        # a number word glued to a unit ("155 mm" tagged CD) or a following number are not objects
        c.obj_start, c.obj_end, c.obj_head = j, end, head


def _object_text(toks: list[_Tok], c: _Count) -> str | None:
    if c.obj_head == -1:
        return None
    start = c.obj_start
    while start < c.obj_end and toks[start].lower in {"the", "these", "those"}:
        start += 1
    return _span_text(toks, start, c.obj_end) if start < c.obj_end else None


def _pre_trigger(toks: list[_Tok], c: _Count, lo: int) -> tuple[int, str] | None:
    """A trigger before the count: 'killing one', 'arrested at least 12', 'the death toll rose to 137',
    'killed a soldier and two civilians' (across the coordinated phrase)."""
    k = c.start - 1
    steps = 0
    while k >= lo and steps < 14:
        t = toks[k]
        cat = _trigger_category(t)
        if cat is not None and t.tag == "VBN" and k - 1 >= lo and toks[k - 1].pos == "DET":
            return None  # "the detained insurgent, X": a modifier, not a verb acting on what follows
        if cat is not None and t.lemma not in {"toll"} and t.pos not in {"ADJ"} or (cat and t.lemma == "toll"):
            if t.pos == "NOUN" and t.lemma not in {"toll", "death", "fatality", "arrest", "detention", "injury",
                                                  "abduction", "kidnapping", "dead", "hostage", "custody",
                                                  "killing", "capture", "kill"}:
                return None
            return k, cat
        if cat is not None and t.pos == "ADJ" and t.lower in {"dead", "wounded", "injured", "missing"}:
            # "the number of dead rose to 30", "among the dead were three children"
            return k, cat
        if t.lower in {"lives", "life"} and k - 2 >= lo and toks[k - 1].lower in {"their", "his", "her"} \
                and toks[k - 2].lemma == "lose":
            return k, "killed"
        if t.lemma in _TOLL_VERBS and t.pos in {"VERB", "AUX", ""}:
            subject = _toll_subject(toks, k, lo)
            if subject is not None:
                return subject
        if t.lower in lex.PRE_SKIP or t.pos in {"ADV"} or t.lower in lex.SUBSET_WORDS or t.lower in {"were", "was"} \
                or t.tag == "RP":  # "carried off 40 villagers"
            k -= 1
            steps += 1
            continue
        if t.lower in {"and", ",", "plus", "with"} and k - 1 >= lo:
            # skip back over a coordinated noun phrase: "killed a soldier and [two civilians]"
            if t.lower == "with" and not (k - 1 >= lo and toks[k - 1].lower in {"along", "together"}):
                return None
            k2 = k - 1 if t.lower != "with" else k - 2
            if t.lower == "with" and k2 >= lo and toks[k2].lower == ",":
                k2 -= 1  # "killed leader, Mahjur, along with one other"
            if k2 >= lo and toks[k2].lower in {"as"} and k2 - 1 >= lo and toks[k2 - 1].lower == "well":
                k2 -= 3
            skipped = 0
            while k2 >= lo and skipped < 10 and (toks[k2].pos in {"NOUN", "PROPN", "ADJ", "DET", "NUM", "PART"}
                                                 or toks[k2].lower in {"-", "'s", "other", "others"}
                                                 or toks[k2].tag == "VBN"
                                                 or (toks[k2].lower == "," and k2 + 1 < len(toks) and
                                                     toks[k2 + 1].ent == "PERSON")):
                if _trigger_category(toks[k2]) is not None and toks[k2].pos not in {"NOUN", "PROPN"}:
                    break
                k2 -= 1
                skipped += 1
            if skipped == 0:
                if t.lower == "with" and k2 >= lo and _trigger_category(toks[k2]) and toks[k2].tag == "VBN":
                    return k2, _trigger_category(toks[k2])  # "the mayor was killed along with two others"
                return None
            k = k2
            steps += 1
            continue
        return None
    return None


_TOLL_VERBS = frozenset({"rise", "climb", "reach", "stand", "increase", "jump", "mount", "soar", "grow", "hit"})
_TOLL_NOUNS = frozenset({"toll", "death", "fatality", "casualty", "injury", "arrest", "dead", "wounded", "injured"})


def _toll_subject(toks: list[_Tok], verb: int, lo: int) -> tuple[int, str] | None:
    """The toll a figure updates, named before a long subject: 'The death toll from a quake that struck
    western Nepal on Friday rose to 137' (the subject noun is the first toll word of the clause)."""
    for k in range(max(lo, verb - 25), verb):
        t = toks[k]
        if t.lower in {";", ":"}:
            return None
        if t.lemma in _TOLL_NOUNS or t.lower in _TOLL_NOUNS:
            cat = _trigger_category(t)
            if cat is not None and t.pos in {"NOUN", "ADJ", ""}:
                while k + 1 < verb and toks[k + 1].lemma in _TOLL_NOUNS:
                    k += 1  # "death toll": the head noun
                return k, cat
        if t.pos == "NUM" or (t.pos == "VERB" and t.tag in {"VBD", "VBZ", "VBP"} and k > lo
                              and toks[k - 1].lower not in {"that", "which", "who"}):
            return None  # another figure or clause stands between
    return None


def _post_trigger(toks: list[_Tok], c: _Count, hi: int) -> tuple[int, str] | None:
    """A trigger after the count and its noun: 'three civilians were killed', '12 dead', '20 fled',
    'a soldier and two civilians were wounded', 'two remain missing', 'were taken hostage'."""
    k = c.obj_end if c.obj_head != -1 else c.end
    steps = 0
    while k < hi and steps < 10:
        t = toks[k]
        if t.lemma == "lose" and k + 2 < hi and toks[k + 2].lower in {"lives", "life"}:
            return k, "killed"  # "eleven people lost their lives"
        cat = _trigger_category(t)
        if cat is not None and (t.pos in {"VERB", "ADJ", "AUX", "NOUN"} or t.cat):
            if t.pos == "NOUN" and t.lower not in {"hostage", "custody", "dead"}:
                return None
            if t.tag == "VBD" and t.lemma not in _INTRANSITIVE and k + 1 < hi and (toks[k + 1].pos in {"DET", "NUM", "PRON", "PROPN", "ADJ"}
                                                  or toks[k + 1].tag in {"NNS", "NN"}) \
                    and toks[k + 1].lower not in _REFLEXIVES:
                return None  # the count is the agent: "two gunmen killed three people" (not "shot himself")
            if t.tag == "VBG" and steps == 0:
                return None  # "three insurgents killing ..." is not about them being killed
            return k, cat
        if t.lower == "of" and steps == 0 and c.obj_head != -1 and k + 1 < hi and toks[k + 1].pos in {"PROPN", "DET"}:
            k2 = k + 1  # "a commander of Kunduz Province ... was killed"
            while k2 < hi and k2 - k < 8 and toks[k2].pos in {"PROPN", "DET", "NOUN", "ADJ", "PART"}:
                k2 += 1
            k = k2
            steps += 1
            continue
        if t.lower in {"and", ",", "as", "well", "plus", "along", "together"}:
            # skip a coordinated phrase: "a soldier and two civilians were killed"
            k2 = k + 1
            if t.lower in {"along", "together"}:
                if not (k + 1 < hi and toks[k + 1].lower == "with"):
                    return None
                k2 = k + 2
            if t.lower == "as":
                if not (k + 2 < hi and toks[k + 1].lower == "well" and toks[k + 2].lower == "as"):
                    return None
                k2 = k + 3
            skipped = 0
            while k2 < hi and skipped < 12 and (toks[k2].pos in {"NOUN", "PROPN", "ADJ", "DET", "NUM"}
                                                 or toks[k2].lower in {"-", "'s", "other", "others", "of"}
                                                 or toks[k2].tag == "PRP$"
                                                 or (toks[k2].tag == "VBN" and k2 + 1 < hi
                                                     and toks[k2 + 1].pos in {"NOUN", "ADJ", "PROPN"})):
                if _trigger_category(toks[k2]) is not None and toks[k2].pos != "NOUN":
                    break
                k2 += 1
                skipped += 1
            if skipped == 0 and t.lower == ",":
                close = next((j for j in range(k + 1, min(hi, k + 9)) if toks[j].lower == ","), None)
                if close is not None and not any(toks[j].pos in {"VERB", "AUX"} and toks[j].tag != "VBN"
                                                 for j in range(k + 1, close)):
                    k = close + 1  # an aside between commas: "The suspect, aged 45, was detained"
                    steps += 1
                    continue
            if skipped == 0:
                if t.lower == "," and k2 < hi and toks[k2].lower in {"who", "which", "that"}:
                    k = k2
                    steps += 1
                    continue
                return None
            k = k2
            steps += 1
            continue
        if t.lower in lex.PASSIVE_HELPERS or t.lemma in lex.PASSIVE_HELPERS or t.tag in {"RB", "MD"}:
            if t.lower in {"in", "into", "under"} and not (k + 1 < hi and toks[k + 1].lower in {"custody", "detention"}):
                return None
            k += 1
            steps += 1
            continue
        if t.tag in {"VBN", "VBD"} and t.lemma in {"shoot", "find", "confirm", "report", "believe"}:
            k += 1
            steps += 1
            continue
        return None
    return None


def _dep_trigger(doc: Doc, toks: list[_Tok], c: _Count, index_of: dict[int, int]) -> tuple[int, str] | None:
    """The trigger along dependency arcs: number -> counted noun -> its verb (when the Doc has a parse).

    Returns an index into `toks` (Doc indices are mapped through `index_of`)."""
    found = _dep_trigger_doc(doc, toks, c, index_of)
    if found is None or found[0] not in index_of:
        return None
    return index_of[found[0]], found[1]


def _dep_trigger_doc(doc: Doc, toks: list[_Tok], c: _Count, index_of: dict[int, int]) -> tuple[int, str] | None:
    tok = doc[toks[c.num_start].i] if c.obj_head == -1 else doc[toks[c.obj_head].i]
    if tok.dep_ in {"nummod", "quantmod", "det"} and tok.head.pos_ in {"NOUN", "PROPN", "PRON"}:
        tok = tok.head
    # "two of the men": the number heads the partitive
    for _ in range(4):  # climb coordination and apposition chains
        if tok.dep_ in {"conj", "appos"}:
            tok = tok.head
        else:
            break
    head = tok.head
    if tok.dep_ in {"dobj", "nsubjpass", "nsubj", "attr", "pobj", "npadvmod", "dep", "ROOT", "oprd"}:
        if tok.dep_ == "pobj" and head.dep_ == "prep":
            # "a toll of 12", "rose to 137", "the arrest of two"
            gov = head.head
            cat = _trigger_category(_doc_tok(toks, index_of, gov.i))
            if cat and gov.pos_ == "NOUN":
                return gov.i, cat
            if gov.lemma_ in lex.UPDATE_WORDS or gov.lemma_ in {"stand", "be"}:
                for ch in gov.children:
                    if ch.dep_ in {"nsubj", "nsubjpass"}:
                        cat = _trigger_category(_doc_tok(toks, index_of, ch.i))
                        if cat:
                            return ch.i, cat
            return None
        cat = _trigger_category(_doc_tok(toks, index_of, head.i))
        if cat and head.pos_ in {"VERB", "AUX", "ADJ"} and tok.dep_ != "pobj":
            if tok.dep_ == "nsubj" and head.pos_ == "VERB" and any(ch.dep_ == "dobj" for ch in head.children):
                return None  # the count is the agent
            return head.i, cat
        if tok.dep_ == "nsubj" and head.lemma_ in {"be", "remain", "go"}:
            for ch in head.children:
                if ch.dep_ in {"acomp", "attr", "oprd"}:
                    cat = _trigger_category(_doc_tok(toks, index_of, ch.i))
                    if cat:
                        return ch.i, cat
    if tok.dep_ == "amod" or tok.dep_ == "nmod":
        return None
    return None


def _doc_tok(toks: list[_Tok], index_of: dict[int, int], doc_i: int) -> _Tok:
    return toks[index_of[doc_i]] if doc_i in index_of else toks[0]


def _hypothetical(toks: list[_Tok], c: _Count, trig: int, lo: int, planned_ok: bool = False) -> bool:
    """A modal or an intention verb governs the trigger: 'could kill thousands', 'threatened to behead two'.

    `planned_ok`: "will"/"shall" are a decided plan, not a possibility (troop deployments are announced so)."""
    a, b = (min(c.start, trig), max(c.end, trig))
    t = toks[trig]
    if t.tag == "VB" and trig - 1 >= lo and toks[trig - 1].lower == "to" and not (
            trig - 2 >= lo and toks[trig - 2].lemma in {"force", "compel", "begin", "start", "have", "manage"}) \
            and not _forced_to(toks, c, trig, lo):
        return True  # "an operation to arrest a leader", "plans to kill": intended, not done
    window = toks[max(lo, a - 4):b]
    for t in window:
        if planned_ok and t.lower in lex.PLANNED_MODALS:
            continue
        if (t.lower in lex.MODALS and t.tag in {"MD", ""}) or t.lower in lex.HYPOTHETICAL_MARKERS:
            return True
        if t.lemma in lex.HYPOTHETICAL_VERBS and t.pos in {"VERB", "ADJ", "ADV", "NOUN"} and t is not toks[trig]:
            return True  # (the trigger itself is the event: "ordered 10,000 troops to the border")
    # "if ... killed", "threatened to ... kill": look a little further back in the clause
    for t in toks[max(lo, a - 8):max(lo, a - 4)]:
        if t.lower in {"if", "unless"} or (t.lemma in {"threaten", "plan", "vow", "intend", "plot"}):
            return True
    return False


def _forced_to(toks: list[_Tok], c: _Count, trig: int, lo: int) -> bool:
    """'forcing some 2,500 families to flee', 'forced 300 people to leave': the event happened."""
    if not c.start < trig:
        return False
    return any(t.lemma in {"force", "compel", "cause", "drive", "prompt", "push", "lead", "make"}
               for t in toks[max(lo, c.start - 3):c.start])


def _negated(toks: list[_Tok], c: _Count, trig: int, lo: int) -> bool:
    a, b = (min(c.end, trig), max(c.end, trig))
    between = toks[a:b]
    if any(t.lower in {"not", "n't", "never"} for t in between):
        return True
    if trig < c.start:
        return any(t.lower in {"not", "n't", "never"} for t in toks[max(lo, trig - 3):trig])
    return False


def _unit_of(toks: list[_Tok], c: _Count, hi: int, lo: int) -> str | None:
    """Unit of an amount: a currency symbol before, or a unit word after the number."""
    if c.num_start > lo:
        prev = toks[c.num_start - 1].lower
        if prev in lex.CURRENCY_SYMBOLS:
            return lex.CURRENCY_SYMBOLS[prev]
    if c.end < hi:
        nxt = toks[c.end]
        low = nxt.lower
        if low == "per" and c.end + 1 < hi and toks[c.end + 1].lower == "cent":
            return "percent"
        if low in {"square", "sq", "sq."} and c.end + 1 < hi:
            u = lex.MEASURE_UNITS.get(toks[c.end + 1].lower)
            if u in {"km", "mi", "m", "ft"}:
                return f"{u}2"
        if low in lex.CURRENCY_WORDS and not (low in {"pounds", "pound"} and c.end + 1 < hi and toks[c.end + 1].lower == "of"):
            return lex.CURRENCY_WORDS[low]
        if low in {"pounds", "pound"}:
            return "lb"
        if low in lex.MEASURE_UNITS and low != "per":
            return lex.MEASURE_UNITS[low]
    # "5bn" / "1.5m" glued to a currency symbol already handled; "155mm" tokens
    m = re.match(r"^\d+(?:\.\d+)?([a-z]+)$", toks[c.num_start].lower)
    if m and m.group(1) in lex.MEASURE_UNITS:
        return lex.MEASURE_UNITS[m.group(1)]
    return None


# ---------------------------------------------------------------------------------------------
# Sentence context: attribution and place
# ---------------------------------------------------------------------------------------------

def _attribution(toks: list[_Tok], lo: int, hi: int, ents: list[tuple[int, int, str, str]]) -> str | None:
    """The source named in the sentence: 'according to the health ministry', 'police said', 'said a spokesman'."""
    for k in range(lo, hi):
        t = toks[k]
        if t.lower == "according" and k + 1 < hi and toks[k + 1].lower == "to":
            j = k + 2
            e = k + 2
            while e < hi and e - j < 8 and toks[e].lower not in {",", ".", ";", "said", "which", "who", "on"} \
                    and toks[e].pos not in {"VERB", "AUX", "PUNCT"}:
                e += 1
            if e > j:
                return _span_text(toks, j, e)
        if t.lemma in _REPORTING_LEMMAS and t.pos == "VERB" and t.lemma != "according":
            ent = _entity_next_to(toks, k, ents)
            if ent:
                return ent
            # "police said": a noun phrase just before the verb
            s = k
            while s - 1 >= lo and (toks[s - 1].pos in {"NOUN", "PROPN", "ADJ", "DET"} or toks[s - 1].lower in {"'s"}) \
                    and k - s < 6:
                s -= 1
            if s < k and any(x.pos in {"NOUN", "PROPN"} for x in toks[s:k]):
                return _span_text(toks, s, k)
            # "said a spokesman for the army": a noun phrase just after the verb
            if t.lemma == "tell":
                continue  # "told reporters": the listener, not the source
            e = k + 1
            while e < hi and (toks[e].pos in {"NOUN", "PROPN", "ADJ"} or (e == k + 1 and toks[e].pos == "DET")) \
                    and e - k < 6:
                e += 1
            if e > k + 1 and any(x.pos in {"NOUN", "PROPN"} for x in toks[k + 1:e]):
                return _span_text(toks, k + 1, e)
    return None


def _entity_next_to(toks: list[_Tok], k: int, ents: list[tuple[int, int, str, str]]) -> str | None:
    verb_start, verb_end = toks[k].idx, toks[k].end
    for s, e, label, text in ents:
        if label not in {"ORG", "PERSON", "NORP", "GPE"}:
            continue
        gap_before = verb_start - e
        gap_after = s - verb_end
        if 0 <= gap_before <= 2 or 0 <= gap_after <= 2:
            return text
    return None


def _span_text(toks: list[_Tok], s: int, e: int) -> str:
    out = ""
    for k in range(s, e):
        if k > s and toks[k].idx > toks[k - 1].end:
            out += " "
        out += toks[k].text
    return out


def _place(ents: list[tuple[int, int, str, str]], start: int, end: int) -> str | None:
    """The place entity of the sentence nearest to the count (a dateline's city is usually farther)."""
    best: tuple[int, str] | None = None
    for s, e, label, text in ents:
        if label in {"GPE", "LOC", "FAC"} and not (s < end and start < e):
            distance = start - e if e <= start else s - end
            if best is None or distance < best[0]:
                best = (distance, text)
    return best[1] if best else None


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------

def _sentence_bounds(doc: Doc, toks: list[_Tok]) -> list[tuple[int, int]]:
    """Sentences as ranges of `toks`, also cut at line breaks: a headline or dateline line run
    into the first paragraph is not one sentence with it (its toll would add to the lede's)."""
    if not toks:
        return []
    if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
        starts = {s.start for s in doc.sents}
    else:
        starts = {0}
    out: list[tuple[int, int]] = []
    lo = 0
    for k in range(1, len(toks)):
        t = toks[k]
        if t.line_start or t.i in starts or any(j in starts for j in range(toks[k - 1].i + 1, t.i)):
            out.append((lo, k))
            lo = k
    out.append((lo, len(toks)))
    return out


def _entity_tuples(doc: Doc, entities: list[dict] | None) -> list[tuple[int, int, str, str]]:
    if entities is not None:
        return sorted((int(e["start"]), int(e["end"]), str(e["label"]), str(e.get("canonical") or e["text"]))
                      for e in entities)
    return [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents]


def extract_quantities(doc: Doc, entities: list[dict] | None = None) -> list[dict]:
    """Every numeric expression of `doc` as QUANTITY dicts (see `pipeline.sinks.schema.QUANTITY`)."""
    toks = _tokens(doc)
    text = doc.text  # Doc.text joins every token: read it once
    all_ents = _entity_tuples(doc, entities)
    ent_starts = [e[0] for e in all_ents]
    use_dep = doc.has_annotation("DEP")
    out: list[dict] = []
    index_of = {t.i: k for k, t in enumerate(toks)}
    for lo, hi in _sentence_bounds(doc, toks):
        _context_triggers(toks, lo, hi)
        counts = _between_ranges(toks, _find_counts(toks, lo, hi), lo)
        taken = {k for c in counts for k in range(c.start, c.end)}
        implicit = _implicit_counts(toks, lo, hi, taken)
        s_char, e_char = toks[lo].idx, toks[hi - 1].end
        first = bisect.bisect_left(ent_starts, s_char)
        last = bisect.bisect_right(ent_starts, e_char, lo=first)
        sent_ents = [e for e in all_ents[first:last] if e[1] <= e_char]
        resolved: list[_Count] = []
        for c in sorted(counts + implicit, key=lambda x: x.start):
            _object_of(toks, c, hi)
            _categorise(doc, toks, c, lo, hi, index_of if use_dep else None)
            if c.implicit and c.category == "amount":
                continue  # "a soldier" with no event is not a quantity
            resolved.append(c)
        _share_coordinated_triggers(toks, resolved)
        attribution = _attribution(toks, lo, hi, sent_ents) if resolved else None
        for c in resolved:
            place = _place(sent_ents, toks[c.start].idx, toks[c.end - 1].end)
            out.append(_to_dict(text, toks, c, s_char, e_char, attribution, place))
    return out


def _categorise(doc: Doc, toks: list[_Tok], c: _Count, lo: int, hi: int, index_of: dict[int, int] | None) -> None:
    unit = _unit_of(toks, c, hi, lo)
    if unit is not None and not c.implicit:
        c.unit = unit
        c.category = "amount"
        return
    obj = toks[c.obj_head] if c.obj_head != -1 else None
    found = None
    if obj is not None and obj.lower in _ADJ_TRIGGERS:
        found = (c.obj_head, _ADJ_TRIGGERS[obj.lower])  # "12 dead", "40 injured"
    if found is None and index_of is not None:
        found = _dep_trigger(doc, toks, c, index_of)
    if found is None:
        pre = _pre_trigger(toks, c, lo)
        post = _post_trigger(toks, c, hi)
        if pre is not None and post is not None:
            # adjacent verb-object wins ("killing one"); otherwise the passive after the noun
            found = pre if c.start - pre[0] <= 2 else post
        else:
            found = pre or post
    if found is None:
        found = _from_homes(toks, c, hi)
    if found is None and obj is not None and obj.lemma in lex.NOUN_TRIGGERS:
        cat = _trigger_category(obj)
        if cat:
            found = (c.obj_head, cat)
    if found is not None:
        k, cat = found
        trig = toks[k]
        if obj is not None and not _person_like(obj) and obj.lemma not in lex.NOUN_TRIGGERS \
                and obj.lower not in _ADJ_TRIGGERS:
            found = None  # "killed 2,500 livestock", "captured three towns"
    if found is not None:
        k, cat = found
        if cat == "displaced" and toks[k].lemma == "flee" and k < c.start and c.implicit:
            c.category = "amount"  # "fled Saut-d'Eau": one flees a place, the name is not a person counted
            return
        if cat == "detained" and toks[k].lemma == "hold":
            a = c.obj_end if c.obj_head != -1 and c.obj_end > k else k + 1  # "held 12 villagers captive"
            after = [t.lower for t in toks[a:min(hi, a + 4)]]
            if after[:1] in (["captive"], ["hostage"]) or after[:3] in (["against", "their", "will"],
                                                                         ["against", "his", "will"],
                                                                         ["against", "her", "will"]):
                cat = "kidnapped"
        c.trigger = toks[k].text
        c.category = cat
        if cat == "wounded" and toks[k].lemma == "shoot":
            c.qualifier.append("shot")  # shot, not said to have died: the rollup nets out those who did
        if cat == "troops" and obj is not None and obj.lemma not in lex.TROOP_NOUNS and not _is_person_word(obj):
            c.category = "amount"
        if _negated(toks, c, k, lo):
            c.negated = True
        if _hypothetical(toks, c, k, lo, planned_ok=cat == "troops"):
            c.hypothetical = True
        elif cat == "troops" and _planned(toks, c, k, lo):
            c.qualifier.append("planned")
        if toks[k].lemma in lex.UPDATE_WORDS:
            pass
        _note_context_words(toks, c, k, lo, hi)
        return
    if obj is not None and (obj.lemma in lex.TROOP_NOUNS or obj.lower in lex.TROOP_NOUNS) and obj.lower != "forces" \
            and not c.implicit:
        c.category = "troops"
        c.trigger = obj.text
        mover = _troop_mover(toks, c, lo)
        if mover is None:
            mover = _troop_mover_after(toks, c, hi)
        if mover is None:
            # "the mission has about 11,000 troops", "a force of 5,000 soldiers": a standing strength
            c.qualifier.append("standing")
            c.hypothetical = _hypothetical(toks, c, c.obj_head, lo)
        else:
            c.trigger = toks[mover].text  # "will send 1,500 more troops": a planned movement
            c.hypothetical = _hypothetical(toks, c, mover, lo, planned_ok=True)
            if not c.hypothetical and _planned(toks, c, mover, lo):
                c.qualifier.append("planned")
        _note_context_words(toks, c, c.obj_head if mover is None else mover, lo, hi)
        return
    c.category = "amount"
    c.unit = "count" if not c.implicit else None


def _troop_mover(toks: list[_Tok], c: _Count, lo: int) -> int | None:
    """The verb moving the troops counted: 'will send 1,500 more troops', 'ordered 3,000 troops to'."""
    for k in range(c.start - 1, max(lo, c.start - 5) - 1, -1):
        t = toks[k]
        if t.lemma in lex.TROOP_MOVE_LEMMAS and t.pos in {"VERB", ""}:
            return k
        if t.lower not in lex.PRE_SKIP and t.pos != "ADV" and t.tag != "RP":  # "pulled out 300 soldiers"
            return None
    return None


def _troop_mover_after(toks: list[_Tok], c: _Count, hi: int) -> int | None:
    """The verb moving the troops, after them: 'troops have been sent', 'peacekeepers arrived', 'were flown'."""
    k = c.obj_end if c.obj_head != -1 else c.end
    for k in range(k, min(hi, k + 5)):
        t = toks[k]
        if t.lemma in lex.TROOP_MOVE_LEMMAS and t.pos in {"VERB", ""}:
            return k
        if not (t.lower in lex.PASSIVE_HELPERS or t.tag in {"RB", "MD"}):
            return None
    return None


def _planned(toks: list[_Tok], c: _Count, trig: int, lo: int) -> bool:
    a = min(c.start, trig)
    return any(t.lower in lex.PLANNED_MODALS for t in toks[max(lo, a - 4):a])


def _from_homes(toks: list[_Tok], c: _Count, hi: int) -> tuple[int, str] | None:
    """'forced about 1,200 residents from their homes': people driven out of their homes are displaced."""
    k = c.obj_end if c.obj_head != -1 else c.end
    if k + 1 < hi and toks[k].lower in {"from", "out"}:
        j = k + 1 + (toks[k + 1].lower in {"their", "his", "her", "of"})
        if j < hi and toks[j].lower == "their" and j + 1 < hi:
            j += 1
        if j < hi and toks[j].lower in {"homes", "home", "houses", "villages"}:
            return j, "displaced"
    return None


def _note_context_words(toks: list[_Tok], c: _Count, trig: int, lo: int, hi: int) -> None:
    """Add update ('rose to') and subset ('including', 'among') words in front of the count to the qualifier."""
    window = toks[max(lo, min(c.start, trig) - 3):c.start] if trig < c.start else toks[max(lo, c.start - 4):c.start]
    extra = []
    for t in window:
        if t.lower in lex.UPDATE_WORDS or t.lemma in lex.UPDATE_WORDS:
            extra.append(t.lower)
        if t.lower in lex.SUBSET_WORDS:
            extra.append(t.lower)
    if c.start - 3 >= lo and [t.lower for t in toks[c.start - 3:c.start]] in (["of", "whom", "were"],):
        extra.append("of whom")
    if c.start - 1 >= lo and toks[c.start - 1].lower == "all" and not c.implicit:
        extra.append("all")  # "killing all three": the group already counted
    if not c.implicit and c.end + 1 < len(toks) and toks[c.end].lower == "of" \
            and toks[c.end + 1].lower in {"the", "them", "those", "these", "which", "whom"}:
        extra.append("of the")  # "five of the insurgents killed were commanders": part of a group
    # "captured or killed 12": either reading may hold, so the count is not a fact of one category
    for k in (trig - 2, trig + 2):
        if lo <= k < hi and toks[(k + trig) // 2].lower == "or" and _trigger_category(toks[k]) \
                and _trigger_category(toks[k]) != c.category:
            a, b = sorted((k, trig))
            extra.append(f"{toks[a].lower} or {toks[b].lower}")
            break
    # a separate incident announced earlier in the sentence: "In a separate attack, two ... were killed"
    for t in toks[lo:c.start]:
        if t.lower in {"separate", "elsewhere", "meanwhile"}:
            extra.append(t.lower)
            break
    background = _background_cue(toks, c, trig, lo, hi)
    if background:
        extra.append("background")
        extra.append(background)
    if c.category in {"detained", "kidnapped"} and _released(toks, c, trig, lo, hi):
        extra.append("released")
    # background: the count belongs to an earlier event tied to someone ("linked to an attack that killed four")
    first = min(c.start, trig)
    relative = any(t.lower in {"that", "which"} for t in toks[max(lo, trig - 2):trig])
    for k in range(lo, first - 1 if relative else lo):
        pair = (toks[k].lower, toks[k + 1].lower)
        if pair in lex.BACKGROUND_CUES:
            extra.append(" ".join(pair))
            break
    if extra:
        c.qualifier = [w for w in dict.fromkeys(extra) if w not in c.qualifier] + c.qualifier


def _background_cue(toks: list[_Tok], c: _Count, trig: int, lo: int, hi: int) -> str | None:
    """Why a count is a background total rather than the article's incident, or None.

    Sentence-level cues (a wire sentence carries one time frame): a past or running period
    ("last year", "in 2015", "in January", "between 1985 and 2018", "since ...", "so far",
    "earlier this year", "over the past decade", "a decade ago"); a long-running cause told in the
    present perfect or as agent ("the war has killed", "displaced by gang violence"); a running
    total ("already displaced", "adding to").
    """
    first = min(c.start, trig)
    for k in range(lo, hi):
        t = toks[k]
        low = t.lower
        nxt = toks[k + 1] if k + 1 < hi else None
        nxt2 = toks[k + 2] if k + 2 < hi else None
        if low == "since" and not (k > lo and toks[k - 1].lower == "ever" and nxt is not None and nxt.lower == ","):
            return "since"
        if low in {"last", "past", "previous"} and nxt is not None and nxt.lower in lex.PAST_PERIOD_NOUNS:
            return f"{low} {nxt.lower}"
        if low in {"last", "past"} and nxt is not None and nxt.lower in {"few", "several", "two", "three", "five",
                                                                         "ten"} \
                and nxt2 is not None and nxt2.lower in lex.PAST_PERIOD_NOUNS:
            return f"{low} {nxt2.lower}"
        if low == "ago" and k > lo and toks[k - 1].lower in lex.PAST_PERIOD_NOUNS | {"weeks", "month"}:
            return "ago"
        if low == "so" and nxt is not None and nxt.lower == "far":
            return "so far"
        if low == "earlier" and nxt is not None and nxt.lower == "this" and nxt2 is not None \
                and nxt2.lower in {"year", "month"}:
            return "earlier this " + nxt2.lower
        if low in {"in", "during", "between", "from", "throughout", "by"} and nxt is not None:
            # "in 2015", "in March 2024", "In January," -- but not "in March 24" or "in May 2,000 people"
            if _YEAR_RE.match(nxt.text) and not (nxt2 is not None and nxt2.tag in {"NNS", "NNPS"}):
                return f"{low} year"
            if nxt.lower.rstrip(".") in lex.MONTHS and nxt.is_title and low != "by":
                after = nxt2.text if nxt2 is not None else ""
                if _YEAR_RE.match(after) or not after[:1].isdigit():
                    return f"{low} month"
        if low in lex.CUMULATIVE_WORDS and min(c.start, trig) - 6 <= k <= max(c.end, trig):
            return low  # "the 400,000 people already displaced" (a cue near this count, not the sentence's)
        if low == "adding" and nxt is not None and nxt.lower == "to" and k < c.start:
            return "adding to"
        if k == c.start - 1 and trig == c.obj_head and (low in {"for", "hosting", "hosts", "host", "houses"} or (
                low == "to" and k > lo and toks[k - 1].lower == "home")):
            return "population"  # "rations for 700,000 refugees", "home to 300,000 refugees"
        if low in lex.CONFLICT_NOUNS and t.pos in {"NOUN", "ADJ", "PROPN", ""}:
            # "the war ... has killed", "the conflict has displaced" (a total to date)
            if k < first and _present_perfect_after(toks, k + 1, hi):
                return "conflict total"
            # "displaced by gang violence", "killed by the war"
            if k > trig and any(toks[j].lower == "by" for j in range(max(lo, k - 3), k)) and k - trig <= 8:
                return "conflict total"
    return None


def _present_perfect_after(toks: list[_Tok], k: int, hi: int) -> bool:
    """'has killed', 'have also driven', ', which erupted in 2023, has killed': a total up to now."""
    for j in range(k, min(hi, k + 24)):
        t = toks[j]
        if t.lower in {"has", "have"} and j + 1 < hi:
            j2 = j + 1
            while j2 < hi and toks[j2].tag in {"RB", "RBR"}:
                j2 += 1
            return j2 < hi and toks[j2].tag == "VBN" and toks[j2].lemma != "be"
        if t.lower in {".", ";"} or (t.pos == "VERB" and t.tag in {"VBD", "VBZ", "VBP"} and not
                                      any(x.lower in {"which", "that", "who"} for x in toks[k:j])):
            return False
    return False


def _released(toks: list[_Tok], c: _Count, trig: int, lo: int, hi: int) -> bool:
    """'release 213 detainees', 'the release of 150 fighters held by ...', 'were freed': set free, not detained."""
    for k in range(lo, hi):
        t = toks[k]
        if t.lemma in lex.RELEASE_LEMMAS or t.lower in {"freed", "released", "release", "free", "exchange", "swap"}:
            nxt = toks[k + 1] if k + 1 < hi else None
            if nxt is not None and nxt.lower in lex.RELEASED_THINGS or k > lo and toks[k - 1].lower in {
                    "immediate", "press", "news"}:
                continue  # "released a statement", "For Immediate Release"
            if t.lower == "free" and t.pos == "ADJ" and k > c.start:
                continue
            if k < c.start and c.start - k <= 14 or c.end <= k <= max(c.obj_end, c.end) + 4:
                return True
    return False


def _share_coordinated_triggers(toks: list[_Tok], counts: list[_Count]) -> None:
    """'killed two soldiers and three civilians': counts joined by 'and' share a found trigger."""
    for a, b in zip(counts, counts[1:]):
        if a.category == "amount" and a.unit not in {None, "count"} or b.category == "amount" and b.unit not in {
                None, "count"}:
            continue
        a_ok = a.obj_head == -1 or _person_like(toks[a.obj_head])
        b_ok = b.obj_head == -1 or _person_like(toks[b.obj_head])
        between = {t.lower for t in toks[(a.obj_end if a.obj_head != -1 else a.end):b.start]}
        if not between or not between <= {"and", ",", "as", "well", "plus", "along", "with", "together"}:
            continue
        if "with" in between and not between & {"along", "together"}:
            continue  # "800,000 cases, with 5,800 deaths": another measure, not more of the same
        if a.trigger and not b.trigger and b.category == "amount" and b_ok:
            b.category, b.trigger, b.unit = a.category, a.trigger, None
            b.negated, b.hypothetical = a.negated, a.hypothetical
        elif b.trigger and not a.trigger and a.category == "amount" and a_ok:
            a.category, a.trigger, a.unit = b.category, b.trigger, None
            a.negated, a.hypothetical = b.negated, b.hypothetical


def _to_dict(text: str, toks: list[_Tok], c: _Count, s_char: int, e_char: int, attribution: str | None,
             place: str | None) -> dict:
    start, end = toks[c.start].idx, toks[c.end - 1].end
    if c.implicit and c.obj_head != -1:
        end = toks[c.obj_end - 1].end  # "a Taliban commander", "no civilians": the phrase is the count
    people = c.category != "amount"
    value, low, high = c.value, c.low, c.high
    if c.negated and c.implicit:
        value, low, high = 0.0, 0.0, 0.0
    return {
        "text": text[start:end],
        "value": _f(value),
        "low": _f(low),
        "high": _f(high),
        "approximate": bool(c.approximate),
        "qualifier": " ".join(c.qualifier) or None,
        "category": c.category,
        "unit": None if people else c.unit,
        "object": None if c.unit not in (None, "count") else _object_text(toks, c),
        "trigger": c.trigger,
        "negated": bool(c.negated),
        "hypothetical": bool(c.hypothetical),
        "attribution": attribution,
        "place": place,
        "start": start,
        "end": end,
        "sentence_start": s_char,
        "sentence_end": e_char,
    }


def _f(x: float | None) -> float | None:
    return None if x is None else float(x)
