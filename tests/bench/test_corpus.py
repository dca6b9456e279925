"""The benchmark's corpus generator and loopback server: deterministic pages shaped
like wire copy, feeds that list every article once, per-request latency, and the
pages extract to the article text they were built from."""

from __future__ import annotations

import time
import urllib.request
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.corpus import (
    CorpusServer,
    CorpusSpec,
    article_path,
    index_from_path,
    make_story,
    render_corpus,
    render_page,
)

SPEC = CorpusSpec(articles=23, hosts=4, seed=11, items_per_feed=4)


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def feed_links(body: bytes) -> list[str]:
    return [link.text for link in ET.fromstring(body).iter("link") if link.text and "-id" in link.text]


def test_stories_are_deterministic_wire_copy_of_realistic_length():
    again = CorpusSpec(articles=500, hosts=9, seed=11)  # page i does not depend on N or the host count
    for index in range(12):
        story = make_story(SPEC, index)
        assert story == make_story(again, index)
        assert 600 <= story.word_count <= 1000
        assert story.paragraphs[0].split(" - ", 1)[0].endswith(f"({story.agency})")  # dateline
        assert story.paragraphs[-1].startswith("(Reporting by ")
        assert index_from_path(article_path(story)) == index
    assert make_story(SPEC, 0) != make_story(CorpusSpec(articles=23, hosts=4, seed=12), 0)
    assert len({make_story(SPEC, i).headline for i in range(23)}) > 15


def test_feeds_list_every_article_once_on_its_own_host_and_pages_carry_chrome(tmp_path: Path):
    with CorpusServer(SPEC, latency_s=0.0) as server:
        assert len(set(server.origins)) == SPEC.hosts
        feed_list = server.write_feed_list(tmp_path / "feeds.txt").read_text().split()
        assert len(feed_list) == sum(SPEC.feeds_on(h) for h in range(SPEC.hosts)) == 8
        links = []
        for url in feed_list:
            status, body = get(url)
            assert status == 200
            found = feed_links(body)
            assert 0 < len(found) <= SPEC.items_per_feed
            assert all(link.startswith(url.split("/feeds/")[0]) for link in found)  # same host as its feed
            links += found
        assert sorted(index_from_path(link) for link in links) == list(range(SPEC.articles))

        status, html = get(links[0])
        story = make_story(SPEC, index_from_path(links[0]))
        assert status == 200
        text = html.decode("utf-8")
        for chrome in ('id="cookie-banner"', "<nav>", 'class="related"', "<footer", "application/ld+json",
                       'rel="canonical"'):
            assert chrome in text
        assert story.headline.split(" ")[0] in text
        assert get(server.origins[0] + "/robots.txt")[0] == 200
        assert get(server.origins[0] + "/no-such-page")[0] == 404
        wrong_host = server.origins[1] + article_path(make_story(SPEC, 0))  # article 0 lives on host 0
        assert get(wrong_host)[0] == 404
        assert server.requests >= len(feed_list) + 4


def test_latency_is_added_to_every_request_and_requests_overlap():
    with CorpusServer(SPEC, latency_s=0.2) as server:
        url = server.origins[0] + "/robots.txt"
        started = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(lambda _: get(url)[0], range(4)))
        elapsed = time.perf_counter() - started
    assert statuses == [200] * 4
    assert elapsed >= 0.2  # the latency was added
    assert server.stats[0].max_in_flight >= 2  # the requests overlapped, not queued


def test_rendered_folder_serves_the_same_bytes(tmp_path: Path):
    folder = render_corpus(SPEC, tmp_path / "corpus", processes=1)
    assert render_corpus(SPEC, folder) == folder  # reused, not rebuilt
    with CorpusServer(SPEC, latency_s=0.0, rendered=folder) as disk, CorpusServer(SPEC, latency_s=0.0) as live:
        for path in (article_path(make_story(SPEC, 5)), "/feeds/latest-1.xml"):
            host = 5 % SPEC.hosts if "-id" in path else 0
            from_disk = get(disk.origins[host] + path)[1].replace(disk.origins[host].encode(), b"ORIGIN")
            built = get(live.origins[host] + path)[1].replace(live.origins[host].encode(), b"ORIGIN")
            assert from_disk == built


def test_pages_extract_to_the_story_they_were_built_from():
    from bench.bare_loop import page_records
    from pipeline.extract.article import extract_article

    pages = page_records(SPEC, 3)
    for page in pages:
        story = make_story(SPEC, index_from_path(page.url))
        row = extract_article(page, "t")
        assert row["title"] == story.headline
        assert row["agency"] == story.agency
        assert row["dateline_place"] == story.paragraphs[0].split(",")[0]
        assert abs(row["word_count"] - story.word_count) / story.word_count < 0.1  # body, not menus or footers
        for chrome in ("Accept all", "Sign up for our daily briefing", "Most read", "Terms of use"):
            assert chrome not in row["text"]
    with pytest.raises(ValueError):
        CorpusSpec(articles=0)
    assert render_page(SPEC, make_story(SPEC, 1), "http://h:1", 1).startswith(b"<!DOCTYPE html>")
