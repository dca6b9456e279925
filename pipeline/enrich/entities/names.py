"""Canonical names within one article: short forms of people mapped to the full name,
acronyms to their expansion, and one label per name by majority."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pipeline.enrich.entities.lexicon import EVENT_FIRST_WORDS, EVENT_LAST_WORDS, PERSON_TITLES
from pipeline.enrich.entities.mentions import POSSESSIVE_RE, Mention


def name_words(name: str) -> list[str]:
    """Words of a name without leading titles ("Dr. Alina Romanowski" -> [Alina, Romanowski])."""
    words = name.split()
    while len(words) > 1 and words[0].rstrip(".").lower() in PERSON_TITLES:
        words = words[1:]
    return words


def normalise_name(name: str, label: str) -> str:
    """The written form used as canonical: single spaces, no possessive, no title for people."""
    name = POSSESSIVE_RE.sub("", " ".join(name.split()))
    if label == "PERSON":
        name = " ".join(name_words(name))
    return name


def is_short_form(short: Sequence[str], full: Sequence[str], *, first_name_ok: bool = True) -> bool:
    """True when `short` names the same person as the longer `full` name.

    The surname alone, the first name alone (if `first_name_ok`), or the words
    of `full` in order ending with the surname ("Alina Romanowski" for
    "Alina M. Romanowski").
    """
    if not short or len(short) >= len(full):
        return False
    if not all(w[:1].isupper() for w in short):
        return False
    if len(short) == 1:
        return short[0] == full[-1] or (first_name_ok and short[0] == full[0])
    if short[-1] != full[-1]:
        return False
    it = iter(full)
    return all(any(w == x for x in it) for w in short)


def person_full_names(mentions: Sequence[Mention]) -> list[tuple[int, list[str]]]:
    """(start, words) of every PERSON mention naming someone with two words or more."""
    out = []
    for m in mentions:
        if m.label == "PERSON":
            words = name_words(normalise_name(m.text, "PERSON"))
            if len(words) >= 2:
                out.append((m.start, words))
    return out


def resolve_person(
    words: Sequence[str],
    start: int,
    full_names: Sequence[tuple[int, list[str]]],
    *,
    first_name_ok: bool = True,
) -> list[str] | None:
    """The full name a shorter form refers to: the latest one named before it, else the only one named after."""
    earlier = [f for s, f in full_names if s < start and is_short_form(words, f, first_name_ok=first_name_ok)]
    if earlier:
        return earlier[-1]
    later = {tuple(f) for s, f in full_names if s > start and is_short_form(words, f, first_name_ok=first_name_ok)}
    return list(next(iter(later))) if len(later) == 1 else None


def canonical_names(
    mentions: Sequence[Mention], definitions: dict[str, Mention]
) -> tuple[list[str], list[bool]]:
    """Canonical name of each mention, and whether it was matched to a full PERSON name.

    Persons named in full earlier win over the model's label for a short form;
    acronyms map to the canonical of their expansion.
    """
    full_names = person_full_names(mentions)
    canonicals: list[str] = []
    person_matched: list[bool] = []
    by_span: dict[tuple[int, int], str] = {}
    for m in mentions:
        words = name_words(normalise_name(m.text, "PERSON"))
        # a lone first name is a person only if the model thought so ("Jordan" the country)
        full = (
            resolve_person(words, m.start, full_names, first_name_ok=m.label == "PERSON")
            if m.text not in definitions
            else None
        )
        if full is not None:
            # the full name may itself be a short form of a longer one named earlier
            longer = resolve_person(full, m.start, full_names)
            canonical, matched = " ".join(longer or full), True
        elif m.text in definitions:
            d = definitions[m.text]
            canonical, matched = by_span.get((d.start, d.end), normalise_name(d.text, d.label)), False
        else:
            canonical, matched = normalise_name(m.text, m.label), False
            if m.label == "PERSON":
                longer = resolve_person(name_words(canonical), m.start, full_names)
                canonical = " ".join(longer) if longer else canonical
        by_span[(m.start, m.end)] = canonical
        canonicals.append(canonical)
        person_matched.append(matched)
    return canonicals, person_matched


def majority_labels(votes: Sequence[tuple[str, str]]) -> dict[str, str]:
    """{canonical: label} by majority over (canonical, label) votes; ties go to the earliest vote."""
    counts: dict[str, Counter[str]] = {}
    first_seen: dict[tuple[str, str], int] = {}
    for i, (canonical, label) in enumerate(votes):
        counts.setdefault(canonical, Counter())[label] += 1
        first_seen.setdefault((canonical, label), i)
    return {
        c: max(cnt, key=lambda label: (cnt[label], -first_seen[(c, label)])) for c, cnt in counts.items()
    }


def lexical_label(name: str, label: str) -> str:
    """EVENT for storms and contests by their telltale word, else the model's label."""
    words = name.split()
    if len(words) >= 2 and (words[0] in EVENT_FIRST_WORDS or words[-1] in EVENT_LAST_WORDS):
        return "EVENT"
    return label
