"""Beam steps that choose which feed items to fetch and fetch their pages.

Items are grouped by host so that one host's queue is worked by one thread of
one worker: the per-host limits hold across the whole job, not just within a
process. Several hosts are fetched at once, because fetching is waiting.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import urlsplit

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipeline.fetch.fanout import HostFanout
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
    return DeadLetter.of("page", item.link, error, feed_url=item.feed_url)


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


class FetchHostQueuesFn(beam.DoFn):
    """Fetches host queues (host, items) with up to `concurrency` hosts at once
    in this worker: each host's items one after another on one thread (the
    HTTP client enforces delays and robots.txt), through `HostFanout`.

    Pages are passed on as they arrive, so memory holds only a few pages
    however long the queues are; the hosts still fetching when the bundle's
    last element has been seen are drained in finish_bundle.
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
        self._fanout: HostFanout | None = None
        self._fetched = Metrics.counter("fetch", "pages_fetched")
        self._failed = Metrics.counter("fetch", "pages_failed")

    def setup(self) -> None:
        if self._client_factory is not None:
            self._client = self._client_factory()
        else:
            from pipeline.fetch.http import HttpClient

            self._client = HttpClient(self._policy)

    def teardown(self) -> None:
        if self._fanout is not None:  # a bundle that failed elsewhere in the stage: stop fetching for it
            self._fanout.abandon()
        if self._client is not None:
            self._client.close()

    def start_bundle(self) -> None:
        self._fanout = HostFanout(self._fetch_one, fetch_error, self._outputs, self._concurrency,
                                  thread_name="wirebeam-fetch")

    def _fetch_one(self, item: FeedItem) -> FetchedPage | DeadLetter:
        try:
            return page_from_response(item, self._client.fetch(item.link, kind="page"))
        except StageError as error:
            return page_dead_letter(item, error)

    def _outputs(self, result: FetchedPage | DeadLetter) -> list[Any]:
        """A page to the main output, a dead letter tagged; counted here, on the bundle's thread."""
        if isinstance(result, DeadLetter):
            self._failed.inc()
            return [beam.pvalue.TaggedOutput(self.DEAD_LETTERS, result)]
        self._fetched.inc()
        return [result]

    def process(
        self,
        host_items: tuple[str, Iterable[FeedItem]],
        timestamp=beam.DoFn.TimestampParam,
        window=beam.DoFn.WindowParam,
    ) -> Iterator[Any]:
        _host, items = host_items
        yield from self._fanout.submit(items, timestamp, window)

    def finish_bundle(self) -> Iterator[Any]:
        yield from self._fanout.drain()


def fetch_error(item: FeedItem, error: Exception) -> DeadLetter:
    """The dead letter for a page whose fetch raised something unexpected (a bug, not the site)."""
    return page_dead_letter(item, StageError("internal_error", f"{type(error).__name__}: {error}"))


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
