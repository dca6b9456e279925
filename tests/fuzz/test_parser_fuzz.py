"""A short fuzz run of the parsers that read strangers' bytes.

`parse_feed`, `decode_html` and `extract_article` get hostile byte strings and
mutations of real documents (the bundled sample corpus and the fault
fixtures). Whatever the input, they may only succeed with a well-formed result
or raise StageError (which becomes a dead letter), and must answer in bounded
time. Bounded example counts keep the whole file to ~20 s in CI; failures
print a reproduction blob.
"""

from __future__ import annotations

import os
import re
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipeline.extract.article import extract_article
from pipeline.extract.charset import decode_html
from pipeline.feeds.parse import parse_feed
from pipeline.feeds.urls import check_http_url
from pipeline.records import FeedItem, FetchedPage, StageError
from tests.faults.world import (
    BILLION_LAUGHS,
    HTML_ERROR_PAGE,
    NO_TEXT_PAGE,
    PDF,
    article_html,
    external_entity_feed,
    nested_divs,
    rss,
)

SITES = Path(__file__).resolve().parents[2] / "pipeline" / "sample" / "data" / "sites"
FEED_URL = "https://feed.example/rss.xml"
PAGE_URL = "https://news.example/world/story"

# Generous per-document bounds: real documents take milliseconds (feeds) to ~0.3 s (pages).
# Counted in CPU time of the calling thread: a pathological input burns CPU, while a
# machine busy with other tests (xdist, worker processes) only stretches wall-clock time.
FEED_SECONDS = 2.0
PAGE_SECONDS = 5.0

# WIREBEAM_FUZZ_SCALE=50 for a longer hunt on a workstation; CI runs the short default.
SCALE = float(os.environ.get("WIREBEAM_FUZZ_SCALE", "1"))


def fuzz(max_examples: int) -> settings:
    return settings(
        max_examples=int(max_examples * SCALE),
        deadline=None,  # timed by hand below: hypothesis' deadline is flaky on busy CI machines
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _fill_placeholders(data: bytes) -> bytes:
    """The sample corpus names its sites {{SITE_X}}; the server fills them in. So do we."""
    return re.sub(rb"\{\{SITE_([A-Z]+)\}\}", lambda m: b"https://" + m.group(1).lower() + b".example", data)


def _corpus(pattern: str) -> list[bytes]:
    return [_fill_placeholders(p.read_bytes()) for p in sorted(SITES.glob(pattern))]


FEED_SEEDS = _corpus("*/feed.*") + [
    rss("Fixture", ["https://a.example/1", "https://a.example/2"]).encode(),
    BILLION_LAUGHS,
    external_entity_feed("file:///etc/passwd"),
    HTML_ERROR_PAGE,
]
PAGE_SEEDS = _corpus("*/pages/*.html") + [
    article_html("Fixture article", 1, extra_paragraph="<p>Zürich café</p>").encode("utf-8"),
    NO_TEXT_PAGE,
    PDF,
    nested_divs(300, 2),
]
assert len(FEED_SEEDS) >= 8 and len(PAGE_SEEDS) >= 20, "the sample corpus moved"

# Bytes that matter to XML/HTML parsers and decoders.
NASTY = [
    b"\x00", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", b"<", b">", b"&", b"&#0;", b"&#x110000;", b"]]>", b"<![CDATA[",
    b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>", b"<!ENTITY a '&a;'>", b"<?xml version='1.0' encoding='utf-16'?>",
    b'<meta charset="utf-7">', b"<script>", b"</", b"<div>" * 50, b"\r", b"\xc3", b"\xed\xa0\x80", b"%PDF-",
    b"<link>javascript:alert(1)</link>", b"<link>http://user@127.0.0.1/</link>", b"<item>", b"</item>",
]


@st.composite
def mutated(draw, seeds: list[bytes]) -> bytes:
    """A seed document with a few byte-level mutations: insert, delete, duplicate, overwrite, truncate."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "delete", "duplicate", "overwrite", "truncate"]))
        if kind == "insert":
            data[where:where] = draw(st.one_of(st.sampled_from(NASTY), st.binary(min_size=1, max_size=32)))
        elif kind == "delete":
            del data[where : where + draw(st.integers(1, 256))]
        elif kind == "duplicate":
            data[where:where] = data[where : where + draw(st.integers(1, 512))] * draw(st.integers(1, 4))
        elif kind == "overwrite":
            patch = draw(st.binary(min_size=1, max_size=16))
            data[where : where + len(patch)] = patch
        else:
            del data[where:]
    return bytes(data)


hostile_bytes = st.one_of(
    st.binary(max_size=2048),
    st.lists(st.sampled_from(NASTY), max_size=40).map(b"".join),
)
CONTENT_TYPES = st.sampled_from([
    None, "application/rss+xml", "text/xml", "text/html", "application/xml; charset=utf-16",
    "text/html; charset=iso-8859-1", "text/html; charset=nonsense", "application/atom+xml; charset=utf-8",
])


def timed(fn, *args, **kwargs):
    started = time.thread_time()
    try:
        return fn(*args, **kwargs), time.thread_time() - started
    except StageError as error:
        assert error.error_type and error.message, error
        return error, time.thread_time() - started


@fuzz(300)
@given(body=st.one_of(mutated(FEED_SEEDS), hostile_bytes), content_type=CONTENT_TYPES)
def test_parse_feed_returns_safe_items_or_a_stage_error(body, content_type):
    parsed, seconds = timed(parse_feed, body, FEED_URL, content_type)
    assert seconds < FEED_SECONDS, f"parse_feed took {seconds:.2f} s of CPU"
    event(parsed.error_type if isinstance(parsed, StageError) else f"feed with {min(len(parsed.items), 3)}+ items")
    if isinstance(parsed, StageError):
        return
    for item in parsed.items:
        assert check_http_url(item.link) == item.link  # only plain http(s) links leave the parser
        assert item.feed_url == FEED_URL
    for link, reason in parsed.rejected_links:
        assert reason and len(link) <= 300


@fuzz(300)
@given(body=st.one_of(mutated(PAGE_SEEDS), hostile_bytes), content_type=CONTENT_TYPES)
def test_decode_html_returns_text_or_refuses_binary(body, content_type):
    decoded, seconds = timed(decode_html, body, content_type)
    assert seconds < FEED_SECONDS, f"decode_html took {seconds:.2f} s of CPU"
    event(decoded.error_type if isinstance(decoded, StageError) else decoded[1])
    if isinstance(decoded, StageError):
        assert decoded.error_type == "not_html"
        return
    text, codec = decoded
    assert isinstance(text, str) and "\x00" not in text and codec


@pytest.fixture(scope="module")
def dateparser_warmed_up() -> None:
    """Pay dateparser's one-off set-up before timing pages.

    htmldate hands undated-looking text to dateparser, which on first meeting
    text no language matches compiles a regex for each of its ~200 locales:
    5-10 s once per process (cached after), not per document.
    """
    from htmldate.extractors import _external_date

    _external_date("qzxv 2025 wq")


def _page(body: bytes, content_type: str | None) -> FetchedPage:
    item = FeedItem(feed_url=FEED_URL, link=PAGE_URL, title="Feed title", summary="<b>Feed</b> summary")
    return FetchedPage(item=item, url=PAGE_URL, status=200, content_type=content_type, body=body,
                       fetched_at=datetime(2024, 5, 1, tzinfo=timezone.utc))


@fuzz(150)
@given(body=st.one_of(mutated(PAGE_SEEDS), hostile_bytes), content_type=CONTENT_TYPES)
def test_extract_article_returns_an_article_or_a_stage_error(dateparser_warmed_up, body, content_type):
    row, seconds = timed(extract_article, _page(body, content_type), "fuzz")
    assert seconds < PAGE_SECONDS, f"extract_article took {seconds:.2f} s of CPU"
    event(row.error_type if isinstance(row, StageError) else "article")
    if isinstance(row, StageError):
        assert row.error_type in {"too_large", "not_html", "parse_error", "no_text", "bad_url"}, row.error_type
        return
    assert row["word_count"] >= 10 and row["text"].strip()
    assert len(row["article_id"]) == 32 and row["canonical_url"].startswith("https://")
