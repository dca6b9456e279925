"""The stage's entity step: a Doc's mentions, canonical within the article, none from furniture."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from spacy.tokens import Doc

from pipeline.enrich.entities.acronyms import acronym_definitions, add_acronym_mentions
from pipeline.enrich.entities.mentions import Mention, drop_overlapping, furniture_ranges, mentions_from_doc
from pipeline.enrich.entities.names import canonical_names, lexical_label, majority_labels
from pipeline.enrich.entities.proper_nouns import proper_noun_test
from pipeline.enrich.entities.repair import add_surname_mentions, propagate_names, repair_split_names


def canonicalise(
    mentions: Sequence[Mention],
    text: str,
    exclude: Sequence[tuple[int, int]] = (),
    is_proper_noun: Callable[[int, int], bool] | None = None,
) -> list[dict]:
    """Entity dicts {text, label, start, end, canonical} from raw model mentions."""
    mentions = drop_overlapping(mentions, exclude)
    mentions = repair_split_names(mentions, text)
    mentions = propagate_names(drop_overlapping(mentions, exclude), text)
    definitions, mentions = acronym_definitions(mentions, text)
    mentions = add_acronym_mentions(mentions, text, definitions)
    mentions = add_surname_mentions(mentions, text, is_proper_noun)
    mentions = drop_overlapping(mentions, exclude)
    canonicals, person_matched = canonical_names(mentions, definitions)
    votes = [
        (c, "PERSON" if matched else lexical_label(c, m.label))
        for m, c, matched in zip(mentions, canonicals, person_matched)
    ]
    labels = majority_labels(votes)
    return [
        {"text": m.text, "label": labels[c], "start": m.start, "end": m.end, "canonical": c}
        for m, c in zip(mentions, canonicals)
    ]


def entities_from_doc(
    doc: Doc,
    *,
    byline: str | None = None,
    credits: Iterable[str] | None = None,
    known_words: frozenset[str] = frozenset(),
) -> list[dict]:
    """Canonical entity mentions of a Doc, none from wire furniture, in text order.

    `known_words`: common_words(nlp), to keep ordinary words opening a sentence
    ("Young people") from being taken for a surname; without it every
    capitalised whole-word use of a surname counts.
    """
    text = doc.text  # built from the tokens on each access: once is enough
    exclude = furniture_ranges(text, byline, credits)
    return canonicalise(mentions_from_doc(doc, text=text), text, exclude, proper_noun_test(doc, known_words))
