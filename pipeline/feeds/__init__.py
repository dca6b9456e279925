"""Feed stage: read the feed list, fetch and parse feeds into FeedItems.

Pure functions live in `feedlist` (feed lists), `parse` (one feed document),
`urls` (link checks) and `prolog` (DTD detection); the Beam wrappers are in
`transforms` (imported separately: it pulls in Apache Beam).
"""

from pipeline.feeds.feedlist import FeedListResult, load_feed_list, parse_feed_list
from pipeline.feeds.parse import ParsedFeed, parse_feed

__all__ = ["FeedListResult", "ParsedFeed", "load_feed_list", "parse_feed", "parse_feed_list"]
