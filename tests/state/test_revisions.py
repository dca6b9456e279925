"""Seen keys of revisions: a feed's revised item is fetched again once; the same text is not written twice."""

from __future__ import annotations

from datetime import datetime, timezone

from pipeline.records import FeedItem
from pipeline.state.transforms import article_revision, item_key, seen_rows_of

T = datetime(2026, 3, 24, 10, 0, tzinfo=timezone.utc)
LATER = datetime(2026, 3, 24, 16, 0, tzinfo=timezone.utc)


def test_a_revised_item_has_a_key_of_its_own_and_an_unrevised_one_the_plain_link():
    plain = FeedItem(feed_url="f", link="https://x.org/a?utm_source=rss", published=T, updated=T)
    revised = FeedItem(feed_url="f", link="https://x.org/a?utm_source=rss", published=T, updated=LATER)
    assert item_key(plain) == "https://x.org/a"
    assert item_key(revised) == "https://x.org/a#revised=2026-03-24T16:00:00Z"
    assert item_key(FeedItem(feed_url="f", link="https://x.org/a", updated=LATER)) == "https://x.org/a"  # no published


def test_a_written_revision_records_its_key_so_the_same_revision_is_not_fetched_again():
    article = {"article_id": "id", "content_sha256": "sha", "published_at": T, "run_id": "r",
               "canonical_url": "https://x.org/a", "url": "https://x.org/a", "item_link": "https://x.org/a?utm_source=rss"}
    assert [row["url_key"] for row in seen_rows_of(article)] == ["https://x.org/a"]
    keys = [row["url_key"] for row in seen_rows_of({**article, "item_updated": LATER})]
    revised = FeedItem(feed_url="f", link="https://x.org/a?utm_source=rss", published=T, updated=LATER)
    assert item_key(revised) in keys and "https://x.org/a" in keys


def test_an_article_revision_is_its_id_and_its_text():
    assert article_revision({"article_id": "id", "content_sha256": "a"}) != article_revision(
        {"article_id": "id", "content_sha256": "b"})
    assert article_revision({"article_id": "id", "content_sha256": "a"}) == "id:a"
