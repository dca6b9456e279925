"""Article output in two phases, so no step holds the whole run in memory.

A GroupByKey over whole article rows (one copy per article, not yet written,
grouped by date) is simple, but on the local runner every GroupByKey keeps
its whole input in the launcher: an enriched row is ~130 KB as Python
objects, so memory grew with the corpus. Instead, as Beam's own file sinks do:

1. `StageRowsFn`, fused right after enrichment, streams each bundle's rows
   into hidden temp Parquet files (`OUTPUT/_temporary/<run_id>/...`, one per
   partition date per bundle, a row group every ROWS_PER_GROUP rows) and
   emits one small *claim* per row: where the row is, and the few columns
   that decide whether it is kept.
2. Claims, not rows, cross the GroupByKeys that keep one copy per article
   and drop articles a finished run already wrote (`KeepOneCopy`).
3. `FinalizePartitionFn` streams the kept rows of each (date, shard) from the
   temp files into `articles/date=D/<run_id>-<shard>.parquet` (temp + rename:
   a retry rewrites the same file).
4. The run's temp folder, with the files of failed bundle attempts, is deleted
   before the manifest is written (`delete_staging`); a killed run's is
   deleted by the next run (`remove_stale_staging`).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any, Iterable, Iterator

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from pipeline.sinks.parquet import (
    WritePartitionFileFn,
    _ensure_folder,
    partition_date,
    shard_of,
    write_parquet_atomically,
)
from pipeline.sinks.windows import output_run_id

STAGING_FOLDER = "_temporary"
ROWS_PER_GROUP = 64  # rows buffered per open temp file: bounds a worker's memory, not the run's

# What a claim carries besides its place: the columns that decide which copy of
# an article is kept, those the seen state and the manifest need, and what the
# stories stage matches and merges (its signature, 776 bytes, and a few columns).
CLAIM_COLUMNS = (
    "article_id", "url", "canonical_url", "item_link", "item_updated", "word_count", "content_sha256",
    "published_at", "run_id", "feed_url", "enrichment_status",
    "fetched_at", "source", "title", "language", "event_counts", "story_signature", "story_top_entities",
    "story_place",
)
# Columns decided after staging (on the claim) and written into the final row.
CLAIMED_COLUMNS = ("story_id", "version")


def staging_folder(output: str, run_id: str) -> str:
    return FileSystems.join(output, STAGING_FOLDER, run_id)


def claim_of(row: dict[str, Any], staged_path: str, row_index: int, date: str) -> dict[str, Any]:
    """The small record that stands for a staged row in every decision after staging."""
    claim = {column: row.get(column) for column in CLAIM_COLUMNS}
    claim.update(staged_path=staged_path, row_index=row_index, date=date)
    return claim


class _StagedFile:
    """One open temp Parquet file of one bundle and one partition date."""

    def __init__(self, path: str, schema: pa.Schema) -> None:
        self.path = path
        self._schema = schema
        _ensure_folder(path.rsplit("/", 1)[0])
        self._sink = FileSystems.create(path)
        self._writer = pq.ParquetWriter(self._sink, schema, compression="zstd")
        self._buffer: list[dict[str, Any]] = []
        self.rows = 0

    def add(self, row: dict[str, Any]) -> int:
        """Buffer `row`; returns its index in the file."""
        self._buffer.append(row)
        self.rows += 1
        if len(self._buffer) >= ROWS_PER_GROUP:
            self._flush()
        return self.rows - 1

    def _flush(self) -> None:
        if self._buffer:
            self._writer.write_table(pa.Table.from_pylist(self._buffer, schema=self._schema))
            self._buffer = []

    def close(self) -> None:
        self._flush()
        self._writer.close()
        self._sink.close()


class StageRowsFn(beam.DoFn):
    """Rows -> temp Parquet files of this bundle; emits one claim per row.

    Files go under the temp folder of the run of the row's window
    (`OUTPUT/_temporary/<run id>/<name>/`), so a streaming window's manifest
    can delete its own temp rows without touching a window still going.
    A claim leaves before its file is closed, but nothing reads a staged file
    before the GroupByKey after this step, i.e. after the bundle committed;
    a failed attempt's claims are discarded with its outputs, and its files
    are never read."""

    def __init__(self, output: str, run_id: str, name: str, schema: pa.Schema, date_column: str) -> None:
        self._output = output
        self._run_id = run_id
        self._name = name
        self._schema = schema
        self._date_column = date_column
        self._staged = Metrics.counter("write", "rows_staged")

    def start_bundle(self) -> None:
        self._abandon()
        self._open: dict[tuple[str, str], _StagedFile] = {}

    def process(self, row: dict[str, Any], window=beam.DoFn.WindowParam) -> Iterator[dict[str, Any]]:
        date = partition_date(row[self._date_column])
        folder = FileSystems.join(staging_folder(self._output, output_run_id(self._run_id, window)), self._name)
        staged = self._open.get((folder, date))
        if staged is None:
            path = FileSystems.join(folder, f"date={date}", f"{uuid.uuid4().hex}.parquet")
            staged = self._open[(folder, date)] = _StagedFile(path, self._schema)
        index = staged.add(row)
        self._staged.inc()
        yield claim_of(row, staged.path, index, date)

    def finish_bundle(self) -> None:
        open_files, self._open = self._open, {}
        for staged in open_files.values():
            staged.close()

    def teardown(self) -> None:
        self._abandon()

    def _abandon(self) -> None:
        """Close the files of a bundle that failed (no finish_bundle): nothing will read them."""
        open_files, self._open = getattr(self, "_open", {}), {}
        for staged in open_files.values():
            try:
                staged.close()
            except Exception:  # noqa: BLE001 - a failed attempt's file is garbage either way
                pass


def kept_indices_by_file(claims: Iterable[dict[str, Any]]) -> dict[str, list[int]]:
    """Staged file -> sorted row indices to keep."""
    by_file: dict[str, list[int]] = defaultdict(list)
    for claim in claims:
        by_file[claim["staged_path"]].append(int(claim["row_index"]))
    return {path: sorted(indices) for path, indices in sorted(by_file.items())}


def with_claimed_columns(table: pa.Table, claimed: dict[str, list[Any]]) -> pa.Table:
    """`table` with the columns decided after staging set from the claims (one value per row)."""
    for name, values in claimed.items():
        position = table.schema.get_field_index(name)
        if position >= 0:
            table = table.set_column(position, table.schema.field(position), pa.array(values, table.schema.field(position).type))
    return table


def copy_kept_rows(source_path: str, indices: list[int], writer: pq.ParquetWriter,
                   claimed: dict[int, dict[str, Any]] | None = None) -> int:
    """Append the rows at `indices` of a staged file to `writer`, one row group at a time;
    `claimed`: per index, column values decided after staging (CLAIMED_COLUMNS)."""
    copied, wanted = 0, iter(indices)
    next_index = next(wanted, None)
    with FileSystems.open(source_path) as source:
        staged = pq.ParquetFile(source)
        offset = 0
        for group in range(staged.num_row_groups):
            if next_index is None:
                break
            size = staged.metadata.row_group(group).num_rows
            take = []
            while next_index is not None and next_index < offset + size:
                take.append(next_index - offset)
                next_index = next(wanted, None)
            if take:
                table = staged.read_row_group(group)
                table = table if len(take) == size else table.take(take)
                if claimed:
                    rows = [claimed.get(offset + t, {}) for t in take]
                    table = with_claimed_columns(table, {name: [row.get(name) for row in rows]
                                                         for name in CLAIMED_COLUMNS})
                writer.write_table(table)
                copied += len(take)
            offset += size
    if next_index is not None:
        raise ValueError(f"staged file {source_path} has {offset} rows; a claim points at row {next_index}")
    return copied


def write_partition_from_staged(path: str, claims: Iterable[dict[str, Any]], schema: pa.Schema) -> int:
    """Write the claimed rows to `path` atomically (hidden temp file, then rename); returns rows written."""

    claims = list(claims)
    claimed: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    for claim in claims:
        values = {name: claim[name] for name in CLAIMED_COLUMNS if name in claim}
        if values:
            claimed[claim["staged_path"]][int(claim["row_index"])] = values

    def fill(writer: pq.ParquetWriter) -> int:
        return sum(
            copy_kept_rows(source_path, indices, writer, claimed.get(source_path))
            for source_path, indices in kept_indices_by_file(claims).items()
        )

    return write_parquet_atomically(path, schema, fill)


class FinalizePartitionFn(WritePartitionFileFn):
    """((date, shard), claims) -> the partition file with the claimed rows; emits its WrittenFile."""

    def write(self, path: str, claims: Iterable[dict[str, Any]]) -> int:
        return write_partition_from_staged(path, claims, self._schema)


class StageRows(beam.PTransform):
    """Rows -> claims (their rows wait in temp files of their run's temp folder, under `name`)."""

    def __init__(self, output: str, run_id: str, name: str, schema: pa.Schema, *, date_column: str) -> None:
        super().__init__()
        self._output = output
        self._run_id = run_id
        self._name = name
        self._schema = schema
        self._date_column = date_column

    def expand(self, rows):
        return rows | "StageRows" >> beam.ParDo(
            StageRowsFn(self._output, self._run_id, self._name, self._schema, self._date_column)
        )


class FinalizePartitions(beam.PTransform):
    """Kept claims -> one file per date and shard under `base`; emits WrittenFile."""

    def __init__(self, kind: str, base: str, schema: pa.Schema, run_id: str, *, key_column: str, shards: int = 1):
        super().__init__()
        self._kind = kind
        self._base = base
        self._schema = schema
        self._run_id = run_id
        self._key_column = key_column
        self._shards = max(1, shards)

    def expand(self, claims):
        key_column, shards = self._key_column, self._shards
        return (
            claims
            | "KeyByPartition" >> beam.Map(lambda claim: ((claim["date"], shard_of(str(claim[key_column]), shards)), claim))
            | "GroupByPartition" >> beam.GroupByKey()
            | "WriteFiles" >> beam.ParDo(FinalizePartitionFn(self._kind, self._base, self._schema, self._run_id))
        )


def _delete_tree(folder: str) -> bool:
    # On object stores (gs://) a trailing slash deletes everything under the prefix;
    # locally the folder itself is matched and removed recursively.
    target = folder.rstrip("/") + "/" if "://" in folder else folder.rstrip("/")
    try:
        FileSystems.delete([target])
        return True
    except (IOError, OSError):  # BeamIOError when there is nothing to delete
        return False


def delete_staging(folder: str) -> None:
    """Remove a run's temp folder (its files are copied, or belong to failed attempts);
    leftovers of a failed delete are removed by the next run (remove_stale_staging)."""
    _delete_tree(folder)


STALE_STAGING_SECONDS = 48 * 3600  # a run's temp folder untouched this long belongs to a dead run


def staged_runs(output: str) -> dict[str, float]:
    """Run id -> newest modification time (epoch s) of its staged files."""
    from pipeline.state.store import store_call

    pattern = FileSystems.join(output, STAGING_FOLDER, "*", "*", "date=*", "*.parquet")
    matched = store_call("list", pattern, lambda: FileSystems.match([pattern])[0].metadata_list)
    prefix = FileSystems.join(output, STAGING_FOLDER).rstrip("/") + "/"
    newest: dict[str, float] = {}
    for metadata in matched:
        run_id = metadata.path[len(prefix):].split("/", 1)[0]
        newest[run_id] = max(newest.get(run_id, 0.0), float(metadata.last_updated_in_seconds or 0.0))
    return newest


def stale_staging_runs(
    staged: dict[str, float], *, current_run: str, dead_runs: set[str], now: float,
    max_age: float = STALE_STAGING_SECONDS,
) -> list[str]:
    """Which runs' temp folders to delete: finished or known dead runs, and any untouched for `max_age`;
    never the current run's, nor those of a run that may still be going (another job on this output)."""
    return sorted(
        run_id for run_id, updated in staged.items()
        if run_id != current_run and (run_id in dead_runs or now - updated > max_age)
    )


def remove_stale_staging(output: str, *, current_run: str, dead_runs: set[str], now: float) -> list[str]:
    """Delete the temp folders of runs that will never finish them (call before a run starts)."""
    removed = []
    for run_id in stale_staging_runs(staged_runs(output), current_run=current_run, dead_runs=dead_runs, now=now):
        if _delete_tree(staging_folder(output, run_id)):
            removed.append(run_id)
    return removed
