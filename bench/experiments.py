"""What-if switches for the throughput benchmark: proposed changes to stages this
benchmark does not own, applied to one benchmark job only so their effect can be
measured before anyone edits the stage (bench/run_job.py --bench-what-if NAME).

- nlp-batch-8:  EnrichArticles with 8 texts per batch instead of its default.
  spaCy's peak memory grows with the tokens in one nlp.pipe batch (~1.2 GB per
  process for 64 wire stories of ~800 words, ~0.45 GB for 8) while its speed
  does not improve past ~4-8 long texts.
- compact-sink: rows cross the Parquet writer's GroupByKey as zlib-compressed
  pickles, decoded one at a time while the file is written. On the local runner
  a GroupByKey holds its whole input in the launcher process as Python objects:
  ~127 KB per enriched row (entities and quantities are lists of dicts), ~5 KB
  compressed. The same for DedupeArticles and the seen-state join (~10 KB per
  extracted row, ~2.4 KB compressed).
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam


def pack(value: Any) -> bytes:
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(blob: bytes) -> Any:
    return pickle.loads(zlib.decompress(blob))


def unpack_all(blobs: Iterable[bytes]) -> Iterator[Any]:
    for blob in blobs:
        yield unpack(blob)


def _unpacking_write_fn() -> type:
    from pipeline.sinks.parquet import WritePartitionFileFn

    class UnpackingWriteFn(WritePartitionFileFn):
        """Decodes each row only as the writer reaches it (a generator between two
        steps would be consumed by Beam's element-size sampling)."""

        def process(self, element):
            key, blobs = element
            return super().process((key, unpack_all(blobs)))

    UnpackingWriteFn.__module__ = __name__
    UnpackingWriteFn.__qualname__ = "UnpackingWriteFn"
    return UnpackingWriteFn


UnpackingWriteFn = _unpacking_write_fn()


def force_nlp_batch(size: int) -> None:
    import pipeline.enrich.transforms as enrich

    original = enrich.EnrichArticles

    class SizedEnrichArticles(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["batch_size"] = size
            super().__init__(*args, **kwargs)

    enrich.EnrichArticles = SizedEnrichArticles


def compact_sink() -> None:
    from pipeline.sinks import parquet
    from pipeline.sinks.parquet import partition_date, shard_of

    def expand(self, rows):
        date_column, key_column, shards = self._date_column, self._key_column, self._shards
        return (
            rows
            | "KeyByPartition" >> beam.Map(
                lambda row: ((partition_date(row[date_column]), shard_of(str(row[key_column]), shards)), pack(row))
            )
            | "GroupByPartition" >> beam.GroupByKey()
            | "WriteFiles" >> beam.ParDo(UnpackingWriteFn(self._kind, self._base, self._schema, self._run_id))
        )

    parquet.WritePartitionedParquet.expand = expand


def compact_joins() -> None:
    """DedupeArticles and DropSeen with compressed rows across their GroupByKeys."""
    from pipeline.extract import dedupe
    from pipeline.state import transforms as state

    def dedupe_expand(self, rows):
        def keep(_article_id: str, blobs: Iterable[bytes]) -> dict[str, Any]:
            return dedupe.keep_one(list(unpack_all(blobs)))

        return (
            rows
            | "KeyByArticleId" >> beam.Map(lambda row: (row["article_id"], pack(row)))
            | "GroupByArticleId" >> beam.GroupByKey()
            | "KeepCanonicalCopy" >> beam.MapTuple(keep)
        )

    def drop_seen_expand(self, work):
        key = self._key
        return (
            {
                "work": work | "KeyWork" >> beam.Map(lambda element: (key(element), pack(element))),
                "seen": self._seen | "KeySeen" >> beam.Map(lambda k: (k, True)),
            }
            | "JoinWithSeen" >> beam.CoGroupByKey()
            | "Unpack" >> beam.MapTuple(lambda k, groups: (k, {"work": list(unpack_all(groups["work"])),
                                                              "seen": groups["seen"]}))
            | "KeepUnseen" >> beam.FlatMap(state._unseen).with_outputs(state.ALREADY_SEEN, main="unseen")
        )

    dedupe.DedupeArticles.expand = dedupe_expand
    state.DropSeen.expand = drop_seen_expand


WHAT_IFS = {
    "nlp-batch-8": lambda: force_nlp_batch(8),
    "compact-sink": compact_sink,
    "compact-joins": compact_joins,
}


def apply(names: Iterable[str]) -> list[str]:
    applied = []
    for name in names:
        if name not in WHAT_IFS:
            raise SystemExit(f"unknown --bench-what-if {name!r}; known: {', '.join(WHAT_IFS)}")
        WHAT_IFS[name]()
        applied.append(name)
    return applied
