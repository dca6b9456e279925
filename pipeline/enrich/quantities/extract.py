"""`extract_quantities`: the sentence loop that puts the package together."""

from __future__ import annotations

import bisect
from spacy.tokens import Doc

from pipeline.enrich.quantities.categorise import categorise, share_coordinated_triggers, to_dict
from pipeline.enrich.quantities.context import attribution_of, nearest_place
from pipeline.enrich.quantities.people import implicit_counts, object_of
from pipeline.enrich.quantities.reading import between_ranges, find_counts
from pipeline.enrich.quantities.sentence import (
    PEOPLE,
    background_subsets,
    drop_partitive_numbers,
    drop_reflexive_repeats,
    figure_anaphora,
    gapped_counts,
    mark_conflicting,
)
from pipeline.enrich.quantities.tokens import Count, entity_tuples, is_title_line, sentence_bounds, tokens_of
from pipeline.enrich.quantities.triggers import context_triggers


def extract_quantities(doc: Doc, entities: list[dict] | None = None) -> list[dict]:
    """Every numeric expression of `doc` as QUANTITY dicts (see `pipeline.sinks.schema.QUANTITY`)."""
    toks = tokens_of(doc)
    text = doc.text  # Doc.text joins every token: read it once
    all_ents = entity_tuples(doc, entities)
    ent_starts = [e[0] for e in all_ents]
    use_dep = doc.has_annotation("DEP")
    out: list[dict] = []
    index_of = {t.i: k for k, t in enumerate(toks)}
    last_category: str | None = None  # of the last people count: "It rose to 137" in the next sentence
    for lo, hi in sentence_bounds(doc, toks):
        context_triggers(toks, lo, hi)
        counts = between_ranges(toks, find_counts(toks, lo, hi), lo)
        taken = {k for c in counts for k in range(c.start, c.end)}
        implicit = implicit_counts(toks, lo, hi, taken)
        s_char, e_char = toks[lo].idx, toks[hi - 1].end
        first = bisect.bisect_left(ent_starts, s_char)
        last = bisect.bisect_right(ent_starts, e_char, lo=first)
        sent_ents = [e for e in all_ents[first:last] if e[1] <= e_char]
        resolved: list[Count] = []
        for c in sorted(counts + implicit, key=lambda x: x.start):
            object_of(toks, c, hi)
            categorise(doc, toks, c, lo, hi, index_of if use_dep else None)
            if c.implicit and c.category == "amount":
                continue  # "a soldier" with no event is not a quantity
            resolved.append(c)
        share_coordinated_triggers(toks, resolved)
        resolved = drop_reflexive_repeats(toks, drop_partitive_numbers(toks, resolved))
        figure_anaphora(toks, resolved, lo, last_category)
        gapped_counts(toks, resolved)
        mark_conflicting(toks, resolved)
        background_subsets(resolved)
        if resolved and is_title_line(toks, lo, hi):
            for c in resolved:
                c.qualifier.append("headline")
        last_category = next((c.category for c in reversed(resolved) if c.category in PEOPLE), last_category)
        attribution = attribution_of(toks, lo, hi, sent_ents) if resolved else None
        for c in resolved:
            place = nearest_place(sent_ents, toks[c.start].idx, toks[c.end - 1].end)
            out.append(to_dict(text, toks, c, s_char, e_char, attribution, place))
    return out
