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
    elliptical_subsets,
    figure_anaphora,
    gapped_counts,
    mark_conflicting,
)
from pipeline.enrich.quantities.frames import is_title_line, repair_headline_verbs, roundup_cue, scene_cue
from pipeline.enrich.quantities.tokens import Count, Tok, entity_tuples, sentence_bounds, tokens_of
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
    last_category: str | None = None
    scene: str | None = None  # a change of place or time not yet followed by people counted  # of the last people count: "It rose to 137" in the next sentence
    for lo, hi in sentence_bounds(doc, toks):
        repair_headline_verbs(toks, lo, hi)
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
        background_subsets(toks, resolved)
        elliptical_subsets(toks, resolved)
        scene = scene_cue(toks, lo, hi) or scene
        if any(c.category in PEOPLE for c in resolved):
            frame_counts(toks, lo, hi, resolved, scene)
            scene = None
        last_category = next((c.category for c in reversed(resolved) if c.category in PEOPLE), last_category)
        attribution = attribution_of(toks, lo, hi, sent_ents) if resolved else None
        for c in resolved:
            place = nearest_place(sent_ents, toks[c.start].idx, toks[c.end - 1].end)
            out.append(to_dict(text, toks, c, s_char, e_char, attribution, place))
    return out


def frame_counts(toks: list[Tok], lo: int, hi: int, counts: list[Count], scene: str | None) -> None:
    """Mark the people counts of a headline line, of a round-up sentence, and of the first sentence after a
    change of scene (frames.py), for the rollup."""
    marks = []
    if is_title_line(toks, lo, hi):
        marks.append("headline")
    people = [c for c in counts if c.category in PEOPLE]
    # a sentence naming someone ("captured a Taliban leader and a facilitator ... during operations") tells an
    # incident in full, not a round-up of several
    named = any(c.implicit and toks[c.start].lower in {"a", "an"} and not c.hypothetical for c in people)
    cue = roundup_cue(toks, lo, hi) if not named else None
    if cue:
        marks += ["roundup", cue]
    if scene:
        marks += ["scene", scene]
    for c in counts:
        if c.category in PEOPLE and not set(c.qualifier) & {"background", "superseded"} and not c.negated:
            c.qualifier.extend(marks)
