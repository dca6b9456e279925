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
from datetime import datetime, timezone
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
    """Single-element PCollections: a SeenSet of URL keys and one of article revisions."""

    url_keys: Any
    revisions: Any


# The seen state's kinds: URL keys (a feed item already fetched) and article revisions (an
# article already written with this text; new text at the same canonical URL is a new version).
URL_KEY, REVISION = "url_key", "revision"
SEEN_COLUMNS = ["url_key", "article_id", "content_sha256"]


def revision_key(article_id: str, content_sha256: str | None) -> str:
    return f"{article_id}:{content_sha256 or ''}"


def article_revision(article: dict[str, Any]) -> str:
    return revision_key(article["article_id"], article.get("content_sha256"))


def hashed_columns(table: pa.Table, chunk_rows: int = 65_536) -> Iterator[tuple[str, np.ndarray]]:
    """(kind, hashes) of a seen-state table, a bounded list of Python strings at a time."""
    for start in range(0, table.num_rows, chunk_rows):
        chunk = table.slice(start, chunk_rows)
        yield URL_KEY, hash_keys(chunk.column("url_key").to_pylist())
        revisions = map(revision_key, chunk.column("article_id").to_pylist(), chunk.column("content_sha256").to_pylist())
        yield REVISION, hash_keys(revisions)


class ReadSeenSets(beam.PTransform):
    """Seen-state files -> SeenSets (both empty when there are no files)."""

    def __init__(self, files: Iterable[str]) -> None:
        super().__init__()
        self._files = sorted(files)

    def expand(self, pbegin) -> SeenSets:
        hashed = (
            pbegin
            | "ListSeenFiles" >> beam.Create(self._files)
            | "ReadSeenFiles" >> ReadAllFromParquetBatched(columns=SEEN_COLUMNS)
            | "HashKeys" >> beam.FlatMap(hashed_columns)
        )
        return SeenSets(
            url_keys=hashed | "SeenUrlKeys" >> _SeenSetOf(URL_KEY),
            revisions=hashed | "SeenRevisions" >> _SeenSetOf(REVISION),
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
        """A step splitting work by `kind` (URL_KEY or REVISION) of the seen state."""
        return DropSeen(self._sets.url_keys if kind == URL_KEY else self._sets.revisions, key)


def revised_url_key(url_key: str, revised_at: datetime) -> str:
    """The key of one revision of the page at `url_key` (a feed's updated time)."""
    return f"{url_key}#revised={revised_at.astimezone(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}"


def item_key(item: FeedItem) -> str:
    """The seen key of a feed item: its canonical link, and the revision when the feed says the
    article was revised (so a revision is fetched again, once)."""
    key = link_key(item.link)
    return key if item.revised_at is None else revised_url_key(key, item.revised_at)


def link_key(link: str) -> str:
    from pipeline.extract.urls import canonicalize_url

    return canonicalize_url(link)


def article_url_keys(article: dict[str, Any]) -> list[str]:
    """Every URL key that leads to this article: its canonical URL, the URL fetched, and the feed
    item's link, all canonicalised; and the item's revision key when the feed said it was revised."""
    keys = [article.get("canonical_url")]
    for url in (article.get("url"), article.get("item_link")):
        if url and url.startswith(("http://", "https://")):
            try:
                keys.append(link_key(url))
            except ValueError:
                continue
            if url == article.get("item_link") and article.get("item_updated"):
                keys.append(revised_url_key(keys[-1], article["item_updated"]))
    return [k for k in keys if k]


def seen_rows_of(article: dict[str, Any]) -> list[dict[str, Any]]:
    return seen_rows(article, article_url_keys(article))
