"""Which publication time to trust: the page's, the feed's, or the fetch time.

Rule (first that applies):
  1. the page gives a full timestamp (date and time) -> page;
  2. the page gives a date only (a weak signal: "2024-03-24" says nothing of the
     hour) and the feed gives a timestamp within one day of it -> the feed's
     timestamp ("feed"). One day either side, not the same calendar day, because
     a page prints its date in local time while the feed's time is UTC;
  3. the page gives a date only -> that date at 00:00 UTC ("page");
  4. the feed gives a timestamp -> feed;
  5. otherwise the fetch time ("fetch").
A date later than fetched_at + 1 day or earlier than 1990 is ignored as a
parsing error (a copyright year, an event date, a bad template).
Naive datetimes are taken to be UTC.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

_OLDEST = datetime(1990, 1, 1, tzinfo=timezone.utc)
_FUTURE_SLACK = timedelta(days=1)
_DATE_ONLY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_utc(value: datetime) -> datetime:
    """The same instant in UTC; a naive datetime is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def parse_page_date(value: str | date | datetime | None) -> datetime | date | None:
    """A page date as a datetime (has a time) or a date (date only); None if unreadable.

    A string "YYYY-MM-DD" or a timestamp at exactly 00:00:00 without an offset is
    read as date only: that is how htmldate reports a date with no time.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value
    text = value.strip()
    if not text:
        return None
    if _DATE_ONLY_RE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None and parsed.time() == time(0, 0):
        return parsed.date()
    return parsed


def _plausible(value: datetime, fetched_at: datetime) -> bool:
    return _OLDEST <= value <= fetched_at + _FUTURE_SLACK


def choose_published_at(
    page_date: str | date | datetime | None,
    feed_date: datetime | None,
    fetched_at: datetime,
) -> tuple[datetime, str]:
    """(publication time in UTC, source) with source "page" | "feed" | "fetch"."""
    fetched_at = as_utc(fetched_at)
    page = parse_page_date(page_date)
    feed = as_utc(feed_date) if feed_date is not None else None
    if feed is not None and not _plausible(feed, fetched_at):
        feed = None

    if isinstance(page, datetime):
        page_dt = as_utc(page)
        if _plausible(page_dt, fetched_at):
            return page_dt, "page"
    elif isinstance(page, date):
        page_dt = datetime.combine(page, time(0, 0), tzinfo=timezone.utc)
        if _plausible(page_dt, fetched_at):
            if feed is not None and abs(feed.date() - page) <= timedelta(days=1):
                return feed, "feed"
            return page_dt, "page"
    if feed is not None:
        return feed, "feed"
    return fetched_at, "fetch"
