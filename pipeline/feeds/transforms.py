"""Beam transforms for the feed stage: FeedSource -> FeedItems, dead letters, per-feed status."""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.metrics import Metrics

from pipeline.feeds.parse import DEFAULT_MAX_ITEMS, ParsedFeed, parse_feed
from pipeline.fetch.fanout import HostFanout
from pipeline.fetch.transforms import host_of  # the key the HTTP client's host gate uses (host, or host:port)
from pipeline.records import DeadLetter, FeedSource, StageError

if TYPE_CHECKING:
    from pipeline.fetch.policy import FetchPolicy

DEAD_LETTERS = "dead_letters"
FEED_STATUS = "feed_status"
ITEMS = "items"
FEEDS_AT_ONCE = 16  # hosts polled concurrently per worker (each host's feeds one at a time)

_log = logging.getLogger(__name__)


def feed_status(
    source: FeedSource,
    *,
    ok: bool,
    title: str | None = None,
    items: int = 0,
    warnings: list[str] | tuple[str, ...] = (),
    error_type: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    not_modified: bool = False,
) -> dict[str, Any]:
    """The per-feed record for the run manifest (validators feed the next run's conditional GET)."""
    return {
        "feed_url": source.url,
        "title": title or source.name,
        "ok": ok,
        "items": items,
        "warnings": list(warnings),
        "error_type": error_type,
        "etag": etag,
        "last_modified": last_modified,
        "not_modified": not_modified,
    }


def conditional_headers(source: FeedSource) -> dict[str, str]:
    headers = {}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    return headers


def poll_outcome(source: FeedSource, parsed: ParsedFeed, validators: dict[str, str | None] | None = None) -> Iterator[Any]:
    """What one successfully fetched feed becomes: its items, one dead letter per refused link, its status."""
    for item in parsed.items:
        yield dataclasses.replace(item, feed_url=source.url, feed_tags=source.tags)
    for link, reason in parsed.rejected_links:
        yield pvalue.TaggedOutput(
            DEAD_LETTERS,
            DeadLetter(stage="feed", url=link, error_type="bad_link", message=reason, feed_url=source.url),
        )
    yield pvalue.TaggedOutput(
        FEED_STATUS,
        feed_status(source, ok=True, title=parsed.title, items=len(parsed.items), warnings=parsed.warnings,
                    **(validators or {})),
    )


def poll_feed(client: Any, source: FeedSource, max_items: int = DEFAULT_MAX_ITEMS) -> list[Any]:
    """Outputs of one feed: items, dead letters and its status. Never raises, counts nothing: runs on any thread."""
    try:
        response = client.fetch(source.url, kind="feed", headers=conditional_headers(source))
        validators = {
            "etag": response.headers.get("etag") or (source.etag if response.not_modified else None),
            "last_modified": response.headers.get("last-modified")
            or (source.last_modified if response.not_modified else None),
        }
        if getattr(response, "not_modified", False):
            return [pvalue.TaggedOutput(FEED_STATUS, feed_status(source, ok=True, not_modified=True, **validators))]
        parsed = parse_feed(
            response.body,
            source.url,
            response.headers.get("content-type"),
            base_url=response.url,
            max_items=max_items,
            feed_tags=source.tags,
        )
    except Exception as error:  # one broken feed must never fail the bundle (Dataflow retries, then kills the job)
        return feed_failed(source, error)
    return list(poll_outcome(source, parsed, validators))


def feed_failed(source: FeedSource, error: Exception) -> list[Any]:
    """A failed feed's outputs: its dead letter and its status."""
    if not isinstance(error, StageError):
        _log.error("unexpected error polling %s", source.url, exc_info=error)
        error = StageError("internal_error", f"{type(error).__name__}: {error}")
    _log.info("feed %s failed: %s: %s", source.url, error.error_type, error.message)
    letter = DeadLetter.of("feed", source.url, error, feed_url=source.url)
    return [
        pvalue.TaggedOutput(DEAD_LETTERS, letter),
        pvalue.TaggedOutput(FEED_STATUS, feed_status(source, ok=False, error_type=error.error_type)),
    ]


class _FeedClientFn(beam.DoFn):
    """What both feed DoFns share: the HTTP client's life and the feed metrics."""

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        client_factory: Callable[[], Any] | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> None:
        super().__init__()
        self._policy = policy
        self._client_factory = client_factory
        self._max_items = max_items
        self._client: Any = None
        self._polled = Metrics.counter("feeds", "polled")
        self._failed = Metrics.counter("feeds", "failed")
        self._items = Metrics.counter("feeds", "items")
        self._refused_links = Metrics.counter("feeds", "refused_links")

    def setup(self) -> None:
        self._client = (self._client_factory or self._default_client)()

    def _default_client(self) -> Any:
        from pipeline.fetch.http import HttpClient  # the fetch stage lives in its own package
        from pipeline.fetch.policy import FetchPolicy

        return HttpClient(self._policy if self._policy is not None else FetchPolicy())

    def teardown(self) -> None:
        if self._client is not None:
            try:
                self._client.close()
            finally:
                self._client = None

    def poll(self, source: FeedSource) -> list[Any]:
        return poll_feed(self._client, source, self._max_items)

    def counted(self, outputs: list[Any]) -> list[Any]:
        """One feed's outputs, their metrics counted: on the DoFn's own thread (Beam drops counts made on others)."""
        self._polled.inc()
        for output in outputs:
            if not isinstance(output, pvalue.TaggedOutput):
                self._items.inc()
            elif output.tag == FEED_STATUS and not output.value["ok"]:
                self._failed.inc()
            elif output.tag == DEAD_LETTERS and output.value.error_type == "bad_link":
                self._refused_links.inc()
        return outputs


class PollFeedFn(_FeedClientFn):
    """Fetch one FeedSource and parse it.

    Main output: FeedItems. Tagged 'dead_letters': a DeadLetter(stage='feed') for
    a feed that failed, and one per item link refused. Tagged 'feed_status':
    one dict per feed (see `feed_status`).
    """

    def process(self, source: FeedSource) -> Iterator[Any]:
        return iter(self.counted(self.poll(source)))


class PollHostFeedsFn(_FeedClientFn):
    """Polls host queues (host, feeds): each host's feeds one after another on
    one thread, up to `concurrency` hosts at once in this worker, through `HostFanout`.

    Feeds are waiting, and a feed that never answers must hold up only its own
    host. Outputs are passed on as feeds are polled, the rest in finish_bundle;
    the outputs are those of PollFeedFn, one feed's at a time.
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        client_factory: Callable[[], Any] | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
        concurrency: int = FEEDS_AT_ONCE,
    ) -> None:
        super().__init__(policy, client_factory, max_items)
        self._concurrency = max(1, concurrency)
        self._fanout: HostFanout | None = None

    def start_bundle(self) -> None:
        self._fanout = HostFanout(self.poll, feed_failed, self.counted, self._concurrency,
                                  thread_name="wirebeam-feeds")

    def teardown(self) -> None:
        if self._fanout is not None:  # a bundle that failed elsewhere in the stage: stop polling for it
            self._fanout.abandon()
        super().teardown()

    def process(
        self,
        host_feeds: tuple[str, Iterable[FeedSource]],
        timestamp: Any = beam.DoFn.TimestampParam,
        window: Any = beam.DoFn.WindowParam,
    ) -> Iterator[Any]:
        _host, feeds = host_feeds
        yield from self._fanout.submit(feeds, timestamp, window)

    def finish_bundle(self) -> Iterator[Any]:
        yield from self._fanout.drain()


class PollFeeds(beam.PTransform):
    """FeedSources -> DoOutputsTuple with main 'items', 'dead_letters' and 'feed_status'.

    Feeds are grouped by host, as pages are in FetchPages: one host's feeds go
    to one thread of one worker, so the per-host limits hold job-wide (each
    worker process has its own HTTP client and host gate).
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        client_factory: Callable[[], Any] | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
        concurrency: int = FEEDS_AT_ONCE,
    ) -> None:
        super().__init__()
        self._policy = policy
        self._client_factory = client_factory
        self._max_items = max_items
        self._concurrency = concurrency

    def expand(self, sources: beam.PCollection) -> pvalue.DoOutputsTuple:
        return (
            sources
            | "KeyByHost" >> beam.Map(lambda source: (host_of(source.url), source))
            # Also spreads the hosts over workers (a feed list arrives as one bundle from Create).
            | "GroupByHost" >> beam.GroupByKey()
            | "PollFeed"
            >> beam.ParDo(
                PollHostFeedsFn(self._policy, self._client_factory, self._max_items, self._concurrency)
            ).with_outputs(DEAD_LETTERS, FEED_STATUS, main=ITEMS)
        )
