"""Date-partitioned Parquet output: `BASE/date=YYYY-MM-DD/<run_id>-<n>.parquet`.

Why not WriteToParquet / fileio.WriteToFiles: they cannot name files per run
and date without traps (see ../shared/notes/beam.md). Here rows are grouped by
(date, shard) and each group is written by one DoFn call to a hidden temp file
in its partition folder, then renamed. The key decides the file name, so a
retried bundle rewrites the same file instead of adding a second one, and a
second run (another run id) never touches the first run's files. Readers skip
hidden files ('.'-prefixed), so a half-written file is never visible.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from pipeline.sinks.windows import output_run_id

ROWS_PER_BATCH = 500  # rows converted to Arrow at a time: bounds memory per file


@dataclass(frozen=True)
class WrittenFile:
    """A file this run wrote, for the run manifest."""

    kind: str  # articles | dead_letters
    path: str
    partition: str  # date=YYYY-MM-DD
    rows: int


def partition_date(value: datetime | None) -> str:
    """The `date=` partition of a timestamp, in UTC."""
    if value is None:
        raise ValueError("a row without a partition timestamp cannot be written")
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d")


def shard_of(key: str, shards: int) -> int:
    """A stable shard for a row key (Python's hash() is salted per process)."""
    if shards <= 1:
        return 0
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def partition_file_path(base: str, date: str, run_id: str, shard: int) -> str:
    return FileSystems.join(base, f"date={date}", f"{run_id}-{shard}.parquet")


def _ensure_folder(path: str) -> None:
    # On the local filesystem a rename does not create missing folders; on
    # object stores folders do not exist and mkdirs is a no-op or "exists".
    try:
        FileSystems.mkdirs(path)
    except (IOError, OSError):
        pass


def write_parquet_atomically(path: str, schema: pa.Schema, fill: Callable[[pq.ParquetWriter], int]) -> int:
    """Create `path` atomically: `fill` writes the rows (returning how many) into a hidden
    temp file, which is then renamed; returns the rows written."""
    folder, name = path.rsplit("/", 1)
    _ensure_folder(folder)
    temp_path = FileSystems.join(folder, f".{name}.{uuid.uuid4().hex}.tmp")
    try:
        with FileSystems.create(temp_path) as sink:
            with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
                count = fill(writer)
        if FileSystems.exists(path):
            FileSystems.delete([path])  # a retried attempt of this same (run, date, shard)
        FileSystems.rename([temp_path], [path])
    except BaseException:
        if FileSystems.exists(temp_path):
            FileSystems.delete([temp_path])
        raise
    return count


def write_parquet_file(path: str, rows: Iterable[dict[str, Any]], schema: pa.Schema) -> int:
    """Write rows to `path` atomically (hidden temp file, then rename); returns rows written."""

    def fill(writer: pq.ParquetWriter) -> int:
        count = 0
        for batch in _batched(rows, ROWS_PER_BATCH):
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
        return count

    return write_parquet_atomically(path, schema, fill)


def _batched(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class WritePartitionFileFn(beam.DoFn):
    """Writes one (date, shard) group of rows as one Parquet file, named after
    the run of the group's window (see sinks/windows.py)."""

    def __init__(self, kind: str, base: str, schema: pa.Schema, run_id: str) -> None:
        self._kind = kind
        self._base = base
        self._schema = schema
        self._run_id = run_id
        self._files = Metrics.counter("write", f"{kind}_files")
        self._rows = Metrics.counter("write", f"{kind}_rows")

    def write(self, path: str, rows: Iterable[Any]) -> int:
        return write_parquet_file(path, rows, self._schema)

    def process(
        self, element: tuple[tuple[str, int], Iterable[Any]], window=beam.DoFn.WindowParam
    ) -> Iterator[WrittenFile]:
        (date, shard), rows = element
        path = partition_file_path(self._base, date, output_run_id(self._run_id, window), shard)
        count = self.write(path, rows)
        self._files.inc()
        self._rows.inc(count)
        yield WrittenFile(kind=self._kind, path=path, partition=f"date={date}", rows=count)


class WritePartitionedParquet(beam.PTransform):
    """Rows (dicts of `schema`'s columns) -> one file per date and shard; emits WrittenFile."""

    def __init__(
        self,
        kind: str,
        base: str,
        schema: pa.Schema,
        run_id: str,
        *,
        date_column: str,
        key_column: str,
        shards: int = 1,
    ) -> None:
        super().__init__()
        self._kind = kind
        self._base = base
        self._schema = schema
        self._run_id = run_id
        self._date_column = date_column
        self._key_column = key_column
        self._shards = max(1, shards)

    def expand(self, rows):
        date_column, key_column, shards = self._date_column, self._key_column, self._shards
        return (
            rows
            | "KeyByPartition" >> beam.Map(
                lambda row: ((partition_date(row[date_column]), shard_of(str(row[key_column]), shards)), row)
            )
            | "GroupByPartition" >> beam.GroupByKey()
            | "WriteFiles" >> beam.ParDo(WritePartitionFileFn(self._kind, self._base, self._schema, self._run_id))
        )
