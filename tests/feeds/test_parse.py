"""parse_feed on well-formed feeds of every format, dates and links."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from pipeline.feeds.parse import html_to_text, parse_feed
from pipeline.records import FeedItem

FIXTURES = Path(__file__).parent / "fixtures"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def parse_fixture(name: str, served_from: str | None = None, **kwargs):
    url = served_from or f"https://served.example/feeds/{name}"
    return parse_feed((FIXTURES / name).read_bytes(), url, **kwargs)


def test_rss091_latin1_with_netscape_doctype():
    parsed = parse_fixture("rss091.xml")
    assert parsed.version == "rss091n"
    assert parsed.title == "Café Gazette"
    assert [item.title for item in parsed.items] == ["Café reopens", "Second story"]
    assert parsed.items[0].summary == "The café on the corner is open again."
    # A relative link resolves against the URL the feed was served from.
    assert parsed.items[1].link == "https://served.example/feeds/stories/second.html"
    assert parsed.warnings == []


def test_rss092_strips_html_and_warns_about_item_without_link():
    parsed = parse_fixture("rss092.xml")
    assert parsed.version == "rss092"
    [item] = parsed.items
    assert item.link == "http://radio.example/ep1"
    assert item.summary == "First episode notes."  # tags gone, script gone
    assert item.categories == ("Talk",)
    assert parsed.warnings == ["skipped 1 items with no link (item 2)"]


def test_rss20_fields():
    parsed = parse_fixture("rss20.xml", feed_tags=("news",))
    assert parsed.version == "rss20"
    assert parsed.title == "The Daily Example"
    first, storm, permalink = parsed.items
    assert first == FeedItem(
        feed_url="https://served.example/feeds/rss20.xml",
        link="https://daily.example/2024/05/markets?utm_source=rss",
        feed_title="The Daily Example",
        guid="daily-1001",
        title="Markets rally in Zürich",
        published=utc(2024, 5, 14, 7, 30),  # +0200
        updated=None,
        summary="Stocks rose sharply.\nSecond paragraph & more.",
        author="Anna Example",
        categories=("Business", "Europe"),  # the repeated category collapses
        feed_tags=("news",),
    )
    assert storm.link == "https://served.example/2024/05/storm"  # root-relative
    assert storm.published == utc(2024, 5, 15, 4, 15)  # EST is UTC-5
    assert storm.author == "desk@daily.example (Weather Desk)"
    # No <link>, but a permalink guid: the guid is the link.
    assert permalink.link == "https://daily.example/2024/05/permalink"
    assert permalink.published == utc(2024, 5, 15, 1, 0)


def test_rss10_rdf_dates_with_offsets():
    parsed = parse_fixture("rss10.rdf")
    assert parsed.version == "rss10"
    assert parsed.title == "RDF Site Summary"
    first, second = parsed.items
    assert (first.link, first.title, first.author, first.categories) == (
        "http://rdf.example/a",
        "First RDF item",
        "Ravi",
        ("Science",),
    )
    assert first.published == utc(2024, 3, 1, 6, 30)  # +05:30
    assert second.published == utc(2024, 3, 2)
    assert first.published.tzinfo is timezone.utc


def test_atom10_xml_base_html_title_and_times():
    parsed = parse_fixture("atom10.xml")
    assert parsed.version == "atom10"
    assert parsed.title == "Atom Weekly"  # type="html" title, tags stripped
    one, two = parsed.items
    assert one.link == "https://atom.example/blog/posts/one"  # xml:base wins over the served URL
    assert one.guid == "tag:atom.example,2024:1"
    assert one.published == utc(2024, 6, 1, 1, 0)  # 20:00 -05:00
    assert one.updated == utc(2024, 5, 31, 23, 0)  # 08:00 +09:00
    assert one.summary == "Summary bold"
    assert one.author == "Jo Writer"
    assert one.categories == ("politics", "us")
    # No <published>: published falls back to updated; the summary comes from <content>.
    assert two.published == two.updated == utc(2024, 6, 1, 10, 0)
    assert two.summary == "Body of two"


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("Sun, 31 Dec 2023 23:30:00 -0800", utc(2024, 1, 1, 7, 30)),
        ("Mon, 01 Jan 2024 00:30:00 +1400", utc(2023, 12, 31, 10, 30)),
        ("Mon, 01 Jan 2024 12:00:00 PDT", utc(2024, 1, 1, 19, 0)),
        ("2024-02-29T12:00:00Z", utc(2024, 2, 29, 12, 0)),
        ("2016-12-31T23:59:60Z", utc(2017, 1, 1, 0, 0)),  # leap second carries over, no crash
        ("not a date", None),
    ],
)
def test_pubdate_time_zones(date: str, expected: datetime | None):
    body = (
        "<rss version='2.0'><channel><title>t</title>"
        f"<item><link>https://a.example/x</link><pubDate>{date}</pubDate></item></channel></rss>"
    ).encode()
    [item] = parse_feed(body, "https://a.example/feed").items
    assert item.published == expected


def test_base_url_after_redirect_resolves_links_but_feed_url_names_the_feed():
    body = b"<rss version='2.0'><channel><item><link>p/1</link></item></channel></rss>"
    [item] = parse_feed(body, "https://listed.example/rss", base_url="https://moved.example/news/rss").items
    assert item.link == "https://moved.example/news/p/1"
    assert item.feed_url == "https://listed.example/rss"


def test_duplicate_links_in_one_feed_are_kept_once():
    body = (
        b"<rss version='2.0'><channel>"
        + b"<item><title>a</title><link>https://a.example/1</link></item>" * 3
        + b"<item><title>b</title><link>https://a.example/2</link></item></channel></rss>"
    )
    parsed = parse_feed(body, "https://a.example/feed")
    assert [item.link for item in parsed.items] == ["https://a.example/1", "https://a.example/2"]
    assert "skipped 2 items repeating an earlier item's link" in parsed.warnings


def test_max_items_caps_with_a_warning():
    items = b"".join(b"<item><link>https://a.example/%d</link></item>" % n for n in range(50))
    parsed = parse_feed(b"<rss version='2.0'><channel>" + items + b"</channel></rss>", "https://a.example/f", max_items=10)
    assert len(parsed.items) == 10
    assert parsed.items[-1].link == "https://a.example/9"
    assert "feed has 50 items; kept the first 10" in parsed.warnings


def test_zero_items_is_a_valid_feed():
    parsed = parse_feed(b"<rss version='2.0'><channel><title>quiet</title></channel></rss>", "https://a.example/f")
    assert (parsed.title, parsed.items, parsed.warnings) == ("quiet", [], [])


def test_charset_from_content_type_beats_nothing_declared():
    body = "<rss version='2.0'><channel><title>Ñandú</title></channel></rss>".encode("cp1252")
    assert parse_feed(body, "https://a.example/f", "application/rss+xml; charset=windows-1252").title == "Ñandú"


def test_text_xml_without_charset_is_read_as_utf8_not_ascii():
    body = "<?xml version='1.0'?><rss version='2.0'><channel><title>Ωmega</title></channel></rss>".encode()
    parsed = parse_feed(body, "https://a.example/f", "text/xml")
    assert parsed.title == "Ωmega"
    assert parsed.warnings == []


def test_html_to_text_blocks_entities_and_hidden_elements():
    html = "<div>One&nbsp;&amp; <i>two</i><br>three<style>p{}</style><script>x()</script></div><ul><li>four</li></ul>"
    assert html_to_text(html) == "One & two\nthree\nfour"  # a no-break space collapses like any space
    assert html_to_text("a < b and c > d") == "a < b and c > d"


def _atom(*updated: str) -> bytes:
    entries = "".join(
        f"<entry><id>urn:{n}</id><title>t{n}</title><link href='https://x.org/{n}'/>"
        f"<published>2026-03-24T10:00:00Z</published><updated>{stamp}</updated></entry>"
        for n, stamp in enumerate(updated)
    )
    return (f"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>f</title>{entries}</feed>").encode()


def test_an_item_updated_after_it_was_published_is_a_revision():
    items = parse_feed(_atom("2026-03-24T16:00:00Z", "2026-03-24T10:00:30Z"), "https://x.org/feed", None).items
    assert items[0].revised_at == utc(2026, 3, 24, 16, 0)
    assert items[1].revised_at is None  # within a minute of publication: the same edition


def test_one_updated_stamp_on_every_item_is_when_the_feed_was_generated_not_a_revision():
    items = parse_feed(_atom(*["2026-03-24T18:00:00Z"] * 3), "https://x.org/feed", None).items
    assert [item.updated for item in items] == [None, None, None]
    assert [item.revised_at for item in items] == [None, None, None]
