"""Extraction against the bundled demo corpus (pipeline/sample): every fact it states for a page."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pipeline.extract.article import extract_article
from pipeline.records import FeedItem, FetchedPage
from pipeline.sample.corpus import load_expected, load_manifest, read_data, substitute

ORIGINS = {
    "wire": "http://127.0.0.1:8101",
    "herald": "http://127.0.0.1:8102",
    "monitor": "http://127.0.0.1:8103",
    "alpine": "http://127.0.0.1:8104",
}
FETCHED_AT = datetime(2025, 3, 25, 12, 0, tzinfo=timezone.utc)
ARTICLES = load_expected(ORIGINS)["articles"]


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _page(article: dict) -> FetchedPage:
    route = load_manifest()["routes"][article["site"]][article["path"]]
    url = ORIGINS[article["site"]] + article["path"]
    # Pages that state their date only in visible text (or not at all) rely on the feed's timestamp.
    feed_date = _utc(article["published_utc"]) if article["page_date"] in ("visible", "none") else None
    item = FeedItem(feed_url=ORIGINS[article["site"]] + "/feed", link=url, published=feed_date)
    body = substitute(read_data(route["file"]), ORIGINS)
    return FetchedPage(item=item, url=url, status=200, content_type=route["content_type"], body=body,
                       fetched_at=FETCHED_AT)


@pytest.fixture(scope="module")
def rows() -> dict[str, dict]:
    return {a["id"]: extract_article(_page(a), "sample") for a in ARTICLES}


@pytest.mark.parametrize("article", ARTICLES, ids=[a["id"] for a in ARTICLES])
def test_sample_article_facts(article: dict, rows: dict[str, dict]):
    row = rows[article["id"]]
    for column in ("title", "authors", "byline", "dateline_place", "agency", "credits", "language", "canonical_url"):
        assert row[column] == article[column], column
    assert row["published_at"] == _utc(article["published_utc"])
    assert row["published_at_source"] in article["acceptable_date_sources"]
    assert abs(row["word_count"] - article["word_count"]) <= 0.03 * article["word_count"]
    # furniture is out of the body
    assert not row["text"].startswith(article["dateline_place"])
    for credit in article["credits"]:
        assert credit not in row["text"]
    assert row["byline"] not in row["text"]


def test_syndicated_copy_on_another_site_keeps_its_id_and_shares_the_text(rows: dict[str, dict]):
    # Its rel=canonical points to the original on another site, which is not
    # trusted (a syndicator could claim any article's id); the text hash links them.
    original, copy = rows["el-fasher-camp-shelling"], rows["el-fasher-camp-shelling-syndicated"]
    assert copy["article_id"] != original["article_id"]
    assert copy["content_sha256"] == original["content_sha256"]
