"""Beam transforms for the feed stage: FeedSource -> FeedItems, dead letters, per-feed status."""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any, Callable, Iterator

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.metrics import Metrics

from pipeline.feeds.parse import DEFAULT_MAX_ITEMS, ParsedFeed, parse_feed
from pipeline.records import DeadLetter, FeedSource, StageError

if TYPE_CHECKING:
    from pipeline.fetch.policy import FetchPolicy

DEAD_LETTERS = "dead_letters"
FEED_STATUS = "feed_status"
ITEMS = "items"
FEEDS_AT_ONCE = 16  # feeds polled concurrently per worker

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


class PollFeedFn(beam.DoFn):
    """Fetch one FeedSource and parse it.

    Main output: FeedItems. Tagged 'dead_letters': a DeadLetter(stage='feed') for
    a feed that failed, and one per item link refused. Tagged 'feed_status':
    one dict per feed (see `feed_status`).
    """

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

    def process(self, source: FeedSource) -> Iterator[Any]:
        outputs = list(self.poll(source))
        self.count(outputs)
        return iter(outputs)

    def count(self, outputs: list[Any]) -> None:
        """Metrics, counted on the DoFn's own thread (Beam drops counts made on other threads)."""
        self._polled.inc()
        for output in outputs:
            if not isinstance(output, pvalue.TaggedOutput):
                self._items.inc()
            elif output.tag == FEED_STATUS and not output.value["ok"]:
                self._failed.inc()
            elif output.tag == DEAD_LETTERS and output.value.error_type == "bad_link":
                self._refused_links.inc()

    def poll(self, source: FeedSource) -> Iterator[Any]:
        """Outputs of one feed: items, dead letters and its status (pure of metrics: runs on any thread)."""
        try:
            response = self._client.fetch(source.url, kind="feed", headers=conditional_headers(source))
            validators = {
                "etag": response.headers.get("etag") or (source.etag if response.not_modified else None),
                "last_modified": response.headers.get("last-modified")
                or (source.last_modified if response.not_modified else None),
            }
            if getattr(response, "not_modified", False):
                yield pvalue.TaggedOutput(
                    FEED_STATUS, feed_status(source, ok=True, not_modified=True, **validators)
                )
                return
            parsed = parse_feed(
                response.body,
                source.url,
                response.headers.get("content-type"),
                base_url=response.url,
                max_items=self._max_items,
                feed_tags=source.tags,
            )
        except Exception as error:  # one broken feed must never fail the bundle (Dataflow retries, then kills the job)
            if not isinstance(error, StageError):
                _log.exception("unexpected error polling %s", source.url)
                error = StageError("internal_error", f"{type(error).__name__}: {error}")
            _log.info("feed %s failed: %s: %s", source.url, error.error_type, error.message)
            yield pvalue.TaggedOutput(
                DEAD_LETTERS,
                DeadLetter(
                    stage="feed",
                    url=source.url,
                    error_type=error.error_type,
                    message=error.message,
                    feed_url=source.url,
                    http_status=error.http_status,
                    attempts=error.attempts,
                ),
            )
            yield pvalue.TaggedOutput(FEED_STATUS, feed_status(source, ok=False, error_type=error.error_type))
            return
        yield from poll_outcome(source, parsed, validators)


class PollFeedBatchFn(PollFeedFn):
    """Polls a batch of feeds at once, one thread each: feeds are waiting, and a
    feed that never answers must not hold up the others (the HTTP client keeps
    the per-host limits across threads)."""

    def process(self, batch: list[FeedSource]) -> Iterator[Any]:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=max(1, len(batch)), thread_name_prefix="poll-feed") as pool:
            for outputs in pool.map(lambda source: list(self.poll(source)), batch):
                self.count(outputs)
                yield from outputs


class PollFeeds(beam.PTransform):
    """FeedSources -> DoOutputsTuple with main 'items', 'dead_letters' and 'feed_status'."""

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

    def expand(self, sources: beam.PCollection) -> pvalue.DoOutputsTuple:
        return (
            sources
            # A feed list arrives as one bundle from Create; spread the feeds over workers.
            | "SpreadFeeds" >> beam.Reshuffle()
            | "BatchFeeds" >> beam.BatchElements(min_batch_size=FEEDS_AT_ONCE, max_batch_size=FEEDS_AT_ONCE)
            | "PollFeed"
            >> beam.ParDo(PollFeedBatchFn(self._policy, self._client_factory, self._max_items)).with_outputs(
                DEAD_LETTERS, FEED_STATUS, main=ITEMS
            )
        )

