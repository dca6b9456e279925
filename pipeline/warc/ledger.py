"""Which WARC files finished backfill runs read to the end: `STATE/warc/date=*/<run_id>-<n>.parquet`.

One row per split (a whole file, or one byte range of a .warc.gz: sources.py) a
run read to its end (or found not to be WARC); a file is read when all its
splits are, in one run (splits are planned per run). Rows are written
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
from pipeline.warc.sources import WarcSplit

LEDGER_KIND = "warc_files"
READ, NOT_WARC = "read", "not_warc"

LEDGER_SCHEMA = pa.schema(
    [
        pa.field("warc_file", pa.string(), nullable=False),
        pa.field("part", pa.int32(), nullable=False),  # which split of the file: 0 .. parts - 1
        pa.field("parts", pa.int32(), nullable=False),
        pa.field("status", pa.string(), nullable=False),  # read | not_warc
        pa.field("records", pa.int64(), nullable=False),
        pa.field("pages", pa.int64(), nullable=False),  # HTML pages kept for extraction
        pa.field("dead_letters", pa.int64(), nullable=False),
        *[pa.field(f"skipped_{reason}", pa.int64(), nullable=False) for reason in SKIP_REASONS],
        pa.field("seconds", pa.float64(), nullable=False),
        pa.field("completed_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
    ],
    # 2: skipped_no_capture_date (rows of version 1 lack it; nothing reads the skips of earlier runs' rows)
    metadata={"wirebeam.schema": "warc_files", "wirebeam.schema_version": "2"},
)


def ledger_folder(state_root: str) -> str:
    return FileSystems.join(state_root, "warc")


def ledger_row(split: WarcSplit, status: str, tally: Counter, seconds: float, run_id: str,
               completed_at: datetime | None = None) -> dict[str, Any]:
    return {
        "warc_file": split.path,
        "part": split.part,
        "parts": split.parts,
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


def files_read(rows: list[dict[str, Any]]) -> set[str]:
    """Files all of whose splits a run read (or found not to be WARC), from ledger rows."""
    parts: dict[tuple[str, str], set[int]] = {}
    done = set()
    for row in rows:
        if row["status"] == NOT_WARC:
            done.add(row["warc_file"])
        split_set = parts.setdefault((row["run_id"], row["warc_file"]), set())
        split_set.add(row["part"])
        if len(split_set) == row["parts"]:
            done.add(row["warc_file"])
    return done


def completed_files(output: str, state_root: str) -> set[str]:
    """The WARC files finished runs read (a killed run's rows do not count)."""
    finished = finished_run_ids(output)
    return files_read(read_ledger([path for path in ledger_files(state_root) if run_id_of(path) in finished]))


def run_ledger(state_root: str, run_id: str) -> list[dict[str, Any]]:
    """The rows one run wrote (for its progress line)."""
    return read_ledger([path for path in ledger_files(state_root) if run_id_of(path) == run_id])
