"""Feed lists: OPML, YAML, text, a single feed, and lists that are wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.feeds.feedlist import FeedListResult, load_feed_list, parse_feed_list
from pipeline.records import FeedSource, StageError

FIXTURES = Path(__file__).parent / "fixtures"

NESTED_OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My subscriptions</title></head>
  <body>
    <outline text="News">
      <outline text="World" title="World news">
        <outline type="rss" text="Daily Example" xmlUrl="https://daily.example/rss.xml" htmlUrl="https://daily.example/"/>
        <outline type="rss" title="Only a title" xmlUrl="https://titled.example/feed" category="/Europe/Politics,Economy"/>
      </outline>
      <outline type="rss" text="Daily again" xmlUrl="HTTPS://DAILY.example:443/rss.xml#frag"/>
    </outline>
    <outline text="Tech">
      <outline type="rss" text="Daily Example in Tech" xmlUrl="https://daily.example/rss.xml"/>
      <outline type="rss" text="Gopher" xmlUrl="gopher://old.example/feed"/>
      <outline type="rss" text="Forgot the URL"/>
      <outline type="link" text="A web page" url="https://page.example/"/>
      <outline type="rss" text="Case" xmlurl="https://lowercase-attr.example/rss"/>
    </outline>
  </body>
</opml>
"""


def test_nested_opml_folders_become_tags_and_duplicates_merge():
    result = parse_feed_list(NESTED_OPML, "subscriptions.opml")
    assert result.format == "opml"
    assert result.is_feed is False
    assert result.feeds == (
        FeedSource("https://daily.example/rss.xml", "Daily Example", ("News", "World", "Tech")),
        FeedSource("https://titled.example/feed", "Only a title", ("News", "World", "Europe", "Politics", "Economy")),
        FeedSource("https://lowercase-attr.example/rss", "Case", ("Tech",)),
    )
    warnings = "\n".join(result.warnings)
    # Case, default port and fragment do not make another feed.
    assert "line 10: https://daily.example:443/rss.xml#frag repeats line 7; tags merged" in warnings
    assert "line 13: https://daily.example/rss.xml repeats line 7" in warnings
    assert "line 14: 'gopher://old.example/feed' refused: scheme gopher: not allowed" in warnings
    assert "line 15: outline 'Forgot the URL' has type=rss but no xmlUrl" in warnings
    assert "line 16: outline 'A web page' has no xmlUrl; skipped" in warnings
    assert not any(w.startswith(("line 5:", "line 6:", "line 12:")) for w in result.warnings)  # folders are fine


def test_opml_with_entities_is_refused():
    body = b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]><opml><body><outline text="&x;" xmlUrl="https://a.example/f"/></body></opml>'
    with pytest.raises(StageError) as caught:
        parse_feed_list(body, "list.opml")
    assert caught.value.error_type == "unsafe_xml"


def test_opml_in_utf16():
    body = NESTED_OPML.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert len(parse_feed_list(body, "list.opml").feeds) == 3


def test_malformed_opml_is_a_bad_feed_list_with_the_position():
    with pytest.raises(StageError) as caught:
        parse_feed_list(b'<opml><body><outline xmlUrl="https://a.example/f"></body></opml>', "list.opml")
    assert caught.value.error_type == "bad_feed_list"
    assert "line 1" in caught.value.message


YAML_FEEDS = b"""# my feeds
feeds:
  - url: https://daily.example/rss.xml
    name: Daily Example
    tags: [news, world]
  - https://plain.example/feed
  - url: https://daily.example/rss.xml
    tags: economy
  - url: javascript:alert(1)
  - name: no url here
  - url: https://typo.example/feed
    tag: [oops]
  - 42
settings:
  ignored: true
"""


def test_yaml_mapping_with_all_entry_kinds():
    result = parse_feed_list(YAML_FEEDS, "feeds.yaml")
    assert result.format == "yaml"
    assert result.feeds == (
        FeedSource("https://daily.example/rss.xml", "Daily Example", ("news", "world", "economy")),
        FeedSource("https://plain.example/feed"),
        FeedSource("https://typo.example/feed"),
    )
    warnings = "\n".join(result.warnings)
    assert "top-level key 'settings' ignored" in warnings
    assert "entry 3 (line 7): https://daily.example/rss.xml repeats entry 1 (line 3); tags merged" in warnings
    assert "entry 4 (line 9): 'javascript:alert(1)' refused" in warnings
    assert "entry 5 (line 10): no URL" in warnings
    assert "entry 6 (line 11): unknown keys ['tag'] ignored" in warnings
    assert "entry 7 (line 13): expected a URL or a mapping with 'url', got int" in warnings


def test_yaml_bare_list_of_urls_without_extension():
    result = parse_feed_list(b"- https://a.example/rss\n- https://b.example/atom\n", "")
    assert result.format == "yaml"
    assert [feed.url for feed in result.feeds] == ["https://a.example/rss", "https://b.example/atom"]


def test_yaml_bare_list_of_mappings():
    body = b"- {url: https://a.example/rss, name: A, tags: [x]}\n- url: https://b.example/atom\n  title: B\n"
    result = parse_feed_list(body, "https://lists.example/feeds")
    assert result.feeds == (FeedSource("https://a.example/rss", "A", ("x",)), FeedSource("https://b.example/atom", "B"))


def test_yaml_refuses_python_tags():
    with pytest.raises(StageError) as caught:
        parse_feed_list(b"feeds:\n  - !!python/object/apply:os.system ['echo hi']\n", "feeds.yml")
    assert caught.value.error_type == "bad_feed_list"
    assert "not valid YAML" in caught.value.message


def test_text_list_with_comments_names_and_bad_lines():
    body = b"""# world news
https://daily.example/rss.xml   Daily Example
\t
https://plain.example/feed # trailing comment
  # indented comment
daily.example/other
ftp://files.example/feed
https://plain.example/feed
https://frag.example/feed#section
"""
    result = parse_feed_list(body, "feeds.txt")
    assert result.format == "text"
    assert result.feeds == (
        FeedSource("https://daily.example/rss.xml", "Daily Example"),
        FeedSource("https://plain.example/feed"),
        FeedSource("https://frag.example/feed#section"),
    )
    assert result.warnings == (
        "line 6: 'daily.example/other' refused: scheme (none) not allowed; only http and https "
        "(write it with http:// or https://)",
        "line 7: 'ftp://files.example/feed' refused: scheme ftp: not allowed; only http and https",
        "line 8: https://plain.example/feed repeats line 4; tags merged",
    )


def test_text_list_is_detected_without_an_extension():
    result = parse_feed_list(b"https://a.example/rss\n# c\nhttps://b.example/rss\n", "")
    assert result.format == "text"
    assert len(result.feeds) == 2


def test_a_single_feed_given_as_the_list():
    body = (FIXTURES / "rss20.xml").read_bytes()
    result = parse_feed_list(body, "https://daily.example/rss.xml")
    assert result == FeedListResult(
        feeds=(FeedSource("https://daily.example/rss.xml", "The Daily Example"),),
        is_feed=True,
        format="feed",
        warnings=(),
    )


@pytest.mark.parametrize("fixture", ["atom10.xml", "rss10.rdf", "rss091.xml"])
def test_every_feed_format_is_recognised_as_a_single_feed(fixture: str):
    result = parse_feed_list((FIXTURES / fixture).read_bytes(), "https://x.example/feed")
    assert result.is_feed and result.feeds[0].url == "https://x.example/feed"


def test_a_single_feed_read_from_a_local_path_asks_for_its_url():
    with pytest.raises(StageError) as caught:
        parse_feed_list((FIXTURES / "atom10.xml").read_bytes(), "/data/feed.xml")
    assert caught.value.error_type == "bad_feed_list"
    assert "single feed" in caught.value.message


def test_a_single_feed_with_entities_is_refused():
    body = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "http://169.254.169.254/">]><rss version="2.0"><channel><title>&x;</title></channel></rss>'
    with pytest.raises(StageError) as caught:
        parse_feed_list(body, "https://x.example/feed")
    assert caught.value.error_type == "unsafe_xml"


@pytest.mark.parametrize(
    ("body", "name", "said"),
    [
        (b"", "feeds.txt", "no usable feed URL"),
        (b"# only comments\n\n", "", "no usable feed URL"),
        (b"just some words\nand more", "", "refused"),
        (b"feeds:\n  - url: file:///etc/passwd\n", "feeds.yaml", "scheme file:"),
        (b"feeds: {url: https://a.example/}\n", "feeds.yaml", "'feeds' must be a list"),
        (b"title: not a feed list\n", "", "no 'feeds' key"),
        (b"feeds: [unclosed\n", "feeds.yaml", "not valid YAML"),
        (b"<html><body>404</body></html>", "https://x.example/feeds.opml", "an HTML page"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "", "root <svg>"),
        (b"<opml version='2.0'><body/></opml>", "", "read as opml"),
    ],
)
def test_bad_lists_say_what_is_accepted(body: bytes, name: str, said: str):
    with pytest.raises(StageError) as caught:
        parse_feed_list(body, name)
    assert caught.value.error_type == "bad_feed_list"
    assert said in caught.value.message
    assert "Accepted feed lists" in caught.value.message
    assert "https://example.com/feed.xml" in caught.value.message  # an example


def test_invalid_utf8_is_reported_not_fatal():
    result = parse_feed_list(b"https://a.example/rss caf\xe9 news\n", "feeds.txt")
    assert result.feeds == (FeedSource("https://a.example/rss", "caf\ufffd news"),)
    assert result.warnings[0].startswith("the feed list is not valid UTF-8")


def test_load_feed_list_reads_local_files(tmp_path: Path):
    path = tmp_path / "feeds.opml"
    path.write_bytes(NESTED_OPML)
    assert len(load_feed_list(str(path)).feeds) == 3


def test_load_feed_list_missing_file(tmp_path: Path):
    with pytest.raises(StageError) as caught:
        load_feed_list(str(tmp_path / "nope.txt"))
    assert caught.value.error_type == "bad_feed_list"
    assert "nope.txt" in caught.value.message


def test_load_feed_list_size_cap(tmp_path: Path):
    path = tmp_path / "feeds.txt"
    path.write_bytes(b"https://a.example/rss\n" * 100)
    with pytest.raises(StageError) as caught:
        load_feed_list(str(path), max_bytes=1000)
    assert "larger than 1000 bytes" in caught.value.message


def test_load_feed_list_fetches_urls_with_the_given_callable():
    asked: list[str] = []

    def fetch(url: str) -> bytes:
        asked.append(url)
        return (FIXTURES / "atom10.xml").read_bytes()

    result = load_feed_list("https://atom.example/blog/feed.atom", fetch)
    assert asked == ["https://atom.example/blog/feed.atom"]
    assert result.is_feed and result.feeds[0].name == "Atom Weekly"
