"""Named entities of one article, canonical within the article.

spaCy's small English model finds the mentions; the small pure functions here
fix what it gets wrong on wire copy, using only the article itself:

- a surname or shorter form of a PERSON named in full earlier maps to the full
  name ("Romanowski" -> "Alina Romanowski"), whatever label the model gave it;
- an acronym defined in the article ("Islamic State (IS)") maps to its
  expansion, and its later mentions are found even when the model missed them;
- a name the model split into adjacent pieces ("Islamic" NORP + "State" ORG)
  is joined again;
- every mention of one canonical name gets one label, by majority vote;
- nothing comes from wire furniture (byline, dateline, credit lines) should any
  of it still be in the text.

The package, in the order a mention is read:

- `mentions`: the model's spans, trimmed, and the ranges of wire furniture;
- `repair`: names the model split or missed (split pieces joined, multi-word names
  and surnames found again); `acronyms`: acronyms defined in the text and their uses;
- `names`: canonical names (short forms, titles, acronyms) and labels by majority;
- `proper_nouns`: whether a capitalised word opening a sentence is a name;
- `article`: the step put together (`entities_from_doc`); `summary`: one row per entity.

The word lists (titles, directions, event words, acronym connectors) are data, in
`data/words.yaml` (loaded by `lexicon`). Offsets are character offsets into the text
the Doc was made from.
"""

from __future__ import annotations

from pipeline.enrich.entities.article import canonicalise, entities_from_doc
from pipeline.enrich.entities.mentions import ENTITY_LABELS, Mention, mentions_from_doc
from pipeline.enrich.entities.proper_nouns import common_words
from pipeline.enrich.entities.summary import summarize_entities

__all__ = [
    "ENTITY_LABELS",
    "Mention",
    "canonicalise",
    "common_words",
    "entities_from_doc",
    "mentions_from_doc",
    "summarize_entities",
]
