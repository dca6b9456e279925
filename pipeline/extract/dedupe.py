"""One row per article in a run.

Feed items are de-duplicated by canonical link before fetching, but a page can
still declare (rel=canonical) that it is the same article as another page we
fetched: an http and an https copy, or a syndicated copy whose canonical points
to the original on the same site. The copy that *is* the canonical page wins.

Batch jobs choose among small claims of staged rows (`KeepOneCopy`, with the
article ids finished runs wrote as a side input); the streaming job, per
window, among the rows themselves (`DedupeArticles`).
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

import apache_beam as beam

from pipeline.state.transforms import ALREADY_SEEN, SeenSet


def copy_preference(row: dict[str, Any]) -> tuple:
    """Sort key: the page fetched at its canonical URL first, then the longest text, then the URL."""
    return (row.get("url") != row.get("canonical_url"), -(row.get("word_count") or 0), row.get("url") or "")


DUPLICATES = "duplicates"


def choose_copy(copies: Iterable[Any], *, seen: bool = False) -> Iterator[Any]:
    """One article id's copies (claims or rows) -> the kept copy, or the copy
    tagged ALREADY_SEEN when a finished run wrote this article (`seen`); the
    other copies tagged DUPLICATES."""
    ranked = sorted(copies, key=copy_preference)
    if not ranked:
        return
    kept, *others = ranked
    for other in others:
        yield beam.pvalue.TaggedOutput(DUPLICATES, other)
    if seen:
        yield beam.pvalue.TaggedOutput(ALREADY_SEEN, kept)
    else:
        yield kept


def choose_unseen_copy(grouped: tuple[str, Iterable[Any]], seen: SeenSet) -> Iterator[Any]:
    article_id, copies = grouped
    return choose_copy(copies, seen=article_id in seen)


class KeepOneCopy(beam.PTransform):
    """Article claims (sinks/staging.py) -> one per article_id not written by a
    finished run ('kept'); 'already_seen' (one per such article) and
    'duplicates' (the other copies).

    Claims are small, so this GroupByKey costs a few hundred bytes per article
    wherever the runner keeps it. `seen_ids`: a single-element PCollection
    holding the SeenSet of finished runs' article ids (state/transforms.py).
    """

    def __init__(self, seen_ids=None) -> None:
        super().__init__()
        self._seen_ids = seen_ids

    def expand(self, claims):
        seen = self._seen_ids
        if seen is None:
            seen = claims.pipeline | "NoSeenIds" >> beam.Create([SeenSet()])
        return (
            claims
            | "KeyByArticleId" >> beam.Map(lambda claim: (claim["article_id"], claim))
            | "GroupCopies" >> beam.GroupByKey()
            | "ChooseCopy" >> beam.FlatMap(choose_unseen_copy, seen=beam.pvalue.AsSingleton(seen)).with_outputs(
                ALREADY_SEEN, DUPLICATES, main="kept"
            )
        )


class DedupeArticles(beam.PTransform):
    """Article rows -> one row per article_id ('kept'); the other copies ('duplicates')."""

    def expand(self, rows):
        return (
            rows
            | "KeyByArticleId" >> beam.Map(lambda row: (row["article_id"], row))
            | "GroupByArticleId" >> beam.GroupByKey()
            | "KeepCanonicalCopy" >> beam.FlatMap(lambda group: choose_copy(group[1])).with_outputs(
                DUPLICATES, main="kept"
            )
        )
