"""The records that travel between stages.

Each stage folder (feeds, fetch, extract, enrich, sinks) takes one of these and
hands on the next. They are plain frozen dataclasses: cheap to pickle between
Beam workers and easy to build in tests.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class FeedSource:
    """One feed named by a feed list (OPML outline, YAML entry or text line)."""

    url: str
    name: str | None = None
    tags: tuple[str, ...] = ()
    # Validators from the last run that read this feed completely, for a
    # conditional GET (If-None-Match / If-Modified-Since).
    etag: str | None = None
    last_modified: str | None = None


# An updated time this close to the published time is the same edition, not a revision.
REVISION_MIN_GAP = timedelta(minutes=1)


@dataclass(frozen=True)
class FeedItem:
    """One entry of a parsed feed, with the feed it came from."""

    feed_url: str
    link: str
    feed_title: str | None = None
    guid: str | None = None
    title: str | None = None
    published: datetime | None = None  # UTC; from published, else updated
    updated: datetime | None = None
    summary: str | None = None
    author: str | None = None
    categories: tuple[str, ...] = ()
    feed_tags: tuple[str, ...] = ()  # tags given to the feed in the feed list

    @property
    def revised_at(self) -> datetime | None:
        """When the outlet revised the article, if the feed says it did: its updated time, when
        that is later than its published time (a revision is fetched again; state/transforms.py)."""
        if self.updated is None or self.published is None or self.updated - self.published < REVISION_MIN_GAP:
            return None
        return self.updated


@dataclass(frozen=True)
class FetchedPage:
    """The bytes of an article page, as the HTTP layer returned them."""

    item: FeedItem
    url: str  # final URL after redirects
    status: int
    content_type: str | None
    body: bytes
    fetched_at: datetime
    attempts: int = 1


@dataclass(frozen=True)
class DeadLetter:
    """A feed, page or document that failed, with what to do about it.

    `stage` is one of: feed_list, feed, page, extract, enrich, write.
    `error_type` is a short stable code (e.g. http_error, timeout, blocked_address,
    robots_disallowed, too_large, parse_error, no_text); `message` is for people.
    """

    stage: str
    url: str
    error_type: str
    message: str
    feed_url: str | None = None
    http_status: int | None = None
    attempts: int = 1
    failed_at: datetime = field(default_factory=utc_now)

    def as_row(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def of(cls, stage: str, url: str, error: "StageError", feed_url: str | None = None) -> "DeadLetter":
        """The dead letter of a StageError raised while working on `url`."""
        return cls(stage=stage, url=url, error_type=error.error_type, message=error.message, feed_url=feed_url,
                   http_status=error.http_status, attempts=error.attempts)


class StageError(Exception):
    """An expected, per-element failure that becomes a dead letter.

    Raised by pure stage functions; the stage's DoFn turns it into a DeadLetter
    and the run goes on.
    """

    def __init__(
        self,
        error_type: str,
        message: str,
        *,
        http_status: int | None = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.http_status = http_status
        self.attempts = attempts

    def __reduce__(self):  # keep attributes when pickled across workers
        return (
            _rebuild_stage_error,
            (type(self), self.error_type, self.message, self.http_status, self.attempts),
        )


def _rebuild_stage_error(cls, error_type, message, http_status, attempts):
    return cls(error_type, message, http_status=http_status, attempts=attempts)
