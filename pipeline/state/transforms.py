"""Beam steps that consult and extend the seen state (see store.py for the rules).

A finished run's seen keys are hashed to 64 bits and combined into one sorted
array per kind (URL keys, article ids), which the steps that drop seen work
read as a side input: 8 bytes per key in every worker. Joining the history's
keys with the work instead (CoGroupByKey) made the local runner, which keeps a
GroupByKey's input in its launcher, hold a million seen keys in ~800 MiB; the
combine's partial arrays still pass through it, for about 190 MiB.

Two distinct keys share a hash with probability about 2^-64 per pair: for a run
of 10^4 new keys against 10^7 seen ones, about 5 in 10^9 that one new article is
taken for seen.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable, Iterator, NamedTuple

import apache_beam as beam
import numpy as np
import pyarrow as pa
from apache_beam.io.parquetio import ReadAllFromParquetBatched

from pipeline.records import FeedItem
from pipeline.state.store import seen_rows

ALREADY_SEEN = "already_seen"


def hash_keys(keys: Iterable[str]) -> np.ndarray:
    """64-bit BLAKE2b of each key (stable across processes and machines, unlike hash())."""
    digests = b"".join(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest() for key in keys)
    return np.frombuffer(digests, dtype="<u8")


class SeenSet:
    """Membership in a set of keys, kept as their sorted unique 64-bit hashes."""

    def __init__(self, hashes: np.ndarray | None = None) -> None:
        self.hashes = np.unique(hashes) if hashes is not None else np.empty(0, dtype="<u8")

    @classmethod
    def of(cls, keys: Iterable[str]) -> "SeenSet":
        return cls(hash_keys(keys))

    def __contains__(self, key: str) -> bool:
        if not len(self.hashes):
            return False
        wanted = hash_keys([key])[0]
        at = int(np.searchsorted(self.hashes, wanted))
        return at < len(self.hashes) and self.hashes[at] == wanted

    def __len__(self) -> int:
        return len(self.hashes)


class CombineSeenSet(beam.CombineFn):
    """Arrays of key hashes -> one SeenSet."""

    def create_accumulator(self) -> list[np.ndarray]:
        return []

    def add_input(self, accumulator: list[np.ndarray], hashes: np.ndarray) -> list[np.ndarray]:
        accumulator.append(hashes)
        return accumulator

    def merge_accumulators(self, accumulators: Iterable[list[np.ndarray]]) -> list[np.ndarray]:
        return [array for accumulator in accumulators for array in accumulator]

    def compact(self, accumulator: list[np.ndarray]) -> list[np.ndarray]:
        return [np.unique(np.concatenate(accumulator))] if len(accumulator) > 1 else accumulator

    def extract_output(self, accumulator: list[np.ndarray]) -> SeenSet:
        return SeenSet(np.concatenate(accumulator)) if accumulator else SeenSet()


class SeenSets(NamedTuple):
    """Single-element PCollections: a SeenSet of URL keys and one of article ids."""

    url_keys: Any
    article_ids: Any


def hashed_columns(table: pa.Table, chunk_rows: int = 65_536) -> Iterator[tuple[str, np.ndarray]]:
    for column in ("url_key", "article_id"):
        values = table.column(column)
        for start in range(0, len(values), chunk_rows):  # a bounded list of Python strings at a time
            yield column, hash_keys(values.slice(start, chunk_rows).to_pylist())


class ReadSeenSets(beam.PTransform):
    """Seen-state files -> SeenSets (both empty when there are no files)."""

    def __init__(self, files: Iterable[str]) -> None:
        super().__init__()
        self._files = sorted(files)

    def expand(self, pbegin) -> SeenSets:
        hashed = (
            pbegin
            | "ListSeenFiles" >> beam.Create(self._files)
            | "ReadSeenFiles" >> ReadAllFromParquetBatched(columns=["url_key", "article_id"])
            | "HashKeys" >> beam.FlatMap(hashed_columns)
        )
        return SeenSets(
            url_keys=hashed | "SeenUrlKeys" >> _SeenSetOf("url_key"),
            article_ids=hashed | "SeenArticleIds" >> _SeenSetOf("article_id"),
        )


class _SeenSetOf(beam.PTransform):
    """(column, hashes) pairs -> the SeenSet of one column."""

    def __init__(self, column: str) -> None:
        super().__init__()
        self._column = column

    def expand(self, hashed):
        column = self._column
        return (
            hashed
            | "OfColumn" >> beam.Filter(lambda pair: pair[0] == column)
            | "Hashes" >> beam.Values()
            | "Combine" >> beam.CombineGlobally(CombineSeenSet())
        )


def split_seen(element: Any, key, seen: SeenSet) -> Iterator[Any]:
    if key(element) in seen:
        yield beam.pvalue.TaggedOutput(ALREADY_SEEN, element)
    else:
        yield element


class SeenSplit(NamedTuple):
    """Work split by the seen state: new work, work a finished run already wrote, and
    (streaming only) work let through so recently that it is not tried again yet."""

    unseen: Any
    already_seen: Any
    deferred: Any = None


class DropSeen(beam.PTransform):
    """Elements whose key is in the seen state go to `already_seen`; the rest on (SeenSplit).

    `key` maps an element to its join key (a canonical URL or an article id);
    `seen` is a single-element PCollection holding a SeenSet of such keys.
    """

    def __init__(self, seen, key) -> None:
        super().__init__()
        self._seen = seen
        self._key = key

    def expand(self, work) -> SeenSplit:
        split = work | "KeepUnseen" >> beam.FlatMap(
            split_seen, self._key, seen=beam.pvalue.AsSingleton(self._seen)
        ).with_outputs(ALREADY_SEEN, main="unseen")
        return SeenSplit(split.unseen, split[ALREADY_SEEN])


class SnapshotSeen:
    """The batch job's seen state: what finished runs wrote, read once as the run
    starts (the run lock keeps it true for the whole run), as side inputs."""

    def __init__(self, sets: SeenSets) -> None:
        self._sets = sets

    def drop(self, kind: str, key) -> beam.PTransform:
        """A step splitting work by `kind` ("url_key" or "article_id") of the seen state."""
        return DropSeen(self._sets.url_keys if kind == "url_key" else self._sets.article_ids, key)


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
