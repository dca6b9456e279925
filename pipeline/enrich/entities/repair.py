"""Mentions the model cut in two or missed: split names joined, multi-word names and the
surnames of people named in full found wherever the article uses them again."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pipeline.enrich.entities.mentions import Mention, find_whole_word
from pipeline.enrich.entities.names import person_full_names

# Adjacent label pairs that, separated by one space only, are one name split in
# two by the model: "Islamic"(NORP) "State"(ORG), "Syrian"(NORP) "Democratic
# Forces"(ORG), "Alina"(PERSON) "Romanowski"(PERSON). GPE+ORG and NORP+PERSON
# are left apart: "U.S. Congress", "Ukrainian Oleksandr Syrskyi" are two names.
SPLIT_LABEL_PAIRS = frozenset(
    {("NORP", "ORG"), ("ORG", "ORG"), ("PERSON", "PERSON"), ("NORP", "NORP")}
)


def _is_name_piece(s: str) -> bool:
    return bool(s) and (s[0].isupper() or s[0].isdigit())


def repair_split_names(mentions: Sequence[Mention], text: str) -> list[Mention]:
    """Join adjacent mentions that are one name the model cut in two.

    Two mentions separated by a single space are joined when the joined text is
    a mention elsewhere in the article, or when their labels are a known split
    pair (SPLIT_LABEL_PAIRS). The joined mention takes the label the whole
    form has elsewhere, else the label of its last piece (the head in English).
    """
    whole_labels: dict[str, str] = {}
    for m in mentions:
        whole_labels.setdefault(m.text, m.label)
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if prev is not None and text[prev.end : m.start] == " " and _is_name_piece(m.text) and _is_name_piece(prev.text):
            joined = text[prev.start : m.end]
            if joined in whole_labels or (prev.label, m.label) in SPLIT_LABEL_PAIRS:
                out[-1] = Mention(prev.start, m.end, whole_labels.get(joined, m.label), joined)
                continue
        out.append(m)
    return out


def propagate_names(mentions: Sequence[Mention], text: str) -> list[Mention]:
    """Tag every occurrence of a multi-word name the model found somewhere in the article.

    Where the model cut it ("Islamic"(NORP) + "State" untagged) or missed it,
    the occurrence becomes a mention with the name's label, replacing the
    pieces inside it. Single words are not spread: "Amazon" or "Labour" may
    be a common word elsewhere.
    """
    out = list(mentions)
    names: dict[str, str] = {}
    for m in mentions:
        if " " in m.text:
            names.setdefault(m.text, m.label)
    for name in sorted(names, key=len, reverse=True):
        for s, e in find_whole_word(text, name):
            overlapping = [m for m in out if m.start < e and s < m.end]
            if any(m.start == s and m.end == e for m in overlapping):
                continue
            if all(s <= m.start and m.end <= e for m in overlapping):
                out = [m for m in out if m not in overlapping]
                out.append(Mention(s, e, names[name], name))
    return sorted(out, key=lambda m: (m.start, m.end))


def add_surname_mentions(
    mentions: Sequence[Mention],
    text: str,
    is_proper_noun: Callable[[int, int], bool] | None = None,
) -> list[Mention]:
    """Add the surname of each person named in full wherever the model left it untagged.

    The small model often misses a lone surname ("Mutai, 26, pulled away").
    Only capitalised whole words count, and only where the tagger calls the
    word a proper noun (when `is_proper_noun` is given): "Young" in "Young
    people" is not Mr Young.
    """
    surnames = {words[-1] for _, words in person_full_names(mentions) if len(words[-1]) > 1}
    added = []
    for surname in surnames:
        if not surname[:1].isupper():
            continue
        for s, e in find_whole_word(text, surname):
            if any(m.start < e and s < m.end for m in mentions) or any(a.start == s for a in added):
                continue
            if is_proper_noun is None or is_proper_noun(s, e):
                added.append(Mention(s, e, "PERSON", surname))
    return sorted([*mentions, *added], key=lambda m: (m.start, m.end))
