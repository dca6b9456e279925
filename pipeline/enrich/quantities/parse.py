"""The trigger along dependency arcs (number -> counted noun -> its verb), when the Doc has a parse.

Used before the token rules when the dependency parser ran; the token rules are the fallback."""

from __future__ import annotations

from spacy.tokens import Doc

from pipeline.enrich.quantities import lexicon as lex
from pipeline.enrich.quantities.tokens import Count, Tok
from pipeline.enrich.quantities.triggers import trigger_category


def dep_trigger(doc: Doc, toks: list[Tok], c: Count, index_of: dict[int, int]) -> tuple[int, str] | None:
    """The trigger along dependency arcs: number -> counted noun -> its verb (when the Doc has a parse).

    Returns an index into `toks` (Doc indices are mapped through `index_of`)."""
    found = _dep_trigger_doc(doc, toks, c, index_of)
    if found is None or found[0] not in index_of:
        return None
    return index_of[found[0]], found[1]


def _dep_trigger_doc(doc: Doc, toks: list[Tok], c: Count, index_of: dict[int, int]) -> tuple[int, str] | None:
    tok = doc[toks[c.num_start].i] if c.obj_head == -1 else doc[toks[c.obj_head].i]
    if tok.dep_ in {"nummod", "quantmod", "det"} and tok.head.pos_ in {"NOUN", "PROPN", "PRON"}:
        tok = tok.head
    # "two of the men": the number heads the partitive
    for _ in range(4):  # climb coordination and apposition chains
        if tok.dep_ in {"conj", "appos"}:
            tok = tok.head
        else:
            break
    head = tok.head
    if tok.dep_ in {"dobj", "nsubjpass", "nsubj", "attr", "pobj", "npadvmod", "dep", "ROOT", "oprd"}:
        if tok.dep_ == "pobj" and head.dep_ == "prep":
            # "a toll of 12", "rose to 137", "the arrest of two"
            gov = head.head
            cat = trigger_category(_doc_tok(toks, index_of, gov.i))
            if cat and gov.pos_ == "NOUN":
                return gov.i, cat
            if gov.lemma_ in lex.UPDATE_WORDS or gov.lemma_ in {"stand", "be"}:
                for ch in gov.children:
                    if ch.dep_ in {"nsubj", "nsubjpass"}:
                        cat = trigger_category(_doc_tok(toks, index_of, ch.i))
                        if cat:
                            return ch.i, cat
            return None
        cat = trigger_category(_doc_tok(toks, index_of, head.i))
        if cat and head.pos_ in {"VERB", "AUX", "ADJ"} and tok.dep_ != "pobj":
            if tok.dep_ == "nsubj" and head.pos_ == "VERB" and any(ch.dep_ == "dobj" for ch in head.children):
                return None  # the count is the agent
            return head.i, cat
        if tok.dep_ == "nsubj" and head.lemma_ in {"be", "remain", "go"}:
            for ch in head.children:
                if ch.dep_ in {"acomp", "attr", "oprd"}:
                    cat = trigger_category(_doc_tok(toks, index_of, ch.i))
                    if cat:
                        return ch.i, cat
    if tok.dep_ == "amod" or tok.dep_ == "nmod":
        return None
    return None


def _doc_tok(toks: list[Tok], index_of: dict[int, int], doc_i: int) -> Tok:
    return toks[index_of[doc_i]] if doc_i in index_of else toks[0]
