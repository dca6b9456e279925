"""One row per article in a run.

Feed items are de-duplicated by canonical link before fetching, but a page can
still declare (rel=canonical) that it is the same article as another page we
fetched: an http and an https copy, or a syndicated copy whose canonical points
to the original on the same site. The copy that *is* the canonical page wins.
"""

from __future__ import annotations

from typing import Any, Iterable

import apache_beam as beam
from apache_beam.metrics import Metrics


def copy_preference(row: dict[str, Any]) -> tuple:
    """Sort key: the page fetched at its canonical URL first, then the longest text, then the URL."""
    return (row.get("url") != row.get("canonical_url"), -(row.get("word_count") or 0), row.get("url") or "")


def keep_one(copies: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return min(copies, key=copy_preference)


class DedupeArticles(beam.PTransform):
    """Article rows -> one row per article_id."""

    def expand(self, rows):
        dropped = Metrics.counter("extract", "duplicate_articles_dropped")

        def keep(article_id: str, copies: Iterable[dict[str, Any]]) -> dict[str, Any]:
            copies = list(copies)
            if len(copies) > 1:
                dropped.inc(len(copies) - 1)
            return keep_one(copies)

        return (
            rows
            | "KeyByArticleId" >> beam.Map(lambda row: (row["article_id"], row))
            | "GroupByArticleId" >> beam.GroupByKey()
            | "KeepCanonicalCopy" >> beam.MapTuple(keep)
        )
