"""What happened to people named without an event verb next to them, read further along their clause.

Local reports tell a wound by its consequence as often as by a verb: "A 5-year-old boy was taken to a
hospital after being shot in the hand", "found a 37-year-old woman with a gunshot wound to the torso",
"A 12-year-old boy remained in critical condition", "arrived at Calais Regional Hospital with a gunshot
wound", "lands four men in hospital". When no trigger stands next to a count (triggers.py), its clause
is read for, in this order:

- an adjunct telling what was done to the subject: "after being shot", "after getting hit";
- a wound it carries: "with a gunshot wound", "with gunshot wounds to the leg", "with injuries";
- a hospital condition: "in critical condition", "listed in stable condition";
- being carried to or arriving at a hospital: "was taken to a hospital", "was rushed to Stroger
  Hospital", "arrived at ... Medical Center", "in hospital".

The last three say the person was hurt but not whether they lived: the count is `wounded` and marked
`shot`, so the rollup nets out those the article counts as killed (data/triggers.yaml lists the words).
"""

from __future__ import annotations

from pipeline.enrich.quantities import lexicon as lex
from pipeline.enrich.quantities.people import is_person_word
from pipeline.enrich.quantities.tokens import Count, Tok
from pipeline.enrich.quantities.triggers import trigger_category

_REACH = 16  # tokens of the clause read after the counted phrase


def clause_outcome(toks: list[Tok], c: Count, hi: int) -> tuple[int, str, bool] | None:
    """(index of the cue, category, outcome uncertain) for the count's clause, or None."""
    if c.start > 0 and toks[c.start - 1].lower == "by":
        return None  # "driven by a family member to the hospital": the one who drove
    start = c.obj_end if c.obj_head != -1 else c.end
    end = min(hi, start + _REACH)
    for k in range(start, end):
        t = toks[k]
        if t.lower in {";", ":", '"', "\u201c", "\u201d"} or t.lemma in lex.REPORTING_LEMMAS and t.pos == "VERB":
            return None
        if t.pos == "PRON" and t.lower not in lex.REFLEXIVES | {"his", "her", "their"} or (
                k > start + 1 and t.pos == "NOUN" and is_person_word(t) and t.tag in {"NN", "NNS"}):
            return None  # someone else's clause begins ("... when he", "drove the victim to")
        if t.lower in lex.ADJUNCT_CONJUNCTIONS and k + 1 < end and toks[k + 1].lower in {"being", "getting"}:
            j = k + 2
            while j < end and toks[j].tag in {"RB", "RBR"}:
                j += 1
            if j < end and toks[j].tag == "VBN" and (toks[j].cat or trigger_category(toks[j])):
                return j, toks[j].cat or trigger_category(toks[j]) or "wounded", False  # "after being shot"
        if t.lower == "with" and _wound_after(toks, k + 1, end):
            return k, "wounded", True
        if t.lower == "condition" and k >= 2 and toks[k - 1].lower in lex.HOSPITAL_CONDITIONS \
                and toks[k - 2].lower in {"in", "critical", "serious", "stable", "fair", "good", "grave", ","}:
            return k, "wounded", True
        if t.lower in lex.HOSPITAL_WORDS and _carried_to(toks, start, k):
            return k, "wounded", True
    return None


def _wound_after(toks: list[Tok], j: int, end: int) -> bool:
    """'with a gunshot wound', 'with gunshot wounds to the leg', 'with multiple stab wounds', 'with injuries'."""
    for k in range(j, min(end, j + 5)):
        if toks[k].lower in {"wound", "wounds", "injuries", "injury"}:
            return not any(x.lower in {"no", "minor"} and k - j < 2 for x in toks[j:k]) or toks[k].lower in {
                "wound", "wounds"}
        if toks[k].pos not in {"DET", "NUM", "ADJ", "NOUN", "ADV"} and toks[k].lower != "-":
            return False
    return False


def _carried_to(toks: list[Tok], start: int, k: int) -> bool:
    """The hospital word at k ends 'was taken to (a) hospital', 'rushed to Stroger Hospital', 'arrived at ...
    Medical Center', 'lands four men in hospital' (a verb moving the counted person there)."""
    window = toks[max(start, k - 8):k]
    if k >= 1 and toks[k - 1].lower == "in" or k >= 2 and [t.lower for t in toks[k - 2:k]] == ["in", "the"]:
        return not any(t.lemma in {"work", "be"} and t.pos in {"VERB", "AUX"} for t in window[-3:])  # "in hospital"
    moved = [t for t in window if t.lemma in lex.CARRY_VERBS and t.tag in {"VBN", "VBD"}]
    if not moved:
        return False
    verb = moved[-1]
    after = toks[toks.index(verb) + 1:k]
    reach = {t.lower for t in after}
    return bool(reach & {"to", "at"}) and (verb.tag == "VBN" or verb.lemma in lex.ARRIVE_VERBS)
