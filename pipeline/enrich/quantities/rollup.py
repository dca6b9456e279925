"""The article rollup: distinct people per category from an article's quantities.

Reads only the QUANTITY dicts (`extract.extract_quantities`):
their category, bounds, flags, sentence offsets, object and the context words
kept in `qualifier`. See `rollup_event_counts` for the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from pipeline.enrich.quantities import lexicon as lex

def _head_word(obj: str | None) -> str:
    if not obj:
        return ""
    w = obj.lower().split()[-1]
    for suffix, repl in (("men", "man"), ("ies", "y"), ("s", "")):
        if w.endswith(suffix) and len(w) > 3:
            return w[: -len(suffix)] + repl
    return w


def _is_additive(q: dict) -> bool:
    words = set((q.get("object") or "").lower().split()) | set((q.get("qualifier") or "").split())
    if words & {"elsewhere", "meanwhile"}:
        return True
    if q.get("_after_other_category") and not (words & (lex.ADDITIVE_WORDS - {"other", "others"})):
        return False  # "killed several insurgents and detained numerous others": others than the killed
    return bool(words & lex.ADDITIVE_WORDS)


def _head_of(q: dict) -> str:
    """Head noun of the counted phrase; '' for a definite singular ('the leader'), which points back."""
    text = (q.get("text") or "").lower()
    if text.startswith(_POINTING_BACK) or text == "both" or _named_one(q, text):
        return ""
    return _head_word(q.get("object"))


_POINTING_BACK = ("the ", "his ", "her ", "their ", "its ")


def _named_one(q: dict, text: str) -> bool:
    """One person told without a number or an indefinite article: a name, a pronoun, a bare headline noun
    ("Teen shot") -- someone already counted, unless marked additional."""
    return q.get("low") == 1 and q.get("high") == 1 and not text[:1].isdigit() \
        and " " not in text.strip() and text == (q.get("object") or "").lower()


def _sentence_key(q: dict) -> str:
    """Who a count is about, within its sentence: "his wife" and "their son" are two people there."""
    text = (q.get("text") or "").lower()
    if text.startswith("the ") or text == "both" or text in lex.REFLEXIVES or text in {"he", "she", "him", "her"}:
        return ""  # "The suspect shot himself": one person
    return _head_word(q.get("object"))


def _is_update(q: dict) -> bool:
    return bool(set((q.get("qualifier") or "").split()) & lex.UPDATE_WORDS)


def _is_background(q: dict) -> bool:
    """Not the article's incident: a background or running total, history, a release, a standing strength."""
    qual = q.get("qualifier") or ""
    words = set(qual.split())
    if words & {"background", "superseded"} or any(cue in qual for cue in lex.BACKGROUND_QUALIFIERS):
        return True
    if q.get("category") == "detained" and "released" in words:
        return True  # a prisoner release or exchange sets people free; it detains no one
    return q.get("category") == "troops" and "standing" in words


def _is_subset(q: dict) -> bool:
    qual = q.get("qualifier") or ""
    return bool(set(qual.split()) & (lex.SUBSET_WORDS | {"all"})) or "of whom" in qual or "of the" in qual


@dataclass
class _Incident:
    low: int | None
    high: int | None
    approximate: bool
    heads: set[str]
    place: str | None
    enumerated: int = 0  # people of this incident told one by one after its total ("A 26-year-old man was shot")


def _add(a: int | None, b: int | None) -> int | None:
    if a is None and b is None:
        return None
    return (a or 0) + (b or 0)


def _sum_high(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


def rollup_event_counts(quantities: list[dict]) -> list[dict]:
    """Best estimate of distinct people per category for one article (EVENT_COUNT dicts).

    Not counted: negated and hypothetical counts (a category seen only negated
    appears with low 0 and mentions 0); background totals, marked `background` in
    their qualifier by the extractor, followed by the cue: running or past-period
    totals ("since January", "so far", "last year", "in 2015", "in January",
    "between 1985 and 2018", "over the past decade", "a decade ago"), a war's or an
    epidemic's toll to date ("the war has killed", "displaced by gang violence"),
    running totals ("already displaced", "adding to"); history ("linked to an
    attack that killed four"); either-or counts ("captured or killed"); detainees
    `released` or exchanged; troops with no movement verb (`standing` strength:
    "the mission has 11,000 troops"). A category whose only counts are background
    is absent. Planned deployments ("will deploy 3,000 soldiers", qualifier
    `planned`) count. Within a sentence, counts of different people add up ("a soldier and
    two civilians"); the same kind named twice is one group. Across sentences a count
    - supersedes the incident it updates when it carries an update word ("rose to 137");
    - adds to the article when it is marked additional ("three other insurgents",
      "in a separate attack", "elsewhere"), or names a different kind of person than
      every earlier count ("a Taliban leader" then "two suspected insurgents");
    - otherwise restates an earlier count (a toll repeated in lede and body): the larger wins.
    Subset counts ("including two children", "five of the dead", "all three") and
    definite people ("the leader", "both men") never add on their own: they restate.
    `mentions` is the number of counted (non-negated, non-hypothetical) mentions. These rows have
    `scope` `incident`; cumulative totals follow in rows of their own with `scope` `cumulative`.
    """
    out: list[dict] = []
    for category in lex.PEOPLE_CATEGORIES:
        qs = [q for q in quantities if q.get("category") == category]
        if not qs:
            continue
        facts = [q for q in qs if not q.get("negated") and not q.get("hypothetical") and not _is_background(q)
                 and " or " not in (q.get("qualifier") or "")]
        if not facts:
            if any(q.get("negated") and not q.get("hypothetical") for q in qs):
                out.append({"category": category, "low": 0, "high": 0, "approximate": False, "mentions": 0,
                            "scope": "incident"})
            continue
        if category == "wounded":
            # "shot" alone does not say the person lived: those shot count as wounded net of the killed
            # ("four people were shot; one died" -> 3); people said to be wounded or injured stay
            low, high, approx = _total(quantities, facts, category)
            shot = [q for q in facts if "shot" in (q.get("qualifier") or "").split()]
            if shot:
                killed = next((r["low"] or 0 for r in out if r["category"] == "killed"), 0)
                killed -= _killed_apart(quantities, shot)
                deduct = max(0, min(killed, _total(quantities, shot, category)[0] or 0))
                low = max(0, (low or 0) - deduct)
                high = None if high is None else max(low, high - deduct)
        else:
            low, high, approx = _total(quantities, facts, category)
        out.append({"category": category, "low": low, "high": high, "approximate": approx, "mentions": len(facts),
                    "scope": "incident"})
    return out + _cumulative_rows(quantities)


def _cumulative_rows(quantities: list[dict]) -> list[dict]:
    """Totals to date per category ("since March, 40,000 have fled"), apart from the incident's rows:
    the largest figure given (a running total only grows), how many gave one."""
    out = []
    for category in lex.PEOPLE_CATEGORIES:
        cum = [q for q in quantities if q.get("category") == category and q.get("scope") == "cumulative"
               and not q.get("negated") and not q.get("hypothetical")
               and "superseded" not in (q.get("qualifier") or "").split()]
        if cum:
            best = max(cum, key=lambda q: (_int(q.get("low")) or 0, _int(q.get("high")) or 0))
            out.append({"category": category, "low": _int(best.get("low")), "high": _int(best.get("high")),
                        "approximate": bool(best.get("approximate")), "mentions": len(cum), "scope": "cumulative"})
    return out


def _killed_apart(quantities: list[dict], shot: list[dict]) -> int:
    """The killed told beside those shot as other people ("A woman was killed and her son was shot"):
    they are not among the shot, so the wounded are not netted of them."""
    shot_heads: dict[int, set[str]] = {}
    for q in shot:
        shot_heads.setdefault(int(q.get("sentence_start") or 0), set()).add(_head_word(q.get("object")))
    apart = 0
    for q in quantities:
        heads = shot_heads.get(int(q.get("sentence_start") or 0))
        head = _head_word(q.get("object"))
        if q.get("category") == "killed" and heads and not q.get("negated") and not q.get("hypothetical") \
                and head not in lex.GENERIC_OBJECTS and head not in heads:
            apart += _int(q.get("low")) or 0
    return apart


def _total(quantities: list[dict], facts: list[dict], category: str) -> tuple[int | None, int | None, bool]:
    """(low, high, approximate) of one category's facts: sentences merged into incidents, incidents added."""
    people_starts: dict[int, int] = {}
    for q in quantities:
        if q.get("category") in lex.PEOPLE_CATEGORIES and q.get("category") != category:
            key = int(q.get("sentence_start") or 0)
            people_starts[key] = min(people_starts.get(key, 1 << 30), int(q.get("start") or 0))
    facts = [dict(q, _after_other_category=people_starts.get(int(q.get("sentence_start") or 0), 1 << 30)
                  < int(q.get("start") or 0)) for q in facts]
    incidents: list[_Incident] = []
    for group in _by_sentence(facts):
        _merge_sentence(incidents, group)
    low: int | None = None
    high: int | None = 0
    for inc in incidents:
        low = _add(low, inc.low)
        high = _sum_high(high, inc.high)
    return low, high, any(i.approximate for i in incidents)


def _by_sentence(facts: list[dict]) -> Iterable[list[dict]]:
    groups: dict[int, list[dict]] = {}
    for q in sorted(facts, key=lambda q: (q.get("start") or 0)):
        groups.setdefault(int(q.get("sentence_start") or 0), []).append(q)
    return groups.values()


def _int(x: float | None) -> int | None:
    return None if x is None else int(round(x))


def _merge_sentence(incidents: list[_Incident], group: list[dict]) -> None:
    main = [q for q in group if not _is_subset(q)] or group
    updates = [q for q in main if _is_update(q)]
    if updates:
        main = updates  # "climbed to 27 after three more died", "later raised the number to 14": the new total
    subset_only = len(main) == len(group) and all(_is_subset(q) for q in group)
    # within a sentence different people add up ("a soldier and two civilians"); the same kind
    # named twice is one group unless marked additional (a headline run into its lede)
    by_head: dict[str, list[dict]] = {}
    for q in main:
        by_head.setdefault(_sentence_key(q), []).append(q)
    low: int | None = None
    high: int | None = 0
    approx = False
    conflicting = [q for q in main if "conflicting" in (q.get("qualifier") or "").split()]
    if len(conflicting) > 1:
        # figures of the same people from different sources: the smallest credible low, the largest reported high
        for q in conflicting:
            by_head.pop(_sentence_key(q), None)
        by_head["\0conflicting"] = conflicting
    for head, qs in by_head.items():
        best = max(qs, key=lambda q: _int(q.get("low")) or 0)
        h_low, h_high = _int(best.get("low")), _int(best.get("high"))
        if head == "\0conflicting":
            h_low = min(_int(q.get("low")) or 0 for q in qs)
            h_high = max(_int(q.get("high") if q.get("high") is not None else q.get("low")) or 0 for q in qs)
        for q in qs:
            if q is not best and _is_additive(q):
                h_low, h_high = _add(h_low, _int(q.get("low"))), _sum_high(h_high, _int(q.get("high")))
        low, high = _add(low, h_low), _sum_high(high, h_high)
        approx = approx or any(bool(q.get("approximate")) for q in qs)
    heads = {_head_of(q) for q in main}
    place = next((q.get("place") for q in main if q.get("place")), None)
    new = _Incident(low, high, approx, heads, place)
    if not incidents:
        incidents.append(new)
        return
    last = incidents[-1]
    if any(_is_update(q) for q in main) and not subset_only:
        last.low, last.high, last.approximate = new.low, new.high, new.approximate
        last.heads |= heads
        return
    if subset_only:
        _restate(last, new)
        return
    single = new.low == 1 and new.high == 1
    if all(_is_additive(q) for q in main):
        if single and 0 < last.enumerated < (last.low or 0) - 1:
            last.enumerated += 1  # "Another 26-year-old man was shot": the victims of a total, told in turn
            return
        last.low, last.high = _add(last.low, new.low), _sum_high(last.high, new.high)
        last.approximate = last.approximate or new.approximate
        last.heads |= heads
        return
    # places are not compared: a lede and its body name the same place at different grains
    # ("Giyan district" / "Combat Outpost Munoz"); separate incidents are marked in words
    for inc in incidents:
        if inc.heads & heads - lex.GENERIC_OBJECTS:
            _restate(inc, new)  # the same kind of people again: "two insurgents ... the two insurgents"
            return
    if heads & lex.GENERIC_OBJECTS or any(not inc.heads or inc.heads <= lex.GENERIC_OBJECTS for inc in incidents):
        # people told generically ("people", "the commander", "he") restate the article so far;
        # only a larger figure raises it
        total = sum(inc.low or 0 for inc in incidents)
        if single and total > 1:
            last.enumerated += 1
        if (new.low or 0) > total:
            last.low = (last.low or 0) + (new.low or 0) - total
            last.high = None if new.high is None else max(last.high or 0, last.low)
            last.approximate = last.approximate or new.approximate
        last.heads |= heads
        return
    incidents.append(new)


def _restate(inc: _Incident, new: _Incident) -> None:
    if (new.low or 0) > (inc.low or 0):
        inc.low, inc.high, inc.approximate = new.low, new.high, new.approximate
    inc.heads |= new.heads
