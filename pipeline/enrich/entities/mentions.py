"""Entity mentions as the model found them: trimmed spans, and what is wire furniture.

Offsets are character offsets into the text the Doc was made from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

from pipeline.enrich.entities.lexicon import LEADING_NON_NAME_WORDS

# Names of people, organisations, places and events; the numeric labels
# (DATE, CARDINAL, MONEY, ...) are the quantities stage's business.
ENTITY_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "EVENT"})

# A possessive ending: "Reuters'", "Romanowski's".
POSSESSIVE_RE = re.compile(r"(?:['’]s|['’])$")

# Wire furniture that must not produce body entities if it is still in the text
# (the extract stage normally strips it and keeps it as metadata).
_CREDIT_RE = re.compile(
    r"\((?=[^()]*\b(?:[Rr]eporting|[Ww]riting|[Ee]diting|[Cc]ompiled|[Pp]roduced|[Ii]nterview)\s+by\b)[^()]*\)"
)
_BYLINE_LINE_RE = re.compile(r"^[ \t]*By\s+[A-Z][^\n.!?]{0,80}$", re.MULTILINE)
_DATELINE_RE = re.compile(
    r"^[ \t]*[A-Z][A-Z.'\- ]*[A-Z.]"  # BAGHDAD / NEW YORK / ST. LOUIS, opening a line
    r"(?:,\s*[A-Z][A-Za-z.' ]{1,30}?)?"  # , Afghanistan
    r"(?:,?\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)?"  # , March 24
    # "(Reuters) -", "-", or a dated parenthetical "(Jan. 25, 2013)"; an undated one
    # without a dash is body text: "NATO (North Atlantic ...) said"
    r"\s*(?:\([^()\n]{2,40}\)\s*[-—–]+|\([^()\n]{0,30}\d[^()\n]{0,30}\)|[-—–]+)\s",
    re.MULTILINE,
)
_DATELINE_ZONE = 400  # a dateline opens the story: look only at its first lines


@dataclass(frozen=True)
class Mention:
    """One entity mention: text[start:end] with a label."""

    start: int
    end: int
    label: str
    text: str


def trim_mention(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past surrounding space, quotes, a leading "the" and a possessive."""
    while start < end and (text[start].isspace() or text[start] in "\"'“‘(["):
        start += 1
    # "World Health Organization (WHO": the model swallowed the start of an
    # acronym's definition; the name ends where the parenthesis opens.
    paren = text.find("(", start, end)
    if paren > start:
        end = paren
    while end > start and (text[end - 1].isspace() or text[end - 1] in "\"'”’),.;:]"):
        # keep the last dot of an initialism: "U.S."
        if text[end - 1] == "." and end - start >= 2 and text[end - 2].isupper() and "." in text[start : end - 1]:
            break
        end -= 1
    m = POSSESSIVE_RE.search(text, start, end)
    if m and m.start() > start:
        end = m.start()
    # "the United Nations", "The World Food Programme"; but "The Hague" keeps its article
    if (text.startswith("the ", start) or text.startswith("The ", start)) and " " in text[start + 4 : end].strip():
        start += 4
    elif text.startswith("the ", start) and end - start > 4:
        start += 4
    # "west London": a direction is not part of the place's name
    first, _, rest = text[start:end].partition(" ")
    if rest and first in LEADING_NON_NAME_WORDS:
        start += len(first) + 1
    return start, end


def mentions_from_doc(doc: Doc, labels: frozenset[str] = ENTITY_LABELS, text: str | None = None) -> list[Mention]:
    """The model's entity spans with a wanted label, trimmed, in text order.

    `text`: doc.text if the caller has it (spaCy rebuilds it from the tokens on every access).
    """
    text = doc.text if text is None else text
    out = []
    for ent in doc.ents:
        if ent.label_ not in labels:
            continue
        start, end = trim_mention(text, ent.start_char, ent.end_char)
        if end > start:
            out.append(Mention(start, end, ent.label_, text[start:end]))
    return out


def furniture_ranges(
    text: str, byline: str | None = None, credits: Iterable[str] | None = None
) -> list[tuple[int, int]]:
    """Character ranges of wire furniture still present in `text`.

    The byline and credit strings the extract stage kept as metadata, wherever
    they occur, plus credit parentheticals, a "By ..." line and a leading
    dateline, in case extraction left one in.
    """
    ranges: list[tuple[int, int]] = []
    for needle in [byline or "", *(credits or ())]:
        needle = needle.strip()
        if len(needle) >= 4:
            i = text.find(needle)
            while i >= 0:
                ranges.append((i, i + len(needle)))
                i = text.find(needle, i + len(needle))
    for regex in (_CREDIT_RE, _BYLINE_LINE_RE):
        ranges.extend(m.span() for m in regex.finditer(text))
    ranges.extend(m.span() for m in _DATELINE_RE.finditer(text, 0, _DATELINE_ZONE))
    return sorted(ranges)


def drop_overlapping(mentions: Sequence[Mention], ranges: Sequence[tuple[int, int]]) -> list[Mention]:
    """Mentions that overlap none of `ranges`."""
    return [m for m in mentions if not any(m.start < e and s < m.end for s, e in ranges)]


def find_whole_word(text: str, name: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each occurrence of `name` in `text` not inside a longer word."""
    i = text.find(name)
    while i >= 0:
        e = i + len(name)
        before = text[i - 1] if i > 0 else " "
        after = text[e] if e < len(text) else " "
        if not (before.isalnum() or before in "_-") and not (after.isalnum() or after in "_-"):
            yield i, e
        i = text.find(name, i + 1)
