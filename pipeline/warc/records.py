"""One framed WARC record -> an archived page, a skip with its reason, or a dead letter.

FastWARC parses the record (WARC and HTTP headers; chunked and compressed
payloads are decoded as they are read, so an archived decompression bomb
costs at most the cap). Kept: `response` records of HTML pages with status
200, captured within the dates asked for, on the hosts asked for. A record
without a readable WARC-Date (the standard makes it mandatory, so this is a
damaged or hand-made archive) has no capture time: it is kept when no dates
were asked for (its `warc_date` null, its `fetched_at` the time it was read)
and skipped as `no_capture_date` when they were (its day cannot be shown to
be one of them). Everything
else a WARC file normally holds (requests, metadata, revisits, redirects,
images) is skipped and counted, not dead-lettered; a damaged record is a
`warc` dead letter naming the file and byte offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Union
from urllib.parse import urlsplit

from fastwarc.warc import WarcRecord, WarcRecordType

from pipeline.extract.article import MAX_HTML_BYTES
from pipeline.records import DeadLetter, FeedItem
from pipeline.warc.framing import MAX_HEADER_BYTES, Frame
from pipeline.warc.page import ArchivedPage

# The block of a record is its HTTP headers and the page: a page is read up to the
# fetcher's cap (5 MiB), as a live fetch would be.
MAX_BLOCK_BYTES = MAX_HTML_BYTES + MAX_HEADER_BYTES
HTML_TYPES = ("text/html", "application/xhtml+xml")

# Why a record was skipped (counted per file in the ledger, never a dead letter).
SKIP_REASONS = ("not_response", "revisit", "not_http_url", "status", "not_html", "outside_dates", "no_capture_date",
                "other_host")


@dataclass(frozen=True)
class Skipped:
    reason: str  # one of SKIP_REASONS


@dataclass(frozen=True)
class RecordFilter:
    """Which archived pages a backfill keeps: capture time in [since, until), hosts (and their subdomains)."""

    since: datetime | None = None
    until: datetime | None = None
    hosts: frozenset[str] = frozenset()

    @property
    def has_dates(self) -> bool:
        return self.since is not None or self.until is not None

    def keeps_date(self, captured: datetime) -> bool:
        return (self.since is None or captured >= self.since) and (self.until is None or captured < self.until)

    def keeps_host(self, host: str) -> bool:
        return not self.hosts or any(suffix in self.hosts for suffix in host_suffixes(host))


Outcome = Union[ArchivedPage, Skipped, DeadLetter]


def host_suffixes(host: str) -> list[str]:
    """'www.news.example.org' -> itself, 'news.example.org', 'example.org', 'org'."""
    labels = host.lower().rstrip(".").split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


def normalise_host(line: str) -> str | None:
    """One line of a hosts file: a host name (a URL's host is taken; `www.` dropped), or None."""
    text = line.split("#", 1)[0].strip().lower()
    if not text:
        return None
    if "://" in text:
        text = urlsplit(text).hostname or ""
    text = text.split("/", 1)[0].rstrip(".")
    return text.removeprefix("www.") or None


def warc_dead_letter(warc_file: str, offset: int, error_type: str, message: str, url: str | None = None) -> DeadLetter:
    return DeadLetter(stage="warc", url=url or f"{warc_file}#byte={offset}", error_type=error_type,
                      message=f"{message} ({warc_file})")


def read_record(frame: Frame, warc_file: str, keep: RecordFilter) -> Outcome:
    """What one framed record is for a backfill (pure: the filters are arguments)."""
    if frame.problem:
        return warc_dead_letter(warc_file, frame.offset, frame.problem, frame.detail)
    try:
        record = WarcRecord.from_bytes(frame.header + frame.block)
    except OSError as error:
        return warc_dead_letter(warc_file, frame.offset, "bad_record",
                                f"the record at byte {frame.offset:,} has unreadable WARC headers ({error})")
    kind = record.record_type
    if kind == WarcRecordType.revisit:
        return Skipped("revisit")
    if kind != WarcRecordType.response:
        return Skipped("not_response")
    url = (record.headers.get("WARC-Target-URI") or "").strip().strip("<>")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # "http://[broken/": no URL at all
        return Skipped("not_http_url")
    if parts.scheme not in ("http", "https") or not host:
        return Skipped("not_http_url")
    captured = capture_time(record)
    if captured is None and keep.has_dates:
        return Skipped("no_capture_date")
    if captured is not None and not keep.keeps_date(captured):
        return Skipped("outside_dates")
    if not keep.keeps_host(host):
        return Skipped("other_host")
    try:
        record.is_http = True
        record.parse_http(auto_decode="all")
    except OSError as error:
        return warc_dead_letter(warc_file, frame.offset, "bad_record",
                                f"the HTTP headers of the record at byte {frame.offset:,} are unreadable ({error})", url)
    http = record.http_headers
    if http is None or http.status_code is None:
        return warc_dead_letter(warc_file, frame.offset, "bad_record",
                                f"the record at byte {frame.offset:,} holds no HTTP response", url)
    if http.status_code != 200:
        return Skipped("status")
    content_type = http.get("Content-Type")
    if content_type is not None and (record.http_content_type or "").lower() not in HTML_TYPES:
        return Skipped("not_html")
    if frame.length > MAX_BLOCK_BYTES:
        return warc_dead_letter(warc_file, frame.offset, "too_large", (
            f"the record at byte {frame.offset:,} is {frame.length:,} bytes, over the {MAX_HTML_BYTES:,}-byte page "
            "cap: skipped unread"), url)
    try:
        body = record.reader.read(MAX_HTML_BYTES + 1)
    except OSError as error:
        return warc_dead_letter(warc_file, frame.offset, "bad_record",
                                f"the page in the record at byte {frame.offset:,} does not decode ({error})", url)
    if len(body) > MAX_HTML_BYTES:
        return warc_dead_letter(warc_file, frame.offset, "too_large", (
            f"the page in the record at byte {frame.offset:,} is larger than {MAX_HTML_BYTES:,} bytes once "
            "decoded"), url)
    if content_type is None and not _looks_like_html(body):
        return Skipped("not_html")
    return ArchivedPage(
        item=FeedItem(feed_url=None, link=url), url=url, status=200, content_type=content_type, body=body,
        fetched_at=captured or datetime.now(timezone.utc),  # no capture time: when this backfill read it
        captured_at=captured, warc_file=warc_file, warc_record_id=record.record_id, warc_offset=frame.offset,
    )


def capture_time(record: WarcRecord) -> datetime | None:
    """The record's WARC-Date in UTC; None when it has none or FastWARC cannot read it."""
    try:
        captured = record.record_date
    except (OSError, ValueError):
        return None
    if captured is None:
        return None
    return captured.replace(tzinfo=timezone.utc) if captured.tzinfo is None else captured.astimezone(timezone.utc)


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head
