"""Is a capitalised word a name here? The tagger's answer, and English's common words.

Used to tell a surname opening a sentence ("Okonjo later said") from a word that
happens to be one ("Young people").
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc


def common_words(nlp: Language) -> frozenset[str]:
    """Lower-case English words from the pipeline's lemmatizer tables (WordNet's index).

    Used to tell a surname opening a sentence ("Okonjo later said") from a
    word that happens to be one ("Young people"). Empty without a lemmatizer.
    """
    if "lemmatizer" not in nlp.component_names:
        return frozenset()
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return frozenset()
    index = lookups.get_table("lemma_index")
    return frozenset(w for pos in ("noun", "verb", "adj", "adv") for w in (index.get(pos) or ()))


_SENTENCE_OPENERS = frozenset({".", "!", "?", '"', "“", "(", ":", "-", "—"})


def proper_noun_test(doc: Doc, known_words: frozenset[str] = frozenset()) -> Callable[[int, int], bool]:
    """A check "is text[s:e] one token that is a name here?".

    Capitalised inside a sentence: yes. Opening a sentence (capitalised anyway):
    only if the tagger says proper noun or the word is not an English word.
    """
    has_sents = doc.has_annotation("SENT_START") or doc.has_annotation("DEP")
    has_tags = doc.has_annotation("TAG")

    def is_proper_noun(s: int, e: int) -> bool:
        span = doc.char_span(s, e)
        if span is None or len(span) != 1:
            return False
        tok = span[0]
        prev = doc[tok.i - 1] if tok.i > 0 else None
        opens_sentence = (
            prev is None
            or bool(has_sents and tok.is_sent_start)
            or "\n" in prev.text_with_ws
            or prev.text in _SENTENCE_OPENERS
        )
        if not opens_sentence:
            return True
        return (has_tags and tok.tag_ in ("NNP", "NNPS")) or tok.lower_ not in known_words

    return is_proper_noun
