"""Beam steps that choose which feed items to fetch and fetch their pages.

Items are grouped by host so that one host's queue is worked by one thread of
one worker: the per-host limits hold across the whole job, not just within a
process. Several hosts are fetched at once, because fetching is waiting.
"""

from __future__ import annotations

import queue
import threading
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import urlsplit

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.utils.windowed_value import WindowedValue

from pipeline.fetch.policy import FetchPolicy
from pipeline.records import DeadLetter, FeedItem, FetchedPage, StageError

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def host_of(url: str) -> str:
    """The politeness key of a URL, as the HTTP client's per-host gate spells it
    (ssrf.Target.host_key): the host, plus the port when it is not 80/443."""
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return ""
    bracketed = f"[{host}]" if ":" in host else host
    return bracketed if port in (None, 80, 443) else f"{bracketed}:{port}"


def item_preference(item: FeedItem) -> tuple:
    """Which copy of an item listed twice to keep: the most complete, then the earliest feed."""
    filled = sum(1 for v in (item.title, item.published, item.summary, item.author, item.guid) if v)
    return (-filled, item.feed_url, item.link)


def newest_first(item: FeedItem) -> tuple:
    return (item.published or _EPOCH, item.link)


def page_from_response(item: FeedItem, response: Any) -> FetchedPage:
    return FetchedPage(
        item=item,
        url=response.url,
        status=response.status,
        content_type=response.headers.get("content-type"),
        body=response.body,
        fetched_at=response.fetched_at,
        attempts=response.attempts,
    )


def page_dead_letter(item: FeedItem, error: StageError) -> DeadLetter:
    return DeadLetter(
        stage="page",
        url=item.link,
        feed_url=item.feed_url,
        error_type=error.error_type,
        message=error.message,
        http_status=error.http_status,
        attempts=error.attempts,
    )


class DedupeItems(beam.PTransform):
    """One item per canonical URL: the same story in two feeds, or with tracking
    parameters, AMP or http/https variants, is fetched once."""

    def expand(self, items):
        from pipeline.extract.urls import canonicalize_url

        return (
            items
            | "KeyByCanonicalUrl" >> beam.Map(lambda item: (canonicalize_url(item.link), item))
            | "GroupByCanonicalUrl" >> beam.GroupByKey()
            | "KeepBestCopy" >> beam.MapTuple(lambda _url, copies: min(copies, key=item_preference))
        )


class LimitItems(beam.PTransform):
    """Keep the N newest items (by feed date), for --max-articles."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self._limit = limit

    def expand(self, items):
        return (
            items
            | "TopNewest" >> beam.combiners.Top.Of(self._limit, key=newest_first)
            | "Unpack" >> beam.FlatMap(lambda newest: newest)
        )


class _HostDone:
    """Marks the end of one host's queue in the results queue."""


_HOST_DONE = _HostDone()


class FetchHostQueuesFn(beam.DoFn):
    """Fetches host queues (host, items) with up to `concurrency` hosts at once
    in this worker: one thread per host, each host's items one after another
    (the HTTP client enforces delays and robots.txt).

    The pool spans the whole bundle, not one element: a new host starts as
    soon as another one finishes, so a long queue never leaves the other
    threads idle (fetching is waiting, and the waits overlap). Pages are
    yielded as they arrive, through a bounded queue, so memory holds only a
    few pages however long the queues are; the hosts still fetching when the
    bundle's last element has been seen are drained in finish_bundle.
    """

    DEAD_LETTERS = "dead_letters"

    def __init__(
        self,
        policy: FetchPolicy,
        client_factory: Callable[[], Any] | None = None,
        concurrency: int = 32,
    ) -> None:
        self._policy = policy
        self._client_factory = client_factory
        self._concurrency = max(1, concurrency)
        self._client = None
        self._fetched = Metrics.counter("fetch", "pages_fetched")
        self._failed = Metrics.counter("fetch", "pages_failed")

    def setup(self) -> None:
        if self._client_factory is not None:
            self._client = self._client_factory()
        else:
            from pipeline.fetch.http import HttpClient

            self._client = HttpClient(self._policy)

    def teardown(self) -> None:
        if self._client is not None:
            self._client.close()

    def start_bundle(self) -> None:
        # A few pages per thread in flight: enough to keep the consumer (extraction,
        # fused after this step) busy, little enough to bound memory.
        self._results: queue.Queue = queue.Queue(maxsize=2 * self._concurrency)
        self._active = 0
        self._abandoned = threading.Event()

    def _fetch_one(self, item: FeedItem) -> FetchedPage | DeadLetter:
        try:
            return page_from_response(item, self._client.fetch(item.link, kind="page"))
        except StageError as error:
            return page_dead_letter(item, error)
        except Exception as error:  # a bug must not lose the rest of the host's queue
            return page_dead_letter(item, StageError("internal_error", f"{type(error).__name__}: {error}"))

    def _put(self, result: Any, abandoned: threading.Event, results: queue.Queue) -> bool:
        """Hand a result to the bundle's thread; False once the bundle was abandoned."""
        while not abandoned.is_set():
            try:
                results.put(result, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    def _work(self, items: list[FeedItem], stamp: tuple, abandoned: threading.Event, results: queue.Queue) -> None:
        try:
            for item in items:
                if abandoned.is_set() or not self._put((self._fetch_one(item), stamp), abandoned, results):
                    return
        finally:
            self._put((_HOST_DONE, stamp), abandoned, results)

    def _emit(self, result: Any, stamp: tuple) -> Iterator[Any]:
        timestamp, window = stamp
        value = WindowedValue(result, timestamp, (window,))
        if isinstance(result, DeadLetter):
            self._failed.inc()
            yield beam.pvalue.TaggedOutput(self.DEAD_LETTERS, value)
        else:
            self._fetched.inc()
            yield value

    def _next_result(self, block: bool) -> Iterator[Any]:
        """Yield the next finished result (waiting for one if `block`), counting hosts done."""
        try:
            result, stamp = self._results.get(block=block)
        except queue.Empty:
            return
        if result is _HOST_DONE:
            self._active -= 1
        else:
            yield from self._emit(result, stamp)

    def process(
        self,
        host_items: tuple[str, Iterable[FeedItem]],
        timestamp=beam.DoFn.TimestampParam,
        window=beam.DoFn.WindowParam,
    ) -> Iterator[Any]:
        _host, items = host_items
        completed = False
        try:
            while self._active >= self._concurrency:  # all threads busy: pass pages on until one host is done
                yield from self._next_result(block=True)
            # Materialised here, on the bundle's thread (a lazy grouped iterable may
            # read through the runner's state channel).
            queue_items = list(items)
            thread = threading.Thread(
                target=self._work, args=(queue_items, (timestamp, window), self._abandoned, self._results),
                name="wirebeam-fetch", daemon=True,
            )
            self._active += 1
            thread.start()
            while not self._results.empty():
                yield from self._next_result(block=False)
            completed = True
        finally:
            if not completed:  # the bundle failed downstream: let the threads go
                self._abandoned.set()

    def finish_bundle(self) -> Iterator[Any]:
        completed = False
        try:
            while self._active:
                yield from self._next_result(block=True)
            completed = True
        finally:
            if not completed:
                self._abandoned.set()


class FetchPages(beam.PTransform):
    """FeedItems -> FetchedPages (main) and DeadLetters ('dead_letters').

    `concurrency`: hosts fetched at once in one worker (each host's own requests
    stay one at a time, spaced by the policy's delay).
    """

    def __init__(self, policy: FetchPolicy, concurrency: int = 32, client_factory: Callable[[], Any] | None = None):
        super().__init__()
        self._policy = policy
        self._concurrency = max(1, concurrency)
        self._client_factory = client_factory

    def expand(self, items):
        return (
            items
            | "KeyByHost" >> beam.Map(lambda item: (host_of(item.link), item))
            # One host's queue goes to one thread of one worker: per-host limits hold job-wide.
            | "GroupByHost" >> beam.GroupByKey()
            | "FetchHostQueues" >> beam.ParDo(
                FetchHostQueuesFn(self._policy, self._client_factory, self._concurrency)
            ).with_outputs(FetchHostQueuesFn.DEAD_LETTERS, main="pages")
        )
