from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pipeline.extract.article import content_sha256, extract_article, plain_text, split_authors
from pipeline.extract.language import choose_language, detect_language, language_from_html
from pipeline.extract.urls import article_id
from pipeline.records import FeedItem, StageError
from pipeline.sinks.schema import ARTICLE_SCHEMA
from tests.extract.pages import BLOG_PAGE, FETCHED_AT, NAV_ONLY_PAGE, WIRE_PAGE, make_page

CHROME = [
    "cookies", "Accept all", "Subscribe now", "Related stories", "Oil prices climb", "Sign up for our daily",
    "Copyright 2024", "Privacy policy", "Home", "Business", "Popular posts", "Ten best coffee",
]


@pytest.fixture(scope="module")
def wire_row() -> dict:
    return extract_article(make_page(WIRE_PAGE), "run-1")


def test_row_has_exactly_the_schema_columns(wire_row):
    assert set(wire_row) == set(ARTICLE_SCHEMA.names)
    assert wire_row["entities"] == [] and wire_row["entity_summary"] == []
    assert wire_row["quantities"] == [] and wire_row["event_counts"] == []
    assert wire_row["enrichment_status"] is None
    assert wire_row["run_id"] == "run-1"


def test_row_converts_to_the_arrow_schema(wire_row):
    import pyarrow as pa

    table = pa.Table.from_pylist([wire_row], schema=ARTICLE_SCHEMA)
    assert table.num_rows == 1
    assert table.column("article_id")[0].as_py() == wire_row["article_id"]


def test_wire_page_metadata(wire_row):
    assert wire_row["title"] == "Iraq says talks with Kurdish region to resume next week"
    assert wire_row["authors"] == ["Jane Doe", "Ali Hassan"]
    assert wire_row["source"] == "Example News"
    assert wire_row["language"] == "en"
    assert wire_row["description"].startswith("Baghdad and Erbil will meet again")
    assert wire_row["image_url"] == "https://cdn.example-news.com/img/baghdad.jpg"
    assert "Iraq" in wire_row["tags"] and "Oil" in wire_row["tags"] and "Middle East" in wire_row["tags"]
    assert wire_row["item_summary"] == "Talks between Baghdad & Erbil resume."


def test_wire_page_date_is_the_page_timestamp_in_utc(wire_row):
    assert wire_row["published_at"] == datetime(2024, 3, 24, 11, 5, tzinfo=timezone.utc)
    assert wire_row["published_at_source"] == "page"
    assert wire_row["fetched_at"] == FETCHED_AT


def test_wire_page_canonical_and_id(wire_row):
    assert wire_row["canonical_url"] == "https://example-news.com/world/iraq-talks-resume-2024-03-24/"
    assert wire_row["article_id"] == article_id(wire_row["canonical_url"])
    assert wire_row["url"].endswith("utm_medium=feed")  # the fetched URL is kept as fetched


def test_wire_page_text_is_clean(wire_row):
    text = wire_row["text"]
    assert text.startswith("Iraq's federal government said on Sunday")
    assert "estimated\n" not in text and "$1 billion a month" in text
    for chrome in CHROME:
        assert chrome not in text, chrome
    # furniture is out of the body and in its own columns
    assert "BAGHDAD" not in text and "(Reuters)" not in text and "Editing by" not in text
    assert wire_row["dateline_place"] == "BAGHDAD"
    assert wire_row["agency"] == "Reuters"
    assert wire_row["credits"] == [
        "(Reporting by Jane Doe and Ali Hassan; Additional reporting by Omar Said in Erbil; Writing by John Roe; "
        "Editing by Mark Potter)"
    ]
    # trafilatura drops the <p class="byline">; it is read from the HTML instead
    assert wire_row["byline"] == "By Jane Doe and Ali Hassan"
    assert wire_row["word_count"] == len(text.split())
    assert wire_row["content_sha256"] == content_sha256(text)


def test_same_article_via_amp_and_http_gets_the_same_id(wire_row):
    amp = make_page(WIRE_PAGE.replace('<link rel="canonical" href="https://www.example-news.com/world/iraq-talks-resume-2024-03-24/">', ""),
                    url="http://example-news.com/world/iraq-talks-resume-2024-03-24/amp/?fbclid=abc")
    assert extract_article(amp, "run-1")["article_id"] == wire_row["article_id"]


def test_syndicated_copy_keeps_its_own_id_but_same_content_hash(wire_row):
    copy = make_page(WIRE_PAGE, url="https://syndicator.example.org/partner/iraq-talks")
    row = extract_article(copy, "run-1")
    assert row["canonical_url"] == "https://syndicator.example.org/partner/iraq-talks"
    assert row["article_id"] != wire_row["article_id"]
    assert row["content_sha256"] == wire_row["content_sha256"]


def test_latin1_blog_page_with_feed_fallbacks():
    item = FeedItem(
        feed_url="https://blog.example.org/feed", link="http://blog.example.org/2024/cafe-rules",
        title="Cafe owners", author="Anna Schmidt and Tom Weber",
        published=datetime(2024, 3, 20, 7, 45, tzinfo=timezone.utc), categories=("Local", "local"),
    )
    page = make_page(BLOG_PAGE, url="http://blog.example.org/2024/cafe-rules", encoding="latin-1",
                     content_type="text/html", item=item)
    row = extract_article(page, "run-2")
    assert row["title"] == "Café owners fight new rules"
    assert "naïve hope" in row["text"] and "Ã" not in row["text"]
    assert row["authors"] == ["Anna Schmidt", "Tom Weber"]
    assert row["published_at"] == item.published and row["published_at_source"] == "feed"
    assert row["source"] == "blog.example.org"
    assert row["tags"] == ["Local"]
    assert row["language"] == "en"  # no metadata: detected
    assert row["canonical_url"] == "https://blog.example.org/2024/cafe-rules"
    for chrome in ("Archive", "About us", "Popular posts", "Ten best coffee"):
        assert chrome not in row["text"]


def test_no_dates_anywhere_uses_fetch_time():
    item = FeedItem(feed_url="https://blog.example.org/feed", link="https://blog.example.org/x")
    row = extract_article(make_page(BLOG_PAGE, url="https://blog.example.org/x", item=item), "r")
    assert (row["published_at"], row["published_at_source"]) == (FETCHED_AT, "fetch")
    assert row["authors"] == [] and row["title"] == "Café owners fight new rules"


def test_navigation_only_page_is_no_text():
    with pytest.raises(StageError) as info:
        extract_article(make_page(NAV_ONLY_PAGE), "r")
    assert info.value.error_type == "no_text"
    assert "words of text" in info.value.message


def test_empty_body_is_no_text():
    with pytest.raises(StageError) as info:
        extract_article(make_page(b""), "r")
    assert info.value.error_type == "no_text"


def test_oversized_html_is_refused_before_parsing():
    with pytest.raises(StageError) as info:
        extract_article(make_page(WIRE_PAGE), "r", max_html_bytes=1000)
    assert info.value.error_type == "too_large"
    assert "1,000" in info.value.message


def test_pdf_served_as_html_is_refused():
    with pytest.raises(StageError) as info:
        extract_article(make_page(b"%PDF-1.7\n1 0 obj << >> endobj"), "r")
    assert info.value.error_type == "not_html"


def test_deeply_nested_page_does_not_crash():
    html = "<html><body>" + "<div>" * 20000 + "<p>deep</p>" + "</div>" * 20000 + "</body></html>"
    with pytest.raises(StageError) as info:
        extract_article(make_page(html), "r")
    assert info.value.error_type in {"no_text", "parse_error"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jane Doe; John Roe", ["Jane Doe", "John Roe"]),
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Jane Doe, John Roe & Ann Lee", ["Jane Doe", "John Roe", "Ann Lee"]),
        ("Doe, Jane", ["Doe, Jane"]),
        ("jane@example.com", []),
        ("Jane Doe; jane doe", ["Jane Doe"]),
        ("Analysis by Chris Cillizza; CNN Editor-at-large", ["Chris Cillizza"]),
        ("STEVE PEOPLES; AP National Political Writer", ["STEVE PEOPLES"]),
        ("Tom Gillespie News reporter", ["Tom Gillespie"]),
        ("Paul Takahashi; Staff writer", ["Paul Takahashi"]),
        ("Jeff Foust Monday; November", ["Jeff Foust"]),
        (None, []),
    ],
)
def test_split_authors(raw, expected):
    assert split_authors(raw) == expected


def test_plain_text_and_hash_normalisation():
    assert plain_text("<p>A &amp; B</p>\n<p>C</p>") == "A & B C"
    assert plain_text("  ") is None
    assert content_sha256("a  b\n\nc ") == content_sha256("a b c")


def test_language_sources():
    assert language_from_html('<html lang="de-DE"><head>') == "de"
    assert language_from_html('<html><head><meta property="og:locale" content="fr_FR">') == "fr"
    assert language_from_html("<html><head>") is None
    assert detect_language("Der Minister sagte, dass die Regierung die Pläne für das Jahr nicht ändern wird und auch mit dem Ergebnis zufrieden ist.") == "de"
    assert detect_language("El gobierno dijo que la reunión con los ministros de la región se celebrará en la capital para discutir las medidas.") == "es"
    assert detect_language("12 34 56") is None
    assert choose_language("en-US", '<html lang="de">', "") == "en"
    english = "The minister said that the plan was in the interest of the people and that it would be on the table. " * 5
    assert choose_language(None, '<html lang="de">', english) == "en"  # a confident vote overrides a lying template
    assert choose_language(None, '<html lang="de">', "Kurz: ok.") == "de"  # too little text to overrule


def test_extraction_never_touches_the_network(monkeypatch):
    # trafilatura is a parser only here: any attempt to resolve or connect is recorded and refused.
    import socket

    attempts: list[str] = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args[:2]))
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    row = extract_article(make_page(WIRE_PAGE), "r")
    assert row["title"].startswith("Iraq says talks")
    assert attempts == []
