"""Beam steps that consult and extend the seen state (see store.py for the rules).

The seen keys are joined with the work (CoGroupByKey), not broadcast as a side
input, so a long history costs a shuffle, not memory on every worker.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

import apache_beam as beam
from apache_beam.io.parquetio import ReadAllFromParquet

from pipeline.records import FeedItem
from pipeline.state.store import seen_rows

ALREADY_SEEN = "already_seen"


class ReadSeenKeys(beam.PTransform):
    """Seen-state files -> (url_key, article_id) pairs."""

    def __init__(self, files: Iterable[str]) -> None:
        super().__init__()
        self._files = sorted(files)

    def expand(self, pbegin):
        return (
            pbegin
            | "ListSeenFiles" >> beam.Create(self._files)
            | "ReadSeenFiles" >> ReadAllFromParquet(columns=["url_key", "article_id"])
            | "AsPairs" >> beam.Map(lambda row: (row["url_key"], row["article_id"]))
        )


def _unseen(tagged: tuple[Any, dict[str, list]]) -> Iterator[Any]:
    _key, groups = tagged
    work = list(groups["work"])
    if groups["seen"]:
        for element in work:
            yield beam.pvalue.TaggedOutput(ALREADY_SEEN, element)
    else:
        yield from work


class DropSeen(beam.PTransform):
    """Elements whose key is in the seen state go to 'already_seen'; the rest on.

    `key` maps an element to its join key (a canonical URL or an article id);
    `seen` is a PCollection of such keys.
    """

    def __init__(self, seen, key) -> None:
        super().__init__()
        self._seen = seen
        self._key = key

    def expand(self, work):
        key = self._key
        return (
            {
                "work": work | "KeyWork" >> beam.Map(lambda element: (key(element), element)),
                "seen": self._seen | "KeySeen" >> beam.Map(lambda k: (k, True)),
            }
            | "JoinWithSeen" >> beam.CoGroupByKey()
            | "KeepUnseen" >> beam.FlatMap(_unseen).with_outputs(ALREADY_SEEN, main="unseen")
        )


def item_key(item: FeedItem) -> str:
    from pipeline.extract.urls import canonicalize_url

    return canonicalize_url(item.link)


def article_url_keys(article: dict[str, Any]) -> list[str]:
    """Every URL key that leads to this article: its canonical URL, the URL
    fetched, and the feed item's link, all canonicalised."""
    from pipeline.extract.urls import canonicalize_url

    keys = [article.get("canonical_url")]
    for url in (article.get("url"), article.get("item_link")):
        if url and url.startswith(("http://", "https://")):
            try:
                keys.append(canonicalize_url(url))
            except ValueError:
                pass
    return [k for k in keys if k]


def seen_rows_of(article: dict[str, Any]) -> list[dict[str, Any]]:
    return seen_rows(article, article_url_keys(article))
