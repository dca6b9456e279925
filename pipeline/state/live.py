"""The streaming job's seen state: the same store batch runs use, read as it grows.

A streaming job runs for weeks, so what finished windows wrote cannot be a
snapshot taken at launch (batch's side inputs). Each worker keeps the hashes
of finished runs' seen keys (a SeenSet per kind, 8 bytes a key) and, once per
new window, reads the seen files of runs that finished since. The store is
the only memory of what was written: a page that failed is not in it, so the
next window tries it again, as the next scheduled batch run would; and a
batch run on the same output honours what streaming wrote (and the reverse).

A window's files reach the store only when its manifest is written, some time
after the next window has started polling. So that an item in flight is not
fetched twice meanwhile, `Lease` lets a key through at most once per
`lease_seconds` of event time (keyed state in the global window; an
event-time timer drops the key when its lease ends, so state holds only
recent keys). The lease is also how long a failed page waits before it is
tried again.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Iterator, Tuple

import apache_beam as beam
import numpy as np
import pyarrow.parquet as pq
from apache_beam.coders import VarIntCoder
from apache_beam.io.filesystems import FileSystems
from apache_beam.transforms import window as beam_window
from apache_beam.transforms.timeutil import TimeDomain
from apache_beam.transforms.userstate import ReadModifyWriteStateSpec, TimerSpec, on_timer
from apache_beam.utils import shared
from apache_beam.utils.timestamp import Duration

from pipeline.state.store import finished_run_ids, match_files, run_id_of, seen_folder
from pipeline.state.transforms import ALREADY_SEEN, REVISION, SEEN_COLUMNS, URL_KEY, SeenSet, SeenSplit, hashed_columns

DEFERRED = "deferred"
KINDS = (URL_KEY, REVISION)


class StoreSeenView:
    """Seen keys of every finished run in one store, refreshed on demand (thread-safe)."""

    def __init__(self, output: str, root: str) -> None:
        self._output = output
        self._root = root
        self._lock = threading.Lock()
        self._files_read: set[str] = set()
        self._sets = {kind: SeenSet() for kind in KINDS}
        self._refreshed_for: Any = None

    def refresh(self) -> int:
        """Read the seen files of runs finished since the last refresh; returns how many."""
        finished = finished_run_ids(self._output)
        files = [
            path for path in match_files(FileSystems.join(seen_folder(self._root), "date=*", "*.parquet"))
            if path not in self._files_read and run_id_of(path) in finished
        ]
        if not files:
            return 0
        new = {kind: [self._sets[kind].hashes] for kind in KINDS}
        for path in files:
            with FileSystems.open(path) as source:
                table = pq.read_table(source, columns=SEEN_COLUMNS)
            for kind, hashes in hashed_columns(table):
                new[kind].append(hashes)
        self._sets = {kind: SeenSet(np.concatenate(arrays)) for kind, arrays in new.items()}
        self._files_read.update(files)
        return len(files)

    def as_of(self, window: beam_window.BoundedWindow) -> dict[str, SeenSet]:
        """The seen sets, refreshed once for each newer window this worker meets."""
        with self._lock:
            if self._refreshed_for is None or window.end > self._refreshed_for:
                self.refresh()
                self._refreshed_for = window.end
            return self._sets


_VIEWS = shared.Shared()  # one view per store per worker process, shared by its threads


class DropWrittenFn(beam.DoFn):
    """Work whose key a finished run wrote -> 'already_seen'; the rest on."""

    def __init__(self, output: str, root: str, kind: str, key: Callable[[Any], str], job: str = "") -> None:
        self._output, self._root, self._kind, self._key, self._job = output, root, kind, key, job
        self._view: StoreSeenView | None = None

    def setup(self) -> None:
        output, root = self._output, self._root
        # Tagged with the job: a view never outlives it (a worker process may serve another job).
        self._view = _VIEWS.acquire(lambda: StoreSeenView(output, root), tag=f"{self._job}|{output}|{root}")

    def process(self, element: Any, window=beam.DoFn.WindowParam) -> Iterator[Any]:
        if self._key(element) in self._view.as_of(window)[self._kind]:
            yield beam.pvalue.TaggedOutput(ALREADY_SEEN, element)
        else:
            yield element


class LeaseFn(beam.DoFn):
    """(key, value) -> value, unless the key was let through less than `lease_seconds`
    ago in event time -> 'deferred'. Runs in the global window: a lease outlives windows."""

    LEASED_UNTIL = ReadModifyWriteStateSpec("leased_until_micros", VarIntCoder())
    EXPIRE = TimerSpec("expire", TimeDomain.WATERMARK)

    def __init__(self, lease_seconds: float) -> None:
        self._lease = Duration(seconds=lease_seconds)

    def process(
        self,
        element: tuple[str, Any],
        timestamp=beam.DoFn.TimestampParam,
        leased_until=beam.DoFn.StateParam(LEASED_UNTIL),
        expire=beam.DoFn.TimerParam(EXPIRE),
    ) -> Iterator[Any]:
        _key, value = element
        until = leased_until.read()
        # Decided here, not by when the timer fires. Elements leave the window's GroupByKeys stamped
        # at the window's end, so a lease of one window lets a key through in the very next window.
        if until is not None and timestamp.micros < until:
            yield beam.pvalue.TaggedOutput(DEFERRED, value)
            return
        end = timestamp + self._lease
        leased_until.write(end.micros)
        expire.set(end)
        yield value

    @on_timer(EXPIRE)
    def forget(self, leased_until=beam.DoFn.StateParam(LEASED_UNTIL)) -> Iterator[Any]:
        leased_until.clear()
        return iter(())


class Lease(beam.PTransform):
    """Windowed elements -> those not let through within the lease (main), the rest ('deferred');
    both put back into `windowing`."""

    def __init__(self, key: Callable[[Any], str], lease_seconds: float, windowing: beam_window.WindowFn) -> None:
        super().__init__()
        self._key = key
        self._lease = lease_seconds
        self._windowing = windowing

    def expand(self, elements):
        key = self._key
        leased = (
            elements
            # str keys: a deterministic key coder, as keyed state requires
            | "KeyForLease" >> beam.Map(lambda element: (str(key(element)), element)).with_output_types(
                Tuple[str, Any]
            )
            | "IntoGlobalWindow" >> beam.WindowInto(beam_window.GlobalWindows())
            | "Lease" >> beam.ParDo(LeaseFn(self._lease)).with_outputs(DEFERRED, main="leased")
        )
        return (
            leased.leased | "BackIntoWindows" >> beam.WindowInto(self._windowing),
            leased[DEFERRED] | "DeferredBackIntoWindows" >> beam.WindowInto(self._windowing),
        )


class DropSeenLive(beam.PTransform):
    """Windowed work -> SeenSplit: drops what finished runs wrote, then leases the rest."""

    def __init__(self, output: str, root: str, kind: str, key: Callable[[Any], str], lease_seconds: float,
                 windowing: beam_window.WindowFn, job: str = "") -> None:
        super().__init__()
        self._output, self._root, self._kind, self._key, self._job = output, root, kind, key, job
        self._lease, self._windowing = lease_seconds, windowing

    def expand(self, work) -> SeenSplit:
        split = work | "DropWritten" >> beam.ParDo(
            DropWrittenFn(self._output, self._root, self._kind, self._key, self._job)
        ).with_outputs(ALREADY_SEEN, main="unseen")
        leased, deferred = split.unseen | "LeaseUnseen" >> Lease(self._key, self._lease, self._windowing)
        return SeenSplit(leased, split[ALREADY_SEEN], deferred)


class LiveSeen:
    """The streaming job's seen state (see the module docstring); same `drop` as SnapshotSeen."""

    def __init__(self, output: str, root: str, lease_seconds: float, windowing: beam_window.WindowFn,
                 job: str = "") -> None:
        self._output, self._root, self._job = output, root, job
        self._lease, self._windowing = lease_seconds, windowing

    def drop(self, kind: str, key: Callable[[Any], str]) -> beam.PTransform:
        return DropSeenLive(self._output, self._root, kind, key, self._lease, self._windowing, self._job)
