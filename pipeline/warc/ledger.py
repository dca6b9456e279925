"""Which WARC files finished backfill runs read to the end: `STATE/warc/date=*/<run_id>-<n>.parquet`.

One row per file a run read (to its end, or found not to be WARC), written
with the run's articles, so it counts only once the run's manifest exists
(state/store.py's rules): a killed backfill's rows are moved aside with its
articles, and the next backfill reads those files again. A file that could not
be read (storage or network error) gets no row: it is tried again.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from pipeline.state.store import finished_run_ids, match_files, run_id_of, store_call
from pipeline.warc.records import SKIP_REASONS

LEDGER_KIND = "warc_files"
READ, NOT_WARC = "read", "not_warc"

LEDGER_SCHEMA = pa.schema(
    [
        pa.field("warc_file", pa.string(), nullable=False),
        pa.field("status", pa.string(), nullable=False),  # read | not_warc
        pa.field("records", pa.int64(), nullable=False),
        pa.field("pages", pa.int64(), nullable=False),  # HTML pages kept for extraction
        pa.field("dead_letters", pa.int64(), nullable=False),
        *[pa.field(f"skipped_{reason}", pa.int64(), nullable=False) for reason in SKIP_REASONS],
        pa.field("seconds", pa.float64(), nullable=False),
        pa.field("completed_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
    ],
    metadata={"wirebeam.schema": "warc_files", "wirebeam.schema_version": "1"},
)


def ledger_folder(state_root: str) -> str:
    return FileSystems.join(state_root, "warc")


def ledger_row(warc_file: str, status: str, tally: Counter, seconds: float, run_id: str,
               completed_at: datetime | None = None) -> dict[str, Any]:
    return {
        "warc_file": warc_file,
        "status": status,
        "records": tally["records"],
        "pages": tally["pages"],
        "dead_letters": tally["dead_letters"],
        **{f"skipped_{reason}": tally[f"skipped_{reason}"] for reason in SKIP_REASONS},
        "seconds": round(seconds, 3),
        "completed_at": completed_at or datetime.now(timezone.utc),
        "run_id": run_id,
    }


def ledger_files(state_root: str) -> list[str]:
    return match_files(FileSystems.join(ledger_folder(state_root), "date=*", "*.parquet"))


def read_ledger(paths: list[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in paths:
        table = store_call("read", path, lambda path=path: _read_table(path))
        rows.extend(table.to_pylist())
    return rows


def _read_table(path: str) -> pa.Table:
    with FileSystems.open(path) as source:
        return pq.read_table(source)


def completed_files(output: str, state_root: str) -> set[str]:
    """The WARC files finished runs read (a killed run's rows do not count)."""
    finished = finished_run_ids(output)
    done = [path for path in ledger_files(state_root) if run_id_of(path) in finished]
    return {row["warc_file"] for row in read_ledger(done)}


def run_ledger(state_root: str, run_id: str) -> list[dict[str, Any]]:
    """The rows one run wrote (for its progress line)."""
    return read_ledger([path for path in ledger_files(state_root) if run_id_of(path) == run_id])
