"""One count's category, unit and flags from its trigger and context, and its QUANTITY dict.

Troop nouns with no event are `troops` (`standing` without a verb moving them, `planned` when a
decided future moves them); everything else is `amount` with a unit (percent, currency code, km,
kg, day, ... or "count")."""

from __future__ import annotations

import re
from spacy.tokens import Doc

from pipeline.enrich.quantities import lexicon as lex
from pipeline.enrich.quantities.context import is_hypothetical, is_negated, is_planned, note_context_words, scope_of
from pipeline.enrich.quantities.outcomes import clause_outcome
from pipeline.enrich.quantities.parse import dep_trigger
from pipeline.enrich.quantities.people import is_person_word, object_text, person_like
from pipeline.enrich.quantities.tokens import Count, Tok
from pipeline.enrich.quantities.triggers import post_trigger, pre_trigger, trigger_category


def categorise(doc: Doc, toks: list[Tok], c: Count, lo: int, hi: int, index_of: dict[int, int] | None) -> None:
    if "multiple" in c.qualifier:  # "a quadruple shooting" (people.py): the event says who
        event = toks[c.obj_head]
        c.category, c.trigger = lex.MULTIPLE_EVENTS[event.lemma], event.text
        if c.category == "wounded":
            c.qualifier.append("shot")
        c.hypothetical = is_hypothetical(toks, c, c.obj_head, lo)
        return
    unit = _unit_of(toks, c, hi, lo)
    if unit is not None and not c.implicit:
        c.unit = unit
        c.category = "amount"
        return
    obj = toks[c.obj_head] if c.obj_head != -1 else None
    found = None
    if obj is not None and obj.lower in lex.ADJ_TRIGGERS:
        found = (c.obj_head, lex.ADJ_TRIGGERS[obj.lower])  # "12 dead", "40 injured"
    if found is None and index_of is not None:
        found = dep_trigger(doc, toks, c, index_of)
    if found is None:
        pre = pre_trigger(toks, c, lo)
        post = post_trigger(toks, c, hi)
        if pre is not None and post is not None:
            # adjacent verb-object wins ("killing one"); otherwise the passive after the noun
            found = pre if c.start - pre[0] <= 2 else post
        else:
            found = pre or post
    if found is None:
        found = _from_homes(toks, c, hi)
    if found is None and obj is not None and obj.lemma in lex.NOUN_TRIGGERS:
        cat = trigger_category(obj)
        if cat:
            found = (c.obj_head, cat)
    uncertain = False
    if found is None and obj is not None:
        found = _modifier_trigger(toks, c)  # "the three injured men", "two wounded officers"
    if found is None:
        outcome = clause_outcome(toks, c, hi)  # "was taken to a hospital after being shot", "in critical condition"
        if outcome is not None:
            k, cat, uncertain = outcome
            found = (k, cat)
    if found is not None:
        k, cat = found
        trig = toks[k]
        if obj is not None and not person_like(obj) and obj.lemma not in lex.NOUN_TRIGGERS \
                and obj.lower not in lex.ADJ_TRIGGERS:
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
        if cat == "wounded" and (uncertain or toks[k].lemma in lex.UNCERTAIN_WOUND_LEMMAS):
            # shot, hit by a bullet, suffered a gunshot wound -- not said to have died: the rollup nets out those who did
            c.qualifier.append("shot")
        if cat == "troops" and obj is not None and obj.lemma not in lex.TROOP_NOUNS and not is_person_word(obj):
            c.category = "amount"
        if is_negated(toks, c, k, lo):
            c.negated = True
        if is_hypothetical(toks, c, k, lo, planned_ok=cat == "troops"):
            c.hypothetical = True
        elif cat == "troops" and is_planned(toks, c, k, lo):
            c.qualifier.append("planned")
        if toks[k].lemma in lex.UPDATE_WORDS:
            pass
        note_context_words(toks, c, k, lo, hi)
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
            c.hypothetical = is_hypothetical(toks, c, c.obj_head, lo)
        else:
            c.trigger = toks[mover].text  # "will send 1,500 more troops": a planned movement
            c.hypothetical = is_hypothetical(toks, c, mover, lo, planned_ok=True)
            if not c.hypothetical and is_planned(toks, c, mover, lo):
                c.qualifier.append("planned")
        note_context_words(toks, c, c.obj_head if mover is None else mover, lo, hi)
        return
    c.category = "amount"
    c.unit = "count" if not c.implicit else None


def _modifier_trigger(toks: list[Tok], c: Count) -> tuple[int, str] | None:
    """A participle or adjective inside the counted phrase that says what happened: "the three injured men",
    "two wounded officers", "12 missing hikers"."""
    for k in range(c.end, c.obj_head):
        t = toks[k]
        cat = lex.MODIFIER_TRIGGERS.get(t.lower)
        if cat is not None and t.tag in {"VBN", "JJ", "VBD"}:
            fatal = cat == "wounded" and k > c.end and toks[k - 1].lower in lex.FATAL_ADVERBS
            return k, "killed" if fatal else cat  # ("the fatally wounded child")
    return None


def _troop_mover(toks: list[Tok], c: Count, lo: int) -> int | None:
    """The verb moving the troops counted: 'will send 1,500 more troops', 'ordered 3,000 troops to'."""
    for k in range(c.start - 1, max(lo, c.start - 5) - 1, -1):
        t = toks[k]
        if t.lemma in lex.TROOP_MOVE_LEMMAS and t.pos in {"VERB", ""}:
            return k
        if t.lower not in lex.PRE_SKIP and t.pos != "ADV" and t.tag != "RP":  # "pulled out 300 soldiers"
            return None
    return None


def _troop_mover_after(toks: list[Tok], c: Count, hi: int) -> int | None:
    """The verb moving the troops, after them: 'troops have been sent', 'peacekeepers arrived', 'were flown'."""
    k = c.obj_end if c.obj_head != -1 else c.end
    for k in range(k, min(hi, k + 5)):
        t = toks[k]
        if t.lemma in lex.TROOP_MOVE_LEMMAS and t.pos in {"VERB", ""}:
            return k
        if not (t.lower in lex.PASSIVE_HELPERS or t.tag in {"RB", "MD"}):
            return None
    return None


def _from_homes(toks: list[Tok], c: Count, hi: int) -> tuple[int, str] | None:
    """'forced about 1,200 residents from their homes': people driven out of their homes are displaced."""
    k = c.obj_end if c.obj_head != -1 else c.end
    if k + 1 < hi and toks[k].lower in {"from", "out"}:
        j = k + 1 + (toks[k + 1].lower in {"their", "his", "her", "of"})
        if j < hi and toks[j].lower == "their" and j + 1 < hi:
            j += 1
        if j < hi and toks[j].lower in {"homes", "home", "houses", "villages"}:
            return j, "displaced"
    return None


def share_coordinated_triggers(toks: list[Tok], counts: list[Count]) -> None:
    """'killed two soldiers and three civilians': counts joined by 'and' share a found trigger."""
    for a, b in zip(counts, counts[1:]):
        if a.category == "amount" and a.unit not in {None, "count"} or b.category == "amount" and b.unit not in {
                None, "count"}:
            continue
        a_ok = a.obj_head == -1 or person_like(toks[a.obj_head])
        b_ok = b.obj_head == -1 or person_like(toks[b.obj_head])
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


def _unit_of(toks: list[Tok], c: Count, hi: int, lo: int) -> str | None:
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


def to_dict(text: str, toks: list[Tok], c: Count, s_char: int, e_char: int, attribution: str | None,
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
        "value": as_float(value),
        "low": as_float(low),
        "high": as_float(high),
        "approximate": bool(c.approximate),
        "qualifier": " ".join(c.qualifier) or None,
        "category": c.category,
        "unit": None if people else c.unit,
        "object": None if c.unit not in (None, "count") else object_text(toks, c),
        "trigger": c.trigger,
        "negated": bool(c.negated),
        "hypothetical": bool(c.hypothetical),
        "scope": scope_of(c.qualifier) if people else None,
        "attribution": attribution,
        "place": place,
        "place_geo": None,  # resolved by the places step (enrich/transforms.py), after the counts
        "start": start,
        "end": end,
        "sentence_start": s_char,
        "sentence_end": e_char,
    }


def as_float(x: float | None) -> float | None:
    return None if x is None else float(x)
