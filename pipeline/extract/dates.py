"""Which publication time to trust: the page's, the feed's, or the fetch time.

Rule (first that applies):
  1. the page gives a full timestamp (date and time) -> page;
  2. the page gives a date only (a weak signal) and the feed gives a timestamp
     -> the feed's timestamp ("feed"). On the same day (give or take one: a page
     prints its local date, the feed's time is UTC) the feed simply adds the
     time. On another day the feed still wins: a date-only page value is
     htmldate's guess from the visible text (it reads "August 2021" in a story
     as 2021-01-01), while the feed states when the item was published;
  3. the page gives a date only -> that date at 00:00 UTC ("page");
  4. the feed gives a timestamp -> feed;
  5. otherwise the fetch time ("fetch").
A date later than fetched_at + 1 day or earlier than 1990 is ignored as a
parsing error (a copyright year, an event date, a bad template).
Naive datetimes are taken to be UTC.

The page date: `find_page_timestamp` reads a full timestamp from meta tags
(article:published_time, datePublished, ...) or JSON-LD first, because htmldate
(via trafilatura) prefers a date in the URL — even the one in rel=canonical —
and then reports no time; htmldate's answer is the fallback.
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


# Metadata that carries a full publication timestamp. htmldate prefers a date in the
# URL (even in <link rel=canonical>) and then loses the time, so these are read first.
_META_TIME_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "publish_date", "dc.date.issued", "dcterms.issued", "parsely-pub-date",
    "sailthru.date", "date",
)
_META_TAG_RE = re.compile(r"<meta\b[^>]*>", re.I)
_ATTR_RE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_JSONLD_DATE_RE = re.compile(r'"datePublished"\s*:\s*"([^"]{10,40})"')


def _timestamp(text: str) -> datetime | None:
    parsed = parse_page_date(text)
    return parsed if isinstance(parsed, datetime) else None


def find_page_timestamp(html: str) -> datetime | None:
    """The first publication timestamp *with a time* in the page's meta tags or JSON-LD."""
    head = html[:300_000]
    found: dict[str, str] = {}
    for tag in _META_TAG_RE.findall(head):
        attrs = {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None) for m in _ATTR_RE.finditer(tag)}
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if key in _META_TIME_KEYS and attrs.get("content") and key not in found:
            found[key] = attrs["content"]
    for key in _META_TIME_KEYS:
        if key in found and (value := _timestamp(found[key])):
            return value
    for m in _JSONLD_DATE_RE.finditer(head):
        if value := _timestamp(m.group(1)):
            return value
    return None


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
        if _plausible(page_dt, fetched_at) and feed is None:
            return page_dt, "page"
    if feed is not None:
        return feed, "feed"
    return fetched_at, "fetch"
