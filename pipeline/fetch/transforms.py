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

from pipeline.fetch.policy import FetchPolicy
from pipeline.records import DeadLetter, FeedItem, FetchedPage, StageError

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def host_of(url: str) -> str:
    """The politeness key of a URL: its host (ports count as separate hosts)."""
    try:
        return (urlsplit(url).netloc or "").lower()
    except ValueError:
        return ""


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


_DONE = object()


class FetchHostQueuesFn(beam.DoFn):
    """Fetches a batch of host queues at once: one thread per host, each host's
    items one after another (the HTTP client enforces delays and robots.txt).
    Pages are yielded as they arrive, through a bounded queue, so memory holds
    only a few pages however long the queues are."""

    DEAD_LETTERS = "dead_letters"

    def __init__(self, policy: FetchPolicy, client_factory: Callable[[], Any] | None = None) -> None:
        self._policy = policy
        self._client_factory = client_factory
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

    def _fetch_one(self, item: FeedItem) -> FetchedPage | DeadLetter:
        try:
            return page_from_response(item, self._client.fetch(item.link, kind="page"))
        except StageError as error:
            return page_dead_letter(item, error)
        except Exception as error:  # a bug must not lose the rest of the host's queue
            return page_dead_letter(item, StageError("internal_error", f"{type(error).__name__}: {error}"))

    def process(self, batch: list[tuple[str, Iterable[FeedItem]]]) -> Iterator[Any]:
        results: queue.Queue = queue.Queue(maxsize=8)

        def work(items: Iterable[FeedItem]) -> None:
            try:
                for item in items:
                    results.put(self._fetch_one(item))
            finally:
                results.put(_DONE)

        threads = [threading.Thread(target=work, args=(items,), daemon=True) for _host, items in batch]
        for thread in threads:
            thread.start()
        running = len(threads)
        while running:
            result = results.get()
            if result is _DONE:
                running -= 1
            elif isinstance(result, DeadLetter):
                self._failed.inc()
                yield beam.pvalue.TaggedOutput(self.DEAD_LETTERS, result)
            else:
                self._fetched.inc()
                yield result
        for thread in threads:
            thread.join()


class FetchPages(beam.PTransform):
    """FeedItems -> FetchedPages (main) and DeadLetters ('dead_letters')."""

    def __init__(self, policy: FetchPolicy, concurrency: int = 16, client_factory: Callable[[], Any] | None = None):
        super().__init__()
        self._policy = policy
        self._concurrency = max(1, concurrency)
        self._client_factory = client_factory

    def expand(self, items):
        return (
            items
            | "KeyByHost" >> beam.Map(lambda item: (host_of(item.link), item))
            | "GroupByHost" >> beam.GroupByKey()
            | "BatchHosts" >> beam.BatchElements(min_batch_size=1, max_batch_size=self._concurrency)
            | "FetchHostQueues" >> beam.ParDo(FetchHostQueuesFn(self._policy, self._client_factory)).with_outputs(
                FetchHostQueuesFn.DEAD_LETTERS, main="pages"
            )
        )
