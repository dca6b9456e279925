"""How a sentence frames the counts in it within the article: headline, round-up, change of scene.

- a **headline** (a short line of its own with no closing punctuation: "Teen shot in Englewood")
  sums up the story told below it;
- a **round-up** counts people over several incidents: "Four people were wounded in shootings
  across the city", "detained more than 10 suspected insurgents during four operations", "Five
  people were shot in separate incidents". Such an article goes on to tell the incidents one by one;
- a **change of scene** opens a sentence with a place or a time of its own, or "Also,":
  "In Musa Qal'ah district, Helmand province, ...", "About 17 hours earlier, ...", "On Monday, ...".
  In a round-up it starts the next incident.

The rollup reads these marks from the counts' `qualifier` ("headline", "roundup" and its cue,
"new scene" and its cue) and keeps the round-up's totals apart from the lead incident.
"""

from __future__ import annotations

from pipeline.enrich.quantities import lexicon as lex
from pipeline.enrich.quantities.tokens import Tok, span_text

_CLOSING = frozenset({".", "!", "?", ":", ";", '"', "\u201d", "'", "\u2019", ")"})
_FRAME_PREPOSITIONS = frozenset({"in", "during", "across", "from", "after", "amid"})
_DETERMINERS = frozenset({"the", "these", "those", "this", "that", "its", "their", "his", "her", "a", "an", "one",
                          "each", "every", "both"})
_SCENE_ENTITIES = frozenset({"GPE", "LOC", "FAC", "TIME", "DATE"})


def is_title_line(toks: list[Tok], lo: int, hi: int, longest: int = 25) -> bool:
    """A short line of its own with no closing punctuation: a headline or a caption ("Teen shot in
    Englewood", "4 dead, 10 wounded in weekend shootings"). It sums up the story told below it."""
    whole_line = (lo == 0 or toks[lo].line_start) and (hi == len(toks) or toks[hi].line_start)
    last = toks[hi - 1].lower
    # ("about 10 p.m." ends with the abbreviation's period)
    return whole_line and hi - lo <= longest and last not in _CLOSING and not (len(last) > 1 and last.endswith("."))


def repair_headline_verbs(toks: list[Tok], lo: int, hi: int) -> None:
    """On a headline line, read participles the tagger took for nouns as verbs: "Six Shot At The Spot",
    "Gunman Shoots 4 People", "5-year-old shot in hand" (data/triggers.yaml `headline_verb_forms`)."""
    if not is_title_line(toks, lo, hi):
        return
    for t in toks[lo:hi]:
        form = lex.HEADLINE_VERB_FORMS.get(t.lower)
        if form is not None and t.pos in {"NOUN", "PROPN"}:
            t.lemma, t.tag = form
            t.pos = "ADJ" if t.tag == "JJ" else "VERB"


def roundup_cue(toks: list[Tok], lo: int, hi: int) -> str | None:
    """The words framing a sentence's counts over several incidents, or None.

    A plural incident noun (data/context.yaml `incident_nouns`: shootings, operations, attacks,
    incidents, ...) counted ("three operations", "several attacks"), said to be separate ("separate
    clearing operations"), or bare after a preposition ("wounded in shootings across the city",
    "during operations in Khost, Kandahar and Nangarhar"); "the shootings" is one event told in full."""
    for k in range(lo, hi):
        if toks[k].lower not in lex.INCIDENT_NOUNS:
            continue
        j = k - 1
        modifiers: list[Tok] = []
        while j >= lo and k - j <= 6 and toks[j].lower not in _FRAME_PREPOSITIONS | _DETERMINERS \
                and (toks[j].pos in {"ADJ", "NOUN", "PROPN", "NUM", "VERB", ""} or toks[j].lower in {"and", "-"}):
            modifiers.append(toks[j])  # "separate clearing and security operations", "Afghan-led operations"
            j -= 1
        words = {t.lower for t in modifiers}
        counted = any(t.pos == "NUM" and t.lower not in {"one", "1"} for t in modifiers) or bool(
            words & lex.SEVERAL_WORDS)
        bare_after_preposition = j >= lo and toks[j].lower in _FRAME_PREPOSITIONS
        if counted or "separate" in words or bare_after_preposition or (j < lo and toks[k].lower != "incidents"):
            return span_text(toks, j + 1 if j >= lo and not bare_after_preposition else max(lo, j), k + 1)
    return None


def scene_cue(toks: list[Tok], lo: int, hi: int) -> str | None:
    """The opening words of a sentence that set a place or time of its own ("In Kandahar province,",
    "Shortly before 8:45 p.m.,", "An hour earlier,"), or "Also," -- else None."""
    if is_title_line(toks, lo, hi):
        return None
    k = lo
    while k < hi and toks[k].lower in {"•", "-", "*", "—", "–"}:
        k += 1
    if k < hi and toks[k].lower == "also" and k + 1 < hi and toks[k + 1].lower == ",":
        return "also"
    comma = next((j for j in range(k, min(hi, k + 10)) if toks[j].lower == ","), None)
    if comma is None or comma == k:
        return None
    opening = toks[k:comma]
    if any(t.pos in {"VERB", "AUX"} and t.tag not in {"VBN", "VBG"} for t in opening):
        return None  # "Police said, ..." is a clause, not a setting
    setting = any(t.ent in _SCENE_ENTITIES and t.lower not in {"year", "old", "-"} for t in opening) or any(
        t.lower in {"earlier", "later"} for t in opening)  # (ages are tagged DATE: "5-year-old")
    if setting and (opening[0].pos in {"ADP", "ADV", "DET", "NUM", ""} or opening[0].ent in {"TIME", "DATE"}
                    or opening[0].lower in {"earlier", "later", "shortly", "about", "around", "just"}):
        return span_text(toks, k, comma)
    return None
