"""The four sites of the demo corpus, and what pages and feeds share: URLs and dates.

Each site's origin is written as a token (``{{SITE_WIRE}}``...) that `server.py`
replaces at serve time, because ports are only known then.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, timezone

from pipeline.sample.stories import Story, load_stories

# Last-Modified of files that are not articles or feeds (robots.txt, lists, home pages).
CORPUS_TIME = datetime(2025, 3, 25, 6, 0, tzinfo=timezone.utc)
TRACKING_QUERY = "?utm_source=rss&utm_medium=feed&utm_campaign=reliefline"


@dataclass(frozen=True)
class Site:
    key: str
    name: str
    token: str
    feed_path: str
    feed_format: str  # feedparser's version string: rss20 | atom10 | rss10 | rss092
    feed_title: str
    feed_content_type: str
    tags: tuple[str, ...]
    group: tuple[str, ...]  # OPML folder path
    html_lang: str


SITES: dict[str, Site] = {
    "wire": Site("wire", "Meridian Wire", "{{SITE_WIRE}}", "/rss/world.xml", "rss20",
                 "Meridian Wire - World News", "application/rss+xml; charset=utf-8",
                 ("world", "agency"), ("News", "Agencies"), "en"),
    "herald": Site("herald", "The Northgate Herald", "{{SITE_HERALD}}", "/feeds/atom.xml", "atom10",
                   "The Northgate Herald: Top Stories", "application/atom+xml; charset=utf-8",
                   ("us", "newspaper"), ("News", "Newspapers"), "en-US"),
    "monitor": Site("monitor", "ReliefLine Monitor", "{{SITE_MONITOR}}", "/rdf/index.rdf", "rss10",
                    "ReliefLine Monitor - Crisis news", "application/rdf+xml; charset=utf-8",
                    ("humanitarian",), ("Humanitarian",), "en-GB"),
    # ISO-8859-1 declared only in the XML prolog; the header names no charset.
    "alpine": Site("alpine", "Alpine Dispatch", "{{SITE_ALPINE}}", "/rss092.xml", "rss092",
                   "Alpine Dispatch", "application/xml",
                   ("europe", "multilingual"), ("Europe",), "en"),
}
LIST_SITE = "wire"  # the feed lists are also served, from this site
FEED_LIST_PATHS = {"opml": "/lists/feeds.opml", "yaml": "/lists/feeds.yaml", "txt": "/lists/feeds.txt"}
FEED_LIST_TYPES = {"opml": "text/x-opml; charset=utf-8", "yaml": "application/yaml; charset=utf-8",
                   "txt": "text/plain; charset=utf-8"}
PRIVATE_PATH = "/private/drafts/embargoed-briefing.html"


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value)


def utc(value: str) -> datetime:
    return parse_iso(value).astimezone(timezone.utc)


def iso_z(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def origin(site: str) -> str:
    return SITES[site].token


def url_of(story: Story) -> str:
    return origin(story.site) + story.path


def feed_link(story: Story) -> str:
    """The link a feed gives: ReliefLine adds tracking parameters, as many CMSs do."""
    return url_of(story) + (TRACKING_QUERY if story.site == "monitor" else "")


def canonical_of(story: Story) -> str:
    """rel=canonical as the page declares it: a syndicated copy may point at its original."""
    return url_of(load_stories().story(story.canonical)) if story.canonical else url_of(story)


def site_stories(site: str) -> list[Story]:
    return [s for s in load_stories().stories if s.site == site]
