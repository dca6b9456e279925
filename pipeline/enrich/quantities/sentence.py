"""How the counts of one sentence relate to each other, once each has been read on its own.

- a number inside another count's phrase is part of it ("nine members of one family");
- a figure told as "the number", "the total" or "it" ("local leaders said the number was 80",
  "It rose to 137") counts the people the last count was about;
- a gapped count ("three were wounded in the morning, and another two in the afternoon") shares the
  category of the count before it;
- figures of one category set against each other by a contrast or a second source ("activists put
  the toll at 120, while state media said 70") are marked `conflicting`: the rollup keeps their range;
- a subset of a background total ("300,000 refugees, many of whom ...") is background too.
"""

from __future__ import annotations

from pipeline.enrich.quantities import lexicon as lex
from pipeline.enrich.quantities.tokens import Count, Tok

PEOPLE = frozenset(lex.PEOPLE_CATEGORIES)


def drop_partitive_numbers(toks: list[Tok], counts: list[Count]) -> list[Count]:
    """Counts that only qualify another count's noun ("members of one family", "two of three brothers")."""
    heads = {c.obj_head for c in counts if c.obj_head != -1}
    return [c for c in counts if not (c.start >= 2 and toks[c.start - 1].lower == "of" and c.start - 2 in heads)]


def drop_reflexive_repeats(toks: list[Tok], counts: list[Count]) -> list[Count]:
    """'his 5-year-old son shot himself': the son is counted once (the reflexive only when its subject is not)."""
    out: list[Count] = []
    for c in counts:
        reflexive = c.implicit and toks[c.start].lower in lex.REFLEXIVES
        if reflexive and any(x.trigger == c.trigger and x.category == c.category for x in out):
            continue
        out.append(c)
    return out


def figure_anaphora(toks: list[Tok], counts: list[Count], lo: int, last_category: str | None) -> None:
    """'the number was 80', 'raised the number to 14', 'It rose to 137': the people last counted."""
    for k, c in enumerate(counts):
        if c.category != "amount" or c.unit not in (None, "count") or c.obj_head != -1 or c.implicit:
            continue
        before = [t.lower for t in toks[max(lo, c.start - 6):c.start]]
        lemmas = {t.lemma for t in toks[max(lo, c.start - 6):c.start]}
        if not (set(before) & lex.FIGURE_NOUNS or ("it" in before and lemmas & lex.TOLL_VERBS)):
            continue
        earlier = [x.category for x in counts[:k] if x.category in PEOPLE]
        category = earlier[-1] if earlier else last_category
        if category is None:
            continue
        c.category, c.unit = category, None
        c.trigger = next((t.text for t in toks[max(lo, c.start - 6):c.start] if t.lower in lex.FIGURE_NOUNS
                          or t.lower == "it"), None)
        c.qualifier = [w for w in before if w in lex.UPDATE_WORDS] + c.qualifier


def gapped_counts(toks: list[Tok], counts: list[Count]) -> None:
    """'... were wounded in the morning, and another two in the afternoon': no verb of its own."""
    for a, b in zip(counts, counts[1:]):
        if b.category != "amount" or b.unit not in (None, "count") or a.category not in PEOPLE:
            continue
        between = toks[a.end:b.start]
        additive = b.start > 0 and toks[b.start - 1].lower in {"another", "further", "additional"} or \
            b.obj_head != -1 and toks[b.obj_head].lower in {"more", "others"}
        tail = toks[b.end:b.end + 4]
        last_and = max((k for k, t in enumerate(between) if t.lower == "and"), default=-1)
        if additive and last_and != -1 and {t.lower for t in between[last_and:]} <= {"and", ",", "another", "a",
                                                                                     "further"} and not any(
                t.pos in {"VERB", "AUX"} for t in tail[:2]):
            b.category, b.trigger, b.unit = a.category, a.trigger, None
            b.negated, b.hypothetical = a.negated, a.hypothetical
            if "another" not in b.qualifier:
                b.qualifier.append("another")


def mark_conflicting(toks: list[Tok], counts: list[Count]) -> None:
    """Two figures of one category with a contrast or a second source between them: 'conflicting'."""
    for k, b in enumerate(counts):
        if b.category not in PEOPLE or b.negated or b.hypothetical:
            continue
        for a in counts[:k]:
            if a.category != b.category or a.negated or a.hypothetical or a.value == b.value:
                continue
            between = toks[a.end:b.start]
            if any(t.lower in lex.CONTRAST_WORDS for t in between) and any(
                    t.lemma in lex.REPORTING_LEMMAS or t.lower == "put" for t in toks[max(0, a.start - 6):b.end]):
                for c in (a, b):
                    if "conflicting" not in c.qualifier:
                        c.qualifier.append("conflicting")


def background_subsets(toks: list[Tok], counts: list[Count]) -> None:
    """'the camp hosts 300,000 refugees, many of whom ...': part of a background total is background."""
    for k, c in enumerate(counts):
        partitive = c.end + 1 < len(toks) and toks[c.end].lower == "of" and toks[c.end + 1].lower in {"whom", "which"}
        if not (set(c.qualifier) & {"of whom", "of the"} or partitive) or "background" in c.qualifier:
            continue
        before = [x for x in counts[:k] if x.category == c.category or c.category == "amount"]
        if before and "background" in before[-1].qualifier:
            c.category = before[-1].category
            c.qualifier = before[-1].qualifier[:2] + c.qualifier


def elliptical_subsets(toks: list[Tok], counts: list[Count]) -> None:
    """'The shooting injured four people, one seriously': a bare number after a count, told with only an
    adverb, is part of it."""
    for a, b in zip(counts, counts[1:]):
        if b.obj_head != -1 or a.category not in PEOPLE or b.category != a.category or b.start < 1:
            continue
        a_end = a.obj_end if a.obj_head != -1 else a.end
        nxt = toks[b.end] if b.end < len(toks) else None
        if b.start == a_end + 1 and toks[b.start - 1].lower == "," and (
                nxt is None or nxt.pos == "ADV" and nxt.lower not in lex.FATAL_ADVERBS or nxt.lower in {".", ","}
                or nxt.pos == "NUM"):  # ("Two teenagers, one 16 and the other 17": one of them, and an age)
            b.qualifier.append("of the")
