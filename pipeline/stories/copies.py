"""One row per article in a run.

Feed items are de-duplicated by canonical link before fetching, but a page can
still declare (rel=canonical) that it is the same article as another page we
fetched: an http and an https copy, or a syndicated copy whose canonical points
to the original on the same site. The copy that *is* the canonical page wins.

Both modes choose among small claims of staged rows (`KeepOneCopy`), per
window; whether a finished run already wrote the article is the seen state's
question, asked next (job.py); grouping the copies other outlets carry into
stories comes after (assign.py).
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

import apache_beam as beam


def copy_preference(row: dict[str, Any]) -> tuple:
    """Sort key: the page fetched at its canonical URL first, then the longest text, then the URL."""
    return (row.get("url") != row.get("canonical_url"), -(row.get("word_count") or 0), row.get("url") or "")


DUPLICATES = "duplicates"


def choose_copy(copies: Iterable[Any]) -> Iterator[Any]:
    """One article id's copies (claims or rows) -> the kept copy; the others tagged DUPLICATES."""
    ranked = sorted(copies, key=copy_preference)
    if not ranked:
        return
    kept, *others = ranked
    for other in others:
        yield beam.pvalue.TaggedOutput(DUPLICATES, other)
    yield kept


class KeepOneCopy(beam.PTransform):
    """Article claims (sinks/staging.py) -> one per article_id ('kept') and the other copies ('duplicates').

    Claims are small, so this GroupByKey costs a few hundred bytes per article
    wherever the runner keeps it.
    """

    def expand(self, claims):
        return (
            claims
            | "KeyByArticleId" >> beam.Map(lambda claim: (claim["article_id"], claim))
            | "GroupCopies" >> beam.GroupByKey()
            | "ChooseCopy" >> beam.FlatMapTuple(lambda _article_id, copies: choose_copy(copies)).with_outputs(
                DUPLICATES, main="kept"
            )
        )
