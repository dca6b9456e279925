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
import pyarrow.compute as pc
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from pipeline.stories.fingerprint import BODY_PERM, LEAD_PERM, ROWS, SIGNATURE_BYTES, SIGNATURE_VERSION, Signature
from pipeline.stories.schema import STORY_STATE_SCHEMA

_TS = pa.timestamp("us", tz="UTC")


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


@dataclass
class StoryIndex:
    """Recorded articles, columnar: their reports (an Arrow table without the signatures), the
    signatures (rows of `lead`/`body`, views on the bytes as read) and the sorted band numbers
    that find candidates. Memory for a million records: see bench/stories_history.py."""

    table: pa.Table = field(default_factory=lambda: _without_signature(STORY_STATE_SCHEMA.empty_table()))
    raw: np.ndarray | None = None  # the serialised signatures lead/body are views on (kept to grow the index)
    lead: np.ndarray = field(default_factory=lambda: np.empty((0, LEAD_PERM), dtype=np.uint32))
    body: np.ndarray = field(default_factory=lambda: np.empty((0, BODY_PERM), dtype=np.uint32))
    sizes: np.ndarray = field(default_factory=lambda: np.empty((0, 2), dtype=np.int64))
    band_hash: np.ndarray = field(default_factory=lambda: np.empty((0, 0), dtype=np.uint64))  # [band] sorted
    band_row: np.ndarray = field(default_factory=lambda: np.empty((0, 0), dtype=np.uint32))  # record of each
    story_names: pa.Array = field(default_factory=lambda: pa.array([], pa.string()))  # code -> story id
    rows_by_code: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))  # records sorted by code
    sorted_codes: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int32))  # codes in that order

    def __len__(self) -> int:
        return self.table.num_rows

    @property
    def story_ids(self) -> list[str]:
        return self.table.column("story_id").to_pylist()

    def signature(self, row: int) -> Signature:
        return Signature(self.lead[row], self.body[row], int(self.sizes[row, 0]), int(self.sizes[row, 1]))

    def story_of(self, row: int) -> tuple[datetime, str]:
        return self.table.column("story_first_seen")[row].as_py(), self.table.column("story_id")[row].as_py()

    def candidates(self, sig: Signature, crowded: int | None = None) -> list[int]:
        """Records sharing at least one band with `sig` (bands shared by more than `crowded`
        records are boilerplate and ignored)."""
        if not self.band_hash.size:
            return []
        wanted = band_matrix(sig.lead[None, :], sig.body[None, :], np.array([sig.n_lead]), np.array([sig.n_body]))[0]
        rows: set[int] = set()
        for band, number in enumerate(wanted):
            if not number:  # an empty lead or text has no bands
                continue
            lo, hi = np.searchsorted(self.band_hash[band], [number, number + np.uint64(1)])
            if crowded is None or hi - lo <= crowded:
                rows.update(int(r) for r in self.band_row[band, lo:hi])
        return sorted(rows)

    def stories_of_articles(self, article_ids: Sequence[str]) -> dict[str, tuple[datetime, str]]:
        """article id -> (first seen, story id) of the recorded articles among `article_ids`
        (a new version of an article stays in its story however much its text changed)."""
        if not len(self) or not article_ids:
            return {}
        rows = pc.indices_nonzero(pc.is_in(self.table.column("article_id"), value_set=pa.array(article_ids, pa.string())))
        return {self.table.column("article_id")[row].as_py(): self.story_of(row) for row in rows.to_pylist()}

    def run_ids(self) -> set[str]:
        """The runs whose records are in the index."""
        return set(pc.unique(self.table.column("run_id")).to_pylist()) if len(self) else set()

    def reports_of(self, story_id: str) -> list[dict[str, Any]]:
        if not len(self.story_names):
            return []
        code = self.story_names.index(story_id).as_py()
        if code < 0:
            return []
        lo, hi = np.searchsorted(self.sorted_codes, [code, code + 1])
        return self.table.take(pa.array(np.sort(self.rows_by_code[lo:hi]))).to_pylist()


@dataclass(frozen=True)
class StackedIndex:
    """Two indexes read as one: the store's, and (streaming) the records of recent windows whose
    runs have not finished writing, so a copy arriving a window later still finds its story."""

    first: StoryIndex
    second: StoryIndex

    def __len__(self) -> int:
        return len(self.first) + len(self.second)

    def _at(self, row: int) -> tuple[StoryIndex, int]:
        return (self.first, row) if row < len(self.first) else (self.second, row - len(self.first))

    def signature(self, row: int) -> Signature:
        index, at = self._at(row)
        return index.signature(at)

    def story_of(self, row: int) -> tuple[datetime, str]:
        index, at = self._at(row)
        return index.story_of(at)

    def candidates(self, sig: Signature, crowded: int | None = None) -> list[int]:
        offset = len(self.first)
        return self.first.candidates(sig, crowded) + [offset + row for row in self.second.candidates(sig, crowded)]

    def stories_of_articles(self, article_ids: Sequence[str]) -> dict[str, tuple[datetime, str]]:
        return {**self.second.stories_of_articles(article_ids), **self.first.stories_of_articles(article_ids)}

    def reports_of(self, story_id: str) -> list[dict[str, Any]]:
        """Each report once: a recent record may already be in the store too."""
        reports = self.first.reports_of(story_id) + self.second.reports_of(story_id)
        return list({(r["article_id"], r["fetched_at"]): r for r in reports}.values())


def _without_signature(table: pa.Table) -> pa.Table:
    return table.drop_columns(["signature"])


def signature_bytes(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """A column of serialised signatures -> (uint8[n usable, SIGNATURE_BYTES], usable), vectorised;
    a view on the bytes as read when every row is usable. `usable` marks the rows of this
    signature version and size (others cannot be compared and are left out)."""
    array = column.combine_chunks() if column.num_chunks else pa.array([], pa.binary())
    if len(array) == 0:
        return np.empty((0, SIGNATURE_BYTES), dtype=np.uint8), np.zeros(0, dtype=bool)
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset:array.offset + len(array) + 1]
    data = np.frombuffer(array.buffers()[2], dtype=np.uint8)
    starts, lengths = offsets[:-1].astype(np.int64), np.diff(offsets)
    usable = lengths == SIGNATURE_BYTES
    usable[usable] = data[starts[usable]] == SIGNATURE_VERSION
    if usable.all():  # the usual case: one contiguous block, no copy
        return data[starts[0]:starts[0] + len(array) * SIGNATURE_BYTES].reshape(-1, SIGNATURE_BYTES), usable
    return data[starts[usable][:, None] + np.arange(SIGNATURE_BYTES)], usable


def split_signatures(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """uint8[n, SIGNATURE_BYTES] -> (lead, body, sizes): hash values as views, not copies."""
    header = 8  # version, reserved, n_lead (u16), n_body (u32): fingerprint.to_bytes
    sizes = np.stack([raw[:, 2].astype(np.int64) | (raw[:, 3].astype(np.int64) << 8),
                      np.ascontiguousarray(raw[:, 4:8]).view("<u4")[:, 0].astype(np.int64)], axis=1)
    return raw[:, header:header + 4 * LEAD_PERM].view("<u4"), raw[:, header + 4 * LEAD_PERM:].view("<u4"), sizes


def parse_signatures(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A column of serialised signatures -> (lead, body, sizes, usable)."""
    raw, usable = signature_bytes(column)
    return (*split_signatures(raw), usable)


BAND_CHUNK = 65_536  # records whose bands are computed at once: bounds the temporaries


def sorted_bands(lead: np.ndarray, body: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per band, the records' band numbers sorted and the record of each: a lookup is one binary
    search per band. Sorting band by band keeps the extra memory to one band's order at a time."""
    n = len(lead)
    per_record = LEAD_PERM // ROWS + BODY_PERM // ROWS
    band_hash = np.empty((per_record, n), dtype=np.uint64)
    for i in range(0, n, BAND_CHUNK):
        band_hash[:, i:i + BAND_CHUNK] = band_matrix(lead[i:i + BAND_CHUNK], body[i:i + BAND_CHUNK],
                                                     sizes[i:i + BAND_CHUNK, 0], sizes[i:i + BAND_CHUNK, 1]).T
    band_row = np.empty((per_record, n), dtype=np.uint32)
    for band in range(per_record):
        order = np.argsort(band_hash[band])
        band_hash[band] = band_hash[band][order]
        band_row[band] = order
    return band_hash, band_row


def index_of_table(table: pa.Table) -> StoryIndex:
    """Recorded rows (STORY_STATE_SCHEMA) -> StoryIndex."""
    raw, usable = signature_bytes(table.column("signature"))
    return index_of_parts(_without_signature(table), *split_signatures(raw), usable, raw=raw)


def index_of_parts(table: pa.Table, lead: np.ndarray, body: np.ndarray, sizes: np.ndarray,
                   usable: np.ndarray, raw: np.ndarray | None = None) -> StoryIndex:
    """Reports (no signature column) and their parsed signatures -> StoryIndex."""
    if not usable.all():
        table = table.filter(pa.array(usable))
    if table.num_rows == 0:
        return StoryIndex()
    band_hash, band_row = sorted_bands(lead, body, sizes)
    encoded = table.column("story_id").combine_chunks().dictionary_encode()
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32)
    rows_by_code = np.argsort(codes, kind="stable")
    return StoryIndex(table=table, raw=raw,
                      lead=lead, body=body, sizes=sizes, band_hash=band_hash, band_row=band_row,
                      story_names=encoded.dictionary,
                      rows_by_code=rows_by_code, sorted_codes=codes[rows_by_code])


def build_index(rows: Iterable[dict[str, Any]]) -> StoryIndex:
    """Recorded rows as dicts -> StoryIndex (tests, small histories)."""
    return index_of_table(pa.Table.from_pylist(list(rows), schema=STORY_STATE_SCHEMA))


def window_dates(now: datetime, window: timedelta) -> set[str]:
    """The `date=` partitions a story recorded within `window` before `now` can be in."""
    days = int(window.total_seconds() // 86400) + 1
    today = now.astimezone(timezone.utc).date()
    return {(today - timedelta(days=d)).isoformat() for d in range(days + 1)}


def recorded_files(root: str, finished: set[str], dates: set[str]) -> list[str]:
    """Story-state files of finished runs in the given date partitions."""
    from pipeline.state.store import match_files, run_id_of

    folder = story_state_folder(root)  # only the window's partitions are listed, however long the history
    return sorted(
        path for date in sorted(dates) for path in match_files(FileSystems.join(folder, f"date={date}", "*.parquet"))
        if run_id_of(path) in finished
    )


def read_index(paths: Sequence[str], since: datetime, kept: StoryIndex | None = None) -> StoryIndex:
    """An index of `kept`'s records still in the window and the records of `paths` (files not
    read before) whose story was first seen at or after `since`. Signatures are copied into one
    block as each file is read (its signature column then dropped), so they are in memory once,
    plus the kept records' while the new block is filled."""
    import pyarrow.compute as pc

    since_scalar = pa.scalar(since, _TS)
    tables, raws = [], []
    if kept is not None and len(kept):
        recent = pc.greater_equal(kept.table.column("story_first_seen"), since_scalar)
        mask = recent.to_numpy(zero_copy_only=False)
        tables.append(kept.table.filter(recent))
        raws.append(kept.raw if mask.all() else kept.raw[mask])
    capacity = sum(len(raw) for raw in raws)
    for path in paths:
        with FileSystems.open(path) as source:
            capacity += pq.ParquetFile(source).metadata.num_rows
    if capacity == 0:
        return StoryIndex()
    block = np.empty((capacity, SIGNATURE_BYTES), dtype=np.uint8)
    filled = 0
    for raw in raws:
        block[filled:filled + len(raw)] = raw
        filled += len(raw)
    del raws
    for path in paths:
        with FileSystems.open(path) as source:
            table = pq.read_table(source, schema=STORY_STATE_SCHEMA)
        recent = pc.greater_equal(table.column("story_first_seen"), since_scalar)
        if not pc.all(recent).as_py():
            table = table.filter(recent)
        raw, usable = signature_bytes(table.column("signature"))
        block[filled:filled + len(raw)] = raw
        filled += len(raw)
        table = _without_signature(table)
        tables.append(table if usable.all() else table.filter(pa.array(usable)))
        del raw
    if not filled:
        return StoryIndex()
    table = pa.concat_tables(tables)
    lead, body, sizes = split_signatures(block[:filled])
    return index_of_parts(table, lead, body, sizes, np.ones(table.num_rows, dtype=bool), raw=block[:filled])


class StoreStoryView:
    """The story index of one store, read as it grows: once per newer window a worker meets
    (the whole job's one window in batch, so a snapshot as the run starts; each window in
    streaming, where only the files not read yet are read and records past the window drop out)."""

    def __init__(self, output: str, root: str, window: timedelta) -> None:
        self._output, self._root, self._window = output, root, window
        self._lock = threading.Lock()
        self._index = StoryIndex()
        self._read: set[str] = set()
        self._refreshed_for: Any = None

    def refresh(self, now: datetime) -> StoryIndex:
        from pipeline.state.store import finished_run_ids

        paths = recorded_files(self._root, finished_run_ids(self._output), window_dates(now, self._window))
        new = [path for path in paths if path not in self._read]
        self._index = read_index(new, now - self._window, kept=self._index)
        self._read = set(paths)  # files that left the window are forgotten with their records
        return self._index

    def as_of(self, window_end: Any, now: datetime | None = None) -> StoryIndex:
        with self._lock:
            if self._refreshed_for is None or window_end > self._refreshed_for:
                self.refresh(now or datetime.now(timezone.utc))
                self._refreshed_for = window_end
            return self._index
