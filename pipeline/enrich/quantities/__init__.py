"""Counts of people (killed, wounded, detained, ...) and every other amount, with bounds.

`extract_quantities(doc, entities)` reads an already-processed spaCy Doc (the one the entity
step made) and returns one QUANTITY dict per numeric expression (pipeline/sinks/schema.py);
`rollup_event_counts(quantities)` gives the article's best estimate of distinct people per
category (EVENT_COUNT dicts). The package, in the order a count is read:

- `tokens`: the Doc's tokens copied into plain Python, and its sentences;
- `numbers`, `reading`: numerals, number words (text2num), vague quantifiers, ranges and the
  qualifiers that become bounds ("at least 3" -> [3, open)); what is not a count (years, dates,
  ages, codes, addresses, scores);
- `people`: counts with no numeral ("a soldier", "he", "no one") and the counted noun phrase;
- `triggers`: the word that decides a count's category (before it, after it, or by context:
  "shot dead" vs "shot in the leg"); `outcomes`: a wound told by its consequence further along the
  clause ("was taken to a hospital", "in critical condition"); `parse`: the same along dependency arcs
  when the Doc has them;
- `context`: negation, hypotheticals, plans, updates, subsets, background and cumulative totals,
  attribution and place;
- `categorise`: puts the above together for one count; `sentence`: how the counts of one sentence
  relate (partitives, "the number was 80", gapped "and another two", conflicting sources);
  `frames`: how a sentence frames its counts in the article (headline line, round-up, change of
  scene); `extract`: the sentence loop;
- `tally`: the same people across sentences ("Four people were shot ... A 26-year-old man ... The
  victim ..." is four people); `rollup`: the article's counts per category (incidents, headlines,
  round-ups, the wounded netted of the killed).

The word lists are data, in `data/*.yaml` (loaded by `lexicon`). The policies the rules follow are
written in the README's Quantities section and in the sentence suite (bench/data/numbers/).
"""

from __future__ import annotations

from pipeline.enrich.quantities.extract import extract_quantities
from pipeline.enrich.quantities.lexicon import PEOPLE_CATEGORIES, QUALIFIERS
from pipeline.enrich.quantities.rollup import rollup_event_counts

__all__ = ["PEOPLE_CATEGORIES", "QUALIFIERS", "extract_quantities", "rollup_event_counts"]
