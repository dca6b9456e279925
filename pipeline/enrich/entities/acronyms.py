"""Acronyms defined in the article ("Islamic State (IS)"): their expansion, and their later uses."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.enrich.entities.lexicon import ACRONYM_STOPWORDS
from pipeline.enrich.entities.mentions import Mention

_ACRONYM_AFTER_RE = re.compile(r"\s?\(\s*([A-Z][A-Z0-9&]{1,7})\s*\)")


def _initials(words: Sequence[str]) -> str:
    """Letters an acronym of `words` may use: first letters, all of an all-caps word."""
    letters = []
    for w in words:
        core = re.sub(r"[^\w]", "", w)
        if not core or core.lower() in ACRONYM_STOPWORDS:
            continue
        letters.append(core if core.isupper() else core[0].upper())
    return "".join(letters)


def acronym_matches(acronym: str, expansion: str) -> bool:
    """True when the acronym's letters are, in order, initials of the expansion's words.

    "IS" ~ "Islamic State", "ISIL" ~ "Islamic State of Iraq and the Levant",
    "UNHCR" ~ "UN High Commissioner for Refugees".
    """
    letters = [c for c in acronym.upper() if c.isalpha()]
    initials = _initials(expansion.replace("-", " ").split())
    if not letters or not initials or letters[0] != initials[0]:
        return False
    it = iter(initials)
    return all(any(c == x for x in it) for c in letters)


_WORD_RE = re.compile(r"[\w'’&.]+")
_MAX_EXPANSION_WORDS = 12


def expansion_span(text: str, end: int, acronym: str) -> tuple[int, int] | None:
    """Where the name an acronym abbreviates starts, for a name ending at `end`.

    Walks back over the words before "(ACRONYM)" (joined by spaces or hyphens,
    small connectors allowed inside) and keeps the start whose initials spell
    the acronym exactly, the longest such; failing that, the nearest whose
    initials contain its letters in order. "Fighters of Islamic State (IS)"
    -> "Islamic State"; "Tehreek-e-Taliban Pakistan (TTP)" -> all four words.
    """
    words = list(_WORD_RE.finditer(text, max(0, end - 200), end))
    if not words or words[-1].end() != end:
        return None
    letters = "".join(c for c in acronym.upper() if c.isalpha())
    starts: list[int] = []
    for k in range(len(words) - 1, max(-1, len(words) - 1 - _MAX_EXPANSION_WORDS), -1):
        w = words[k].group()
        if k < len(words) - 1 and text[words[k].end() : words[k + 1].start()] not in (" ", "-", " - "):
            break
        if w.lower() in ACRONYM_STOPWORDS:  # inside a name, never its start ("The")
            continue
        if not (w[:1].isupper() or w[:1].isdigit()):
            break
        starts.append(words[k].start())
    exact = [s for s in starts if _initials(text[s:end].replace("-", " ").split()) == letters]
    if exact:
        return exact[-1], end
    for s in starts:
        if acronym_matches(acronym, text[s:end]):
            return s, end
    return None


def acronym_definitions(mentions: Sequence[Mention], text: str) -> tuple[dict[str, Mention], list[Mention]]:
    """Acronyms defined in the article, {"IS": Mention("Islamic State", ...)}, and the mentions.

    A definition is a name followed by an all-caps parenthetical, "Islamic State
    (IS)". The acronym's letters mark where the name starts (expansion_span):
    the mentions there are replaced by one mention of the whole name, labelled
    ORG if the model called any piece ORG. Without a fit, an ORG followed by an
    acronym still defines it (wire style, often a foreign-language acronym:
    "Central Anticorruption Bureau (CBA)").
    """
    found: dict[str, Mention] = {}
    out = list(mentions)
    for m in list(out):
        hit = _ACRONYM_AFTER_RE.match(text, m.end)
        if not hit:
            continue
        acronym = hit.group(1)
        if acronym == m.text or acronym in found:
            continue
        span = expansion_span(text, m.end, acronym)
        if span is not None:
            s, e = span
            covered = [x for x in out if x.start < e and s < x.end]
            label = "ORG" if any(x.label == "ORG" for x in covered) else m.label
            found[acronym] = Mention(s, e, label, text[s:e])
            out = sorted([x for x in out if x not in covered] + [found[acronym]], key=lambda x: (x.start, x.end))
        elif m.label == "ORG":
            found[acronym] = m
    return found, out


def _in_shouting(text: str, start: int, end: int) -> bool:
    """True inside an all-caps run (a shouted headline), where "IS" is just a word."""
    before = text[max(0, start - 40) : start].split()
    after = text[end : end + 40].split()
    neighbours = [w.strip(".,;:!?\"'()") for w in (before[-1:] + after[:1])]
    return len(neighbours) > 0 and all(len(w) >= 2 and w.isupper() for w in neighbours)


def add_acronym_mentions(
    mentions: Sequence[Mention], text: str, definitions: dict[str, Mention]
) -> list[Mention]:
    """Add every whole-word use of a defined acronym the model did not tag.

    The small model rarely tags "IS" or "RSF"; once the article has defined
    them, each use is a mention of the defined name, with its label.
    """
    added = []
    for acronym, expansion in definitions.items():
        for hit in re.finditer(rf"(?<![\w.&-]){re.escape(acronym)}(?![\w&-])", text):
            s, e = hit.span()
            if any(m.start < e and s < m.end for m in mentions) or _in_shouting(text, s, e):
                continue
            added.append(Mention(s, e, expansion.label, acronym))
    return sorted([*mentions, *added], key=lambda m: (m.start, m.end))
