"""The Doc as the rules see it: plain-Python tokens (`Tok`), a found expression (`Count`), and sentences.

Copying the few token attributes the rules read once into slotted dataclasses makes the scans
cheap; sentences are also cut at line breaks, so a headline never runs into its lede."""

from __future__ import annotations

from dataclasses import dataclass, field
from spacy.tokens import Doc



@dataclass(slots=True)
class Tok:
    """The few token attributes the rules read, copied once into plain Python (fast to scan)."""

    text: str
    lower: str
    lemma: str
    pos: str
    tag: str
    idx: int
    end: int
    ent: str
    is_title: bool
    i: int  # index of the token in the Doc (the list skips whitespace tokens)
    line_start: bool  # a line break ("\n") comes right before it
    cat: str | None = None  # category decided by the token's context ("shot dead"); "" = not a trigger here


@dataclass(slots=True)
class Count:
    """One numeric expression found in a sentence (indices into the `tokens_of` list)."""

    start: int  # first token of the expression, qualifier included
    num_start: int  # first token of the number itself
    end: int  # one past the last token of the number
    value: float | None
    low: float | None
    high: float | None
    approximate: bool
    qualifier: list[str] = field(default_factory=list)
    negated: bool = False
    hypothetical: bool = False
    implicit: bool = False  # "a soldier", "no one": no numeral written
    obj_start: int = -1
    obj_end: int = -1
    obj_head: int = -1
    category: str = "amount"
    trigger: str | None = None
    unit: str | None = None


def tokens_of(doc: Doc) -> list[Tok]:
    """Non-whitespace tokens of the Doc (line separators inside sentences are common in copy)."""
    has_tag = doc.has_annotation("TAG")
    has_lemma = doc.has_annotation("LEMMA")
    out = []
    newline = False
    for t in doc:
        if t.is_space:
            newline = newline or "\n" in t.text
            continue
        out.append(Tok(t.text, t.lower_, t.lemma_.lower() if has_lemma else t.lower_, t.pos_ if has_tag else "",
                        t.tag_ if has_tag else "", t.idx, t.idx + len(t.text), t.ent_type_, t.is_title, t.i,
                        newline or "\n" in (doc[t.i - 1].whitespace_ if t.i else "")))
        newline = False
    return out


def span_text(toks: list[Tok], s: int, e: int) -> str:
    out = ""
    for k in range(s, e):
        if k > s and toks[k].idx > toks[k - 1].end:
            out += " "
        out += toks[k].text
    return out


def sentence_bounds(doc: Doc, toks: list[Tok]) -> list[tuple[int, int]]:
    """Sentences as ranges of `toks`, also cut at line breaks: a headline or dateline line run
    into the first paragraph is not one sentence with it (its toll would add to the lede's)."""
    if not toks:
        return []
    if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
        starts = {s.start for s in doc.sents}
    else:
        starts = {0}
    out: list[tuple[int, int]] = []
    lo = 0
    for k in range(1, len(toks)):
        t = toks[k]
        if t.line_start or t.i in starts or any(j in starts for j in range(toks[k - 1].i + 1, t.i)):
            out.append((lo, k))
            lo = k
    out.append((lo, len(toks)))
    return out


def entity_tuples(doc: Doc, entities: list[dict] | None) -> list[tuple[int, int, str, str]]:
    if entities is not None:
        return sorted((int(e["start"]), int(e["end"]), str(e["label"]), str(e.get("canonical") or e["text"]))
                      for e in entities)
    return [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents]

