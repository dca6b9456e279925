"""An archived page, and its article row with the WARC provenance columns.

Kept apart from the reader (no FastWARC import): the extraction child process
imports this module to run `extract_archived_page`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipeline.extract.article import MAX_HTML_BYTES, extract_article
from pipeline.extract.urls import canonicalize_url
from pipeline.records import FetchedPage


@dataclass(frozen=True)
class ArchivedPage(FetchedPage):
    """A page as a crawler archived it, and where it lies. `captured_at` is its WARC-Date (None when the
    record has none); `fetched_at` is the capture time, or, without one, when the backfill read the record."""

    captured_at: datetime | None = None
    warc_file: str = ""
    warc_record_id: str | None = None
    warc_offset: int = 0


def extract_archived_page(page: ArchivedPage, run_id: str, *, max_html_bytes: int = MAX_HTML_BYTES) -> dict[str, Any]:
    """The article row of an archived page: as for a fetched page, plus where it was archived."""
    row = extract_article(page, run_id, max_html_bytes=max_html_bytes)
    row.update(warc_file=page.warc_file, warc_record_id=page.warc_record_id, warc_date=page.captured_at)
    return row


def page_url_key(page: FetchedPage) -> str:
    """The seen-state key of a page's URL (its canonical form; the URL itself if it has none)."""
    try:
        return canonicalize_url(page.url)
    except ValueError:
        return page.url
