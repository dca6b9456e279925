"""The stories earlier runs recorded, as an index a run matches its new articles against.

Every run records, per article it wrote, its story and its signature in the
state store (`STATE/stories/date=<day recorded>/<run_id>-<n>.parquet`, counted
only once the run's manifest exists, like the seen keys). The step that assigns
stories reads the records of the last `--story-window` days into a `StoryIndex`:
the signatures as one matrix and every LSH band as a sorted array of 64-bit
numbers, so a candidate lookup is a binary search (memory and time for a
million records: bench/stories_history.py, figures in the README).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from pipeline.stories.fingerprint import BODY_PERM, LEAD_PERM, ROWS, Signature, from_bytes
from pipeline.stories.schema import STORY_STATE_SCHEMA

STATE_COLUMNS = tuple(STORY_STATE_SCHEMA.names)


def story_state_folder(root: str) -> str:
    return FileSystems.join(root, "stories")


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, vectorised: spreads a band's values over 64 bits."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def band_matrix(lead: np.ndarray, body: np.ndarray, n_lead: np.ndarray, n_body: np.ndarray) -> np.ndarray:
    """uint64[n, bands]: one number per LSH band (the same bands as fingerprint.band_keys: `ROWS`
    values of the lead, then of the body), for an index lookup by binary search. Equal bands give
    equal numbers; the rare unequal bands that collide only add a candidate, which `same_story`
    checks. An empty text's bands are 0 and never looked up."""
    parts = []
    for offset, values, present in ((0, lead, n_lead), (1000, body, n_body)):
        count = values.shape[1] // ROWS
        banded = values[:, : count * ROWS].astype(np.uint64).reshape(len(values), count, ROWS)
        with np.errstate(over="ignore"):
            h = np.full((len(values), count), np.uint64(0x9E3779B97F4A7C15))
            for r in range(ROWS):
                h = _mix(h ^ banded[:, :, r])
            h = _mix(h ^ (np.arange(count, dtype=np.uint64) + np.uint64(offset)))
        parts.append(np.where((np.asarray(present) > 0)[:, None], h, np.uint64(0)))
    return np.concatenate(parts, axis=1)


def band_hashes(sig: Signature) -> np.ndarray:
    hashes = band_matrix(sig.lead[None, :], sig.body[None, :], np.array([sig.n_lead]), np.array([sig.n_body]))[0]
    return hashes[hashes != 0]


@dataclass
class StoryIndex:
    """Recorded articles: their signatures (rows of `lead`/`body`), stories and reports."""

    records: list[dict[str, Any]] = field(default_factory=list)  # one per recorded article, no signature
    lead: np.ndarray = field(default_factory=lambda: np.empty((0, LEAD_PERM), dtype=np.uint32))
    body: np.ndarray = field(default_factory=lambda: np.empty((0, BODY_PERM), dtype=np.uint32))
    sizes: np.ndarray = field(default_factory=lambda: np.empty((0, 2), dtype=np.int64))
    band_hash: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))  # sorted
    band_row: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint32))  # record of each hash
    by_story: dict[str, list[int]] = field(default_factory=dict)  # story id -> its records

    def __len__(self) -> int:
        return len(self.records)

    def signature(self, row: int) -> Signature:
        return Signature(self.lead[row], self.body[row], int(self.sizes[row, 0]), int(self.sizes[row, 1]))

    def candidates(self, sig: Signature, crowded: int | None = None) -> list[int]:
        """Records sharing at least one band key with `sig` (keys shared by more than `crowded`
        records are boilerplate and ignored)."""
        if not len(self.band_hash):
            return []
        wanted = band_hashes(sig)
        left = np.searchsorted(self.band_hash, wanted, side="left")
        right = np.searchsorted(self.band_hash, wanted, side="right")
        rows = {int(r) for lo, hi in zip(left, right) if crowded is None or hi - lo <= crowded
                for r in self.band_row[lo:hi]}
        return sorted(rows)

    def reports_of(self, story_id: str) -> list[dict[str, Any]]:
        return [self.records[row] for row in self.by_story.get(story_id, ())]


def build_index(rows: Iterable[dict[str, Any]]) -> StoryIndex:
    """Recorded rows (STORY_STATE_SCHEMA) -> StoryIndex; an unreadable signature is skipped."""
    records, signatures = [], []
    for row in rows:
        try:
            sig = from_bytes(row["signature"])
        except (ValueError, TypeError):  # another signature version: it cannot be compared
            continue
        records.append({k: row.get(k) for k in STATE_COLUMNS if k != "signature"})
        signatures.append(sig)
    if not records:
        return StoryIndex()
    lead = np.stack([s.lead for s in signatures])
    body = np.stack([s.body for s in signatures])
    sizes = np.array([(s.n_lead, s.n_body) for s in signatures], dtype=np.int64)
    bands = band_matrix(lead, body, sizes[:, 0], sizes[:, 1])
    band_row = np.repeat(np.arange(len(records), dtype=np.uint32), bands.shape[1])
    band_hash = bands.reshape(-1)
    present = band_hash != 0
    band_hash, band_row = band_hash[present], band_row[present]
    order = np.argsort(band_hash, kind="stable")
    by_story: dict[str, list[int]] = {}
    for row, record in enumerate(records):
        by_story.setdefault(record["story_id"], []).append(row)
    return StoryIndex(records=records, lead=lead, body=body, sizes=sizes,
                      band_hash=band_hash[order], band_row=band_row[order], by_story=by_story)


def window_dates(now: datetime, window: timedelta) -> set[str]:
    """The `date=` partitions a story recorded within `window` before `now` can be in."""
    days = int(window.total_seconds() // 86400) + 1
    today = now.astimezone(timezone.utc).date()
    return {(today - timedelta(days=d)).isoformat() for d in range(days + 1)}


def recorded_files(root: str, finished: set[str], dates: set[str]) -> list[str]:
    """Story-state files of finished runs in the given date partitions."""
    from pipeline.state.store import match_files, run_id_of

    pattern = FileSystems.join(story_state_folder(root), "date=*", "*.parquet")
    return sorted(
        path for path in match_files(pattern)
        if run_id_of(path) in finished and path.rsplit("/", 2)[-2].removeprefix("date=") in dates
    )


def read_records(paths: Sequence[str], since: datetime) -> list[dict[str, Any]]:
    """Rows of the recorded files whose story was first seen at or after `since`."""
    rows: list[dict[str, Any]] = []
    for path in paths:
        with FileSystems.open(path) as source:
            table = pq.read_table(source, schema=STORY_STATE_SCHEMA)
        rows.extend(row for row in table.to_pylist() if row["story_first_seen"] >= since)
    return rows


class StoreStoryView:
    """The story index of one store, read as it grows: once per newer window a worker meets
    (the whole job's one window in batch, so a snapshot as the run starts; each window in streaming)."""

    def __init__(self, output: str, root: str, window: timedelta) -> None:
        self._output, self._root, self._window = output, root, window
        self._lock = threading.Lock()
        self._index = StoryIndex()
        self._refreshed_for: Any = None

    def refresh(self, now: datetime) -> StoryIndex:
        from pipeline.state.store import finished_run_ids

        paths = recorded_files(self._root, finished_run_ids(self._output), window_dates(now, self._window))
        self._index = build_index(read_records(paths, now - self._window))
        return self._index

    def as_of(self, window_end: Any, now: datetime | None = None) -> StoryIndex:
        with self._lock:
            if self._refreshed_for is None or window_end > self._refreshed_for:
                self.refresh(now or datetime.now(timezone.utc))
                self._refreshed_for = window_end
            return self._index


def empty_state_table() -> pa.Table:
    return pa.Table.from_pylist([], schema=STORY_STATE_SCHEMA)
