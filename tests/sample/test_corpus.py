"""The corpus files and expected.json agree with each other and with the brief."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from defusedxml import ElementTree
from lxml import html as lxml_html

from pipeline.sample import build_corpus
from pipeline.sample.corpus import load_expected, load_manifest, read_data

EXPECTED = load_expected()
MANIFEST = load_manifest()
ARTICLES = EXPECTED["articles"]
BY_ID = {a["id"]: a for a in ARTICLES}


def page_bytes(article: dict[str, Any]) -> bytes:
    return read_data(MANIFEST["routes"][article["site"]][article["path"]]["file"])


def page_text(article: dict[str, Any]) -> str:
    return page_bytes(article).decode(article["charset"])


def page_tree(article: dict[str, Any]) -> Any:
    return lxml_html.document_fromstring(page_bytes(article))


def body_paragraphs(article: dict[str, Any]) -> list[str]:
    """The article's paragraphs as a reader sees them (the <p> elements of the article body)."""
    tree = page_tree(article)
    body = tree.xpath(
        '//div[contains(@class,"story-body") or contains(@class,"entry-content") '
        'or contains(@class,"article__body") or @class="text"]'
    )
    assert len(body) == 1, article["id"]
    return [" ".join(p.text_content().split()) for p in body[0].iter("p")]


def visible_body(article: dict[str, Any]) -> str:
    return " ".join(body_paragraphs(article))


def json_ld(article: dict[str, Any]) -> dict[str, Any]:
    scripts = page_tree(article).xpath('//script[@type="application/ld+json"]/text()')
    assert len(scripts) == 1
    return json.loads(scripts[0])


def test_committed_corpus_matches_the_generator(tmp_path: Path) -> None:
    build_corpus.build(tmp_path)
    assert build_corpus.tree_bytes(tmp_path) == build_corpus.tree_bytes(build_corpus.DATA_DIR)


def test_corpus_size_and_spread() -> None:
    unique_bodies = {visible_body(a) for a in ARTICLES}
    english = [a for a in ARTICLES if a["language"] == "en"]
    assert len(unique_bodies) >= 22 and len(english) >= 22
    assert len({a["site"] for a in ARTICLES}) >= 3
    assert len(EXPECTED["dates_utc"]) >= 3
    assert EXPECTED["dates_utc"] == sorted({a["date_utc"] for a in ARTICLES})
    assert any(a["local_date"] != a["date_utc"] for a in ARTICLES)
    assert {a["page_date"] for a in ARTICLES} == {"jsonld", "meta", "visible", "none"}
    assert [a["language"] for a in ARTICLES if a["language"] != "en"] == ["de"]
    assert Counter(a["agency"] for a in ARTICLES).keys() >= {"Reuters", "AP", "AFP"}


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a["id"])
def test_article_page_matches_expected(article: dict[str, Any]) -> None:
    tree = page_tree(article)
    text = page_text(article)
    paragraphs = body_paragraphs(article)
    words = sum(len(p.split()) for p in paragraphs if "credits" not in p)
    assert 350 <= article["word_count"] <= 800
    assert abs(words - article["word_count"]) <= 40  # body plus the credit line
    # title, language, canonical, OpenGraph
    assert tree.findtext(".//title").startswith(article["title"])
    assert tree.xpath("//h1")[0].text_content().strip() == article["title"]
    assert tree.get("lang").split("-")[0] == article["language"]
    assert tree.xpath('//link[@rel="canonical"]/@href') == [article["declared_canonical"]]
    assert tree.xpath('//meta[@property="og:title"]/@content') == [article["title"]]
    # JSON-LD NewsArticle
    ld = json_ld(article)
    assert ld["@type"] == "NewsArticle" and ld["headline"] == article["title"]
    assert [a["name"] for a in ld["author"]] == article["authors"]
    assert ld["publisher"]["name"] == EXPECTED["sites"][article["site"]]["name"]
    # where the date is stated
    has_meta_date = bool(tree.xpath('//meta[@property="article:published_time"]'))
    assert ("datePublished" in ld) == (article["page_date"] == "jsonld")
    assert has_meta_date == (article["page_date"] == "meta")
    if article["page_date"] == "none":
        assert not re.search(r"\b(19|20)\d\d-\d\d-\d\d", text) and "<time" not in text
        assert "/20" not in article["path"]  # nor in the URL
    # the body: dateline first, credits last, byline outside the body
    assert paragraphs[0].startswith(article["first_sentence_start"])
    assert paragraphs[0].startswith(article["dateline_place"])
    if article["credits"]:
        assert paragraphs[-1] == article["credits"][0]
    assert article["byline"] in " ".join(tree.xpath("//body")[0].text_content().split())
    assert article["byline"] not in " ".join(paragraphs)
    # chrome that extraction must drop
    lowered = text.lower()
    assert "cookie" in lowered and "<form" in lowered and "facebook.com/sharer" in lowered
    assert "newsletter" in lowered or "subscribe" in lowered
    other_paths = {a["path"] for a in ARTICLES if a["site"] == article["site"] and a is not article}
    related = set(tree.xpath("//a/@href")) & other_paths
    assert len(related) >= 1


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a["id"])
def test_facts_are_in_the_text(article: dict[str, Any]) -> None:
    body = visible_body(article)
    facts = article["facts"]
    for surname, full in facts["people"].items():
        assert full in body
        assert surname in body.replace(full, ""), f"{surname} is never used alone"
    for acronym, expansion in facts["organizations"].items():
        assert f"{expansion} ({acronym})" in body
    assert facts["counts"], "every story has at least one count"
    for count in facts["counts"]:
        assert count["evidence"] in body
        assert count["high"] is None or count["low"] is None or count["low"] <= count["high"]
    for key in ("negations", "hypotheticals", "vague", "distractors", "non_ascii", "superseded"):
        for phrase in facts.get(key, []):
            assert phrase in body, (key, phrase)


def test_headline_counts() -> None:
    killed = {a["id"]: c for a in ARTICLES for c in a["facts"]["counts"] if c["category"] == "killed"}
    assert killed["baghdad-market-bomb"]["low"] == 12 and killed["baghdad-market-bomb"]["high"] is None
    assert killed["nepal-earthquake-toll"]["low"] == killed["nepal-earthquake-toll"]["high"] == 137
    assert killed["karachi-port-protest"]["high"] == 0
    detained = {a["id"]: c for a in ARTICLES for c in a["facts"]["counts"] if c["category"] == "detained"}
    assert detained["baghdad-market-bomb"]["low"] == 23


def test_syndicated_pair_shares_body_and_points_home() -> None:
    (pair,) = EXPECTED["syndicated"]
    original = next(a for a in ARTICLES if (a["site"], a["path"]) == (pair["original"]["site"], pair["original"]["path"]))
    copy = next(a for a in ARTICLES if (a["site"], a["path"]) == (pair["copy"]["site"], pair["copy"]["path"]))
    assert original["site"] != copy["site"]
    assert body_paragraphs(original) == body_paragraphs(copy)
    assert page_text(original) != page_text(copy)
    assert copy["declared_canonical"] == pair["copy_canonical"]
    assert copy["declared_canonical"] == EXPECTED["sites"][original["site"]]["token"] + original["path"]
    # a canonical on another site is not trusted: the copy keeps its own URL
    assert copy["canonical_url"] == EXPECTED["sites"][copy["site"]]["token"] + copy["path"]


def test_pages_that_tell_one_story() -> None:
    groups = {g["kind"]: [BY_ID[i] for i in g["articles"]] for g in EXPECTED["same_story"]}
    (pair,) = EXPECTED["syndicated"]
    assert [(a["site"], a["path"]) for a in groups["copy_with_canonical_to_original"]] == [
        (pair[role]["site"], pair[role]["path"]) for role in ("original", "copy")]
    # three outlets, one wire story: each copy edited, each with its own canonical URL
    original, *copies = groups["edited_copies"]
    assert len({a["site"] for a in groups["edited_copies"]}) == 3
    assert len({a["title"] for a in groups["edited_copies"]}) == 3
    assert len({a["agency"] for a in groups["edited_copies"]}) == 1
    kept = body_paragraphs(original)[:-1]  # its credit line is the last paragraph
    for copy in copies:
        assert copy["declared_canonical"] == copy["canonical_url"] != original["canonical_url"]
        assert body_paragraphs(copy) != body_paragraphs(original)
    trimmed, inserted = copies
    assert body_paragraphs(trimmed)[:-1] == kept[:-1] and trimmed["credits"] != original["credits"]
    curly = [p.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'") for p in body_paragraphs(inserted)]
    assert len(curly) == len(body_paragraphs(original)) + 1 and set(kept) < set(curly)
    assert "\u201c" in visible_body(inserted) and '"' not in visible_body(inserted)
    # one outlet re-issues its story later the same day at a new address, with a new toll
    morning, evening = groups["same_outlet_update"]
    assert morning["site"] == evening["site"] and morning["path"] != evening["path"]
    assert morning["date_utc"] == evening["date_utc"] and morning["published_utc"] < evening["published_utc"]
    shared = set(body_paragraphs(morning)) & set(body_paragraphs(evening))
    assert len(shared) >= len(body_paragraphs(morning)) - 3
    killed = {a["id"]: next(c for c in a["facts"]["counts"] if c["category"] == "killed") for a in (morning, evening)}
    assert (killed[morning["id"]]["low"], killed[evening["id"]]["low"]) == (9, 14)


def test_the_failing_item_is_in_a_feed_but_not_served() -> None:
    (failure,) = EXPECTED["failures"]
    assert failure["status"] == 404
    assert failure["path"] not in MANIFEST["routes"][failure["site"]]
    feed = next(f for f in EXPECTED["feeds"] if f["site"] == failure["site"])
    assert EXPECTED["sites"][failure["site"]]["token"] + failure["path"] in feed["links"]


def test_meta_only_charset_page() -> None:
    (article,) = [a for a in ARTICLES if a["charset"] != "utf-8"]
    raw = page_bytes(article)
    route = MANIFEST["routes"][article["site"]][article["path"]]
    assert route["content_type"] == "text/html"
    assert b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">' in raw
    text = raw.decode("cp1252")
    for phrase in ("Zürich", "café", "Genève", "€240,000", "“"):
        assert phrase in text
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_every_feed_format_and_date_style_is_present() -> None:
    assert {f["format"] for f in EXPECTED["feeds"]} == {"rss20", "atom10", "rss10", "rss092"}
    wire = read_data("sites/wire/feed.xml").decode()
    zones = set(re.findall(r"<pubDate>.*\d\d:\d\d:\d\d (\S+)</pubDate>", wire))
    assert len(zones) >= 4 and "GMT" in zones and "EDT" in zones
    atom = read_data("sites/herald/feed.xml").decode()
    assert re.search(r"<published>[^<]+Z</published>", atom)
    assert re.search(r"<published>[^<]+[+-]\d\d:\d\d</published>", atom)
    assert "<dc:date>" in read_data("sites/monitor/feed.rdf").decode()
    assert read_data("sites/alpine/feed.xml").startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>')


def _opml_feeds(raw: bytes) -> tuple[list[tuple[str, str, tuple[str, ...]]], int]:
    root = ElementTree.fromstring(raw)
    feeds, max_depth = [], 0

    def walk(node: Any, depth: int) -> None:
        nonlocal max_depth
        for outline in node.findall("outline"):
            if outline.get("xmlUrl"):
                max_depth = max(max_depth, depth)
                tags = tuple(outline.get("category", "").split(","))
                feeds.append((outline.get("xmlUrl"), outline.get("text"), tags))
            walk(outline, depth + 1)

    walk(root.find("body"), 1)
    return feeds, max_depth


def test_feed_lists_list_the_same_feeds() -> None:
    assert ElementTree.fromstring(read_data("lists/feeds.opml")).get("version") == "2.0"
    opml, depth = _opml_feeds(read_data("lists/feeds.opml"))
    assert depth >= 3  # nested folders
    listed = yaml.safe_load(read_data("lists/feeds.yaml"))["feeds"]
    yaml_feeds = [(f["url"], f["name"], tuple(f["tags"])) for f in listed]
    txt_urls = [line.strip() for line in read_data("lists/feeds.txt").decode().splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    assert sorted(opml) == sorted(yaml_feeds)
    assert sorted(txt_urls) == sorted(u for u, _, _ in yaml_feeds)
    expected_urls = [EXPECTED["sites"][f["site"]]["token"] + f["path"] for f in EXPECTED["feeds"]]
    assert sorted(txt_urls) == sorted(expected_urls)
    assert {(f["name"], tuple(f["tags"])) for f in EXPECTED["feeds"]} == {(n, t) for _, n, t in yaml_feeds}


def test_every_routed_file_exists_and_is_typed() -> None:
    for site, routes in MANIFEST["routes"].items():
        assert "/robots.txt" in routes
        for path, info in routes.items():
            assert read_data(info["file"]), (site, path)
            assert info["content_type"] and info["last_modified"].endswith("Z")


def test_stories_are_not_html_escaped_in_expected() -> None:
    # expected.json carries plain text (titles with apostrophes), not HTML entities
    assert all(html.unescape(a["title"]) == a["title"] for a in ARTICLES)
    assert any("'" in a["title"] for a in ARTICLES)
