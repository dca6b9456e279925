"""Per-host fan-out inside one bundle: the engine under FetchPages and PollFeeds.

Both steps receive host queues (host, items) and must work each host's items
one after another (politeness: one request at a time per host) while several
hosts wait on the network at once. `HostFanout` does that for a DoFn:

- at most `concurrency` host queues are worked at once, one thread each; a new
  host starts as soon as another finishes, so the threads span the bundle, not
  one element, and a long queue never leaves the others idle;
- results come back to the bundle's thread through a queue of `buffer` slots,
  so memory holds at most `buffer` results plus one per thread, however long
  the queues are;
- there the DoFn's `emit(result)` turns each into outputs (and counts its
  metrics: Beam drops counts made on other threads), which are re-emitted as
  WindowedValues with the timestamp and window of the element the host queue
  came in (outputs made after process() returned must carry them);
- `drain` (from finish_bundle) waits for the hosts still working;
- if the bundle fails (the generators from `submit`/`drain` are closed or
  raise before the end) the threads are abandoned: each stops after its
  current item, and none blocks on a full queue.

A DoFn's process() is `yield from fanout.submit(items, timestamp, window)`,
its finish_bundle `yield from fanout.drain()`.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any, Callable, Generic, Iterable, Iterator, TypeVar

from apache_beam import pvalue
from apache_beam.utils.windowed_value import WindowedValue

T = TypeVar("T")
R = TypeVar("R")

_log = logging.getLogger(__name__)


class _HostDone:
    """Marks the end of one host's queue in the results queue."""


_HOST_DONE = _HostDone()


def rewindow(output: Any, stamp: tuple[Any, Any]) -> Any:
    """`output` (a value or a TaggedOutput) as a WindowedValue with the element's (timestamp, window):
    outputs made after process() returned, or in finish_bundle, must carry them explicitly."""
    timestamp, window = stamp
    if isinstance(output, pvalue.TaggedOutput):
        return pvalue.TaggedOutput(output.tag, WindowedValue(output.value, timestamp, (window,)))
    return WindowedValue(output, timestamp, (window,))


class HostFanout(Generic[T, R]):
    """Works host queues on up to `concurrency` threads, each queue's items in order on one thread.

    `work(item)` makes one result, on a fan-out thread; if it raises,
    `on_error(item, error)` makes the result instead, and the host's queue goes
    on. `emit(result)` makes the result's outputs (values or TaggedOutputs) on
    the bundle's thread. One instance per bundle: make it in start_bundle.
    """

    def __init__(
        self,
        work: Callable[[T], R],
        on_error: Callable[[T, Exception], R],
        emit: Callable[[R], Iterable[Any]],
        concurrency: int,
        buffer: int | None = None,
        *,
        thread_name: str = "wirebeam-fanout",
    ) -> None:
        self._work_one = work
        self._on_error = on_error
        self._emit = emit
        self._concurrency = max(1, concurrency)
        # A few results per thread: enough to keep the consumer (fused after the DoFn) busy, few enough to bound memory.
        self._results: queue.Queue = queue.Queue(maxsize=max(1, buffer or 2 * self._concurrency))
        self._thread_name = thread_name
        self._active = 0  # host queues started and not yet done; only the bundle's thread touches it
        self._abandoned = threading.Event()

    @property
    def abandoned(self) -> bool:
        return self._abandoned.is_set()

    @property
    def active(self) -> int:
        return self._active

    def waiting(self) -> int:
        """Results (and end-of-host marks) handed over and not yet taken."""
        return self._results.qsize()

    def submit(self, items: Iterable[T], timestamp: Any, window: Any) -> Iterator[Any]:
        """Start working one host's `items`, from the element at (`timestamp`, `window`);
        yields the outputs of the results (of any host) that are ready.

        While all threads are busy it first passes results on until a host is
        done. `items` is read here, on the bundle's thread (a grouped iterable
        may read through the runner's state channel, which other threads must not use).
        """
        return self._guarded(self._submit(items, (timestamp, window)))

    def drain(self) -> Iterator[Any]:
        """Yield the outputs of every remaining result, waiting for the hosts still working (finish_bundle)."""
        return self._guarded(self._drain())

    def abandon(self) -> None:
        """Let the threads go: each stops after its current item and no longer waits to hand results over."""
        self._abandoned.set()

    # ---------------------------------------------------------------- the bundle's thread

    def _guarded(self, outputs: Iterator[Any]) -> Iterator[Any]:
        completed = False
        try:
            yield from outputs
            completed = True
        finally:
            if not completed:  # closed or failed mid-way: the bundle failed
                self.abandon()

    def _submit(self, items: Iterable[T], stamp: tuple[Any, Any]) -> Iterator[Any]:
        while self._active >= self._concurrency:
            yield from self._next(block=True)
        host_items = list(items)
        thread = threading.Thread(target=self._run_host, args=(host_items, stamp), name=self._thread_name, daemon=True)
        self._active += 1
        thread.start()
        while not self._results.empty():
            yield from self._next(block=False)

    def _drain(self) -> Iterator[Any]:
        while self._active:
            yield from self._next(block=True)

    def _next(self, block: bool) -> Iterator[Any]:
        """The outputs of the next result, if any (waiting for one if `block`); counts hosts done."""
        try:
            result, stamp = self._results.get(block=block)
        except queue.Empty:
            return
        if result is _HOST_DONE:
            self._active -= 1
            return
        for output in self._emit(result):
            yield rewindow(output, stamp)

    # ---------------------------------------------------------------- the host's thread

    def _run_host(self, items: list[T], stamp: tuple[Any, Any]) -> None:
        try:
            for item in items:
                if self._abandoned.is_set() or not self._put((self._result_of(item), stamp)):
                    return
        finally:
            self._put((_HOST_DONE, stamp))

    def _result_of(self, item: T) -> R:
        try:
            return self._work_one(item)
        except Exception as error:  # a bug in one item must not lose the rest of the host's queue
            _log.exception("fan-out work failed on %.200r", item)
            return self._on_error(item, error)

    def _put(self, entry: tuple[Any, Any]) -> bool:
        """Hand an entry to the bundle's thread; False once the bundle was abandoned."""
        while not self._abandoned.is_set():
            try:
                self._results.put(entry, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False
