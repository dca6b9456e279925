"""parse_feed against feeds built to hurt: DTD attacks, broken bytes, bad links, fuzzing."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.feeds.parse import parse_feed
from pipeline.records import StageError

FEED_URL = "https://feed.example/news/rss.xml"
FEEDS = Path(__file__).parent / "data" / "feeds"
HARMLESS_DOCTYPES = json.loads((Path(__file__).parent / "data" / "harmless_doctypes.json").read_text(encoding="utf-8"))

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://feed.example/1</link></item></channel></rss>"""


def external_entity(system_id: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{system_id}">]>
<rss version="2.0"><channel><title>&xxe;</title>
<item><title>&xxe;</title><link>https://feed.example/1</link></item></channel></rss>""".encode()


GOOD_RSS = """<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0"><channel><title>Good</title>
<item><title>One</title><link>https://feed.example/1</link></item>
<item><title>Two</title><link>https://feed.example/2</link></item>
<item><title>Three</title><link>https://feed.example/3</link></item>
</channel></rss>"""


def refused(body: bytes, content_type: str | None = None) -> StageError:
    with pytest.raises(StageError) as caught:
        parse_feed(body, FEED_URL, content_type)
    return caught.value


# --- DTD attacks --------------------------------------------------------------------


def test_billion_laughs_is_refused_quickly():
    started = time.perf_counter()
    error = refused(BILLION_LAUGHS)
    assert error.error_type == "unsafe_xml"
    assert "lolz" in error.message
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    "system_id",
    ["file:///etc/passwd", "http://169.254.169.254/computeMetadata/v1/", "http://metadata.google.internal/"],
)
def test_external_entities_are_refused(system_id: str):
    error = refused(external_entity(system_id))
    assert error.error_type == "unsafe_xml"
    assert "root:" not in error.message  # nothing was read


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"])
def test_doctype_hidden_by_utf16_or_utf32_is_refused(encoding: str):
    declared = "utf-16" if "16" in encoding else "utf-32"
    text = external_entity("file:///etc/passwd").decode().replace('version="1.0"?>', f'version="1.0" encoding="{declared}"?>')
    assert refused(text.encode(encoding)).error_type == "unsafe_xml"


def test_doctype_in_ebcdic_is_refused():
    text = external_entity("file:///etc/passwd").decode().replace('version="1.0"?>', 'version="1.0" encoding="cp037"?>')
    assert refused(text.encode("cp037")).error_type == "unsafe_xml"


def test_doctype_declared_utf7_is_refused():
    # feedparser honours any Python codec named in the XML declaration; UTF-7 hides "<" as "+ADw-".
    body = b'<?xml version="1.0" encoding="utf-7"?>+ADw-!DOCTYPE rss +AFs-+ADw-!ENTITY x SYSTEM "file:///etc/passwd"+AD4-+AF0-+AD4-<rss version="2.0"/>'
    assert refused(body).error_type == "unsafe_xml"


def test_doctype_behind_a_comment_that_mentions_a_tag_is_refused():
    # feedparser's own DOCTYPE stripping stops at the first "<word": this must not.
    body = b'<?xml version="1.0"?><!-- <rss> --><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>&x;</title></channel></rss>'
    assert refused(body).error_type == "unsafe_xml"


def test_doctype_split_by_nul_bytes_is_refused():
    body = b'<?xml version="1.0"?><!DOC\x00TYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"/>'
    assert refused(body).error_type == "unsafe_xml"


@pytest.mark.parametrize(
    ("subset", "reason_part"),
    [
        ('<!ENTITY % pe SYSTEM "http://169.254.169.254/evil.dtd"> %pe;', "parameter entity %pe"),
        # feedparser's own test corpus has this one (wellformed/rdf/doctype_contains_entity_decl.xml).
        ('<!ENTITY % HTMLlat1 PUBLIC "-//W3C//ENTITIES Latin 1 for XHTML//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml-lat1.ent"> %HTMLlat1;', "parameter entity"),
        ("<!ENTITY % inner \"<!ENTITY x 'y'>\"> %inner;", "parameter entity %inner"),
        ("%undeclared; <!ENTITY x 'y'>", "refers to a parameter entity"),
        ('<!ENTITY x PUBLIC "-//Evil//EN" "http://169.254.169.254/latest/meta-data/">', "external entity x"),
        ('<!NOTATION gif SYSTEM "image/gif"><!ENTITY pic SYSTEM "file:///etc/passwd" NDATA gif>', "unparsed entity pic"),
        ('<!ENTITY a "&b;"><!ENTITY b "&c;"><!ENTITY c "&d;"><!ENTITY d "deep">', "nests entities"),
        ('<!ENTITY loop "&loop;">', "in terms of itself"),
        ('<!ENTITY wide "' + "x" * 20_000 + '">', "expanding to 20,000 characters"),
        ('<!ENTITY x "y" junk>', "cannot read"),
    ],
)
def test_harmful_internal_subsets_are_refused(subset: str, reason_part: str):
    body = f'<?xml version="1.0"?><!DOCTYPE rss [{subset}]><rss version="2.0"><channel><item><link>https://feed.example/1</link></item></channel></rss>'
    error = refused(body.encode())
    assert error.error_type == "unsafe_xml"
    assert reason_part in error.message


def test_a_long_chain_of_entities_is_refused_quickly():
    chain = "".join(f'<!ENTITY e{n} "&e{n + 1};">' for n in range(50_000)) + '<!ENTITY e50000 "end">'
    started = time.perf_counter()
    error = refused(f'<!DOCTYPE rss [{chain}]><rss version="2.0"><channel><title>&e0;</title></channel></rss>'.encode())
    assert error.error_type == "unsafe_xml" and "nests entities" in error.message
    assert time.perf_counter() - started < 5.0


def test_many_references_to_a_small_entity_are_refused_past_the_total_limit():
    # Each reference is allowed; together they would add 2 MB to the document (quadratic blowup).
    refs = "&big;" * 200
    body = f'<!DOCTYPE rss [<!ENTITY big "{"x" * 10_000}">]><rss version="2.0"><channel><title>{refs}</title></channel></rss>'
    error = refused(body.encode())
    assert error.error_type == "unsafe_xml" and "more than 1,048,576 characters" in error.message


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE rss [<!ENTITY x "y>]>',  # a literal never closed
        '<!DOCTYPE rss [<!ENTITY x "y">] <!ENTITY z SYSTEM "file:///etc/passwd">',  # markup after the subset
        '<!DOCTYPE rss <!ENTITY x SYSTEM "file:///etc/passwd">',  # markup in place of identifiers
        '<!DOCTYPE rss><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>',  # a second DOCTYPE
        '<!ENTITY x SYSTEM "file:///etc/passwd">',  # outside any DOCTYPE
    ],
)
def test_declarations_outside_one_closed_doctype_are_refused(prolog: str):
    body = f'<?xml version="1.0"?>{prolog}<rss version="2.0"><channel><title>&x;</title></channel></rss>'
    assert refused(body.encode()).error_type == "unsafe_xml"


def test_declarations_in_a_prolog_comment_are_never_expanded():
    # feedparser's own DOCTYPE regexes read `<!ENTITY` even inside comments and hand the entity to its
    # fallback parser, which expanded it 200 times into a 20 MB title before the prolog was blanked.
    body = (
        '<?xml version="1.0"?>\n<!--\n<!DOCTYPE feed [\n<!ENTITY a "' + "x" * 100_000 + '">\n]>\n-->\n'
        '<rss version="2.0"><channel><item><title>' + "&a;" * 200 + "</title><link>https://feed.example/1</link></item></channel></rss>"
    ).encode()
    [item] = parse_feed(body, FEED_URL).items
    assert len(item.title or "") < 1000


# --- harmless DOCTYPEs: the items land -------------------------------------------------


@pytest.mark.parametrize("name", sorted(HARMLESS_DOCTYPES))
def test_harmless_doctypes_keep_their_items(name: str):
    expected = HARMLESS_DOCTYPES[name]
    parsed = parse_feed((FEEDS / name).read_bytes(), FEED_URL)
    assert parsed.version == expected["version"]
    assert [(item.link, item.title, item.guid, item.summary) for item in parsed.items] == [tuple(i) for i in expected["items"]]
    assert not [w for w in parsed.warnings if "malformed" in w]


def test_doctype_identifiers_are_never_fetched():
    """Neither we nor feedparser (which strips DOCTYPEs; xml.sax with external_ges off) fetch a DOCTYPE's DTD."""
    with _RequestCounter() as (url, requests):
        body = (
            f'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Evil//DTD//EN" "{url}/evil.dtd" [<!NOTATION n SYSTEM "{url}/n">]>'
            f'<rss version="2.0"><channel><item><link>https://feed.example/1</link></item></channel></rss>'
        ).encode()
        assert [item.link for item in parse_feed(body, FEED_URL).items] == ["https://feed.example/1"]
        assert len(feedparser.parse(body).entries) == 1
        assert requests == []


def test_doctype_text_inside_cdata_is_item_content_not_a_declaration():
    body = (
        b"<rss version='2.0'><channel><item><link>https://feed.example/1</link>"
        b"<description><![CDATA[<!DOCTYPE x [<!ENTITY a 'b'>]> shown as text]]></description></item></channel></rss>"
    )
    [item] = parse_feed(body, FEED_URL).items
    assert item.link == "https://feed.example/1"


class _RequestCounter:
    """An HTTP server on 127.0.0.1 that records every path asked of it."""

    def __enter__(self) -> tuple[str, list[str]]:
        requests: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}", requests

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


# --- not feeds ------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"", b"   \n\t  "])
def test_empty_body(body: bytes):
    assert refused(body).error_type == "empty_feed"


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>",
        b"<html><body>Service unavailable</body></html>",
        b'<!doctype HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd"><HTML></HTML>',
        b"\xef\xbb\xbf  <!-- cdn --><html lang=en><p>maintenance</p>",
        b"Internal Server Error",
        b'{"error": "rate limited"}',
    ],
)
def test_html_and_other_non_feeds_are_not_a_feed(body: bytes):
    error = refused(body, "text/html; charset=utf-8")
    assert error.error_type == "not_a_feed"


@pytest.mark.parametrize("doctype", ["<!DOCTYPE html>", '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">'])
def test_the_root_element_not_the_doctype_name_says_html(doctype: str):
    feed = f'{doctype}<rss version="2.0"><channel><item><link>https://feed.example/1</link></item></channel></rss>'
    assert len(parse_feed(feed.encode(), FEED_URL).items) == 1
    page = f'{doctype}<html xmlns="http://www.w3.org/1999/xhtml"><body><a href="https://feed.example/1">x</a></body></html>'
    error = refused(page.encode())
    assert (error.error_type, error.message.startswith("an HTML page")) == ("not_a_feed", True)


# --- broken but usable ------------------------------------------------------------------


def test_truncated_feed_keeps_what_parsed_and_says_where():
    whole = GOOD_RSS.format(encoding="utf-8").encode()
    cut = whole[: whole.index(b"<item><title>Three")]
    parsed = parse_feed(cut, FEED_URL)
    assert [item.title for item in parsed.items] == ["One", "Two"]
    [warning] = parsed.warnings
    assert warning.startswith("feed is malformed at line 5:")
    assert warning.endswith("kept 2 items")


def test_malformed_line_number_counts_from_the_original_document():
    body = b"<rss version='2.0'><channel>\n<item><link>https://feed.example/1</link></item>\n<item></wrong></item>\n</channel></rss>"
    parsed = parse_feed(body, FEED_URL)
    assert [item.link for item in parsed.items] == ["https://feed.example/1"]
    assert any(w.startswith("feed is malformed at line 3: mismatched tag") for w in parsed.warnings), parsed.warnings


def test_nul_and_control_bytes_are_removed_with_a_warning():
    body = GOOD_RSS.format(encoding="utf-8").encode().replace(b"<title>Two", b"<title>T\x00w\x0bo")
    parsed = parse_feed(body, FEED_URL)
    assert [item.title for item in parsed.items] == ["One", "Two", "Three"]
    assert "removed 2 control characters (such as NUL) that XML does not allow" in parsed.warnings


def test_wrong_declared_encoding_falls_back_and_warns():
    body = GOOD_RSS.format(encoding="utf-8").replace("Two", "Deux à Zoë").encode("cp1252")
    parsed = parse_feed(body, FEED_URL)
    assert parsed.items[1].title == "Deux à Zoë"
    assert any(w.startswith("encoding:") and "windows-1252" in w for w in parsed.warnings), parsed.warnings


def test_unknown_declared_encoding_does_not_crash():
    body = GOOD_RSS.format(encoding="x-no-such-charset").encode()
    assert len(parse_feed(body, FEED_URL).items) == 3


def test_utf16_feed_without_doctype_parses():
    body = GOOD_RSS.format(encoding="utf-16").replace("Two", "Двa").encode("utf-16")
    parsed = parse_feed(body, FEED_URL, "application/rss+xml; charset=utf-8")  # the BOM wins over the header
    assert [item.title for item in parsed.items] == ["One", "Двa", "Three"]


# --- hostile links ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "reason_part"),
    [
        ("javascript:alert(document.cookie)", "scheme javascript:"),
        ("JavaScript:alert(1)", "scheme javascript:"),
        ("data:text/html;base64,PHNjcmlwdD4=", "scheme data:"),
        ("file:///etc/passwd", "scheme file:"),
        ("ftp://files.example/a", "scheme ftp:"),
        ("gopher://x.example/", "scheme gopher:"),
        ("http://user@127.0.0.1/", "user information"),
        ("https://user:pass@feed.example/x", "user information"),
        ("http:\\\\evil.example\\x", "backslash"),
        ("https://feed.example\\@evil.example/", "backslash"),
        ("https://feed.example/" + "a" * 5000, "longer than 1024"),
        ("https://feed.example:99999/", "unparseable"),
        ("https://:443/x", "no host"),
    ],
)
def test_bad_links_are_rejected_with_a_reason(link: str, reason_part: str):
    body = (
        "<rss version='2.0'><channel><item><title>bad</title><link>{}</link></item>"
        "<item><title>good</title><link>https://feed.example/ok</link></item></channel></rss>"
    ).format(link.replace("&", "&amp;")).encode()
    parsed = parse_feed(body, FEED_URL)
    assert [item.link for item in parsed.items] == ["https://feed.example/ok"]
    [(shown, reason)] = parsed.rejected_links
    assert reason_part in reason
    assert len(shown) < 300  # a 5 KB link is shortened for people
    assert any(w.startswith("refused 1 item links") for w in parsed.warnings)


def test_protocol_relative_and_relative_links_are_resolved_not_refused():
    body = (
        b"<rss version='2.0'><channel>"
        b"<item><link>//cdn.example/story</link></item>"
        b"<item><link>../up/one</link></item>"
        b"<item><link>  https://feed.example/with space  </link></item></channel></rss>"
    )
    links = [item.link for item in parse_feed(body, "http://feed.example/news/rss.xml").items]
    assert links == ["http://cdn.example/story", "http://feed.example/up/one", "https://feed.example/with%20space"]


# --- fuzzing ------------------------------------------------------------------------------

_XML_BITS = st.sampled_from(
    [
        b"<?xml version='1.0' encoding='utf-16'?>",
        b"<?xml version='1.0'?>",
        b"<rss version='2.0'>",
        b"<channel>",
        b"<item>",
        b"</item>",
        b"<link>https://a.example/x</link>",
        b"<link>javascript:x</link>",
        b"<feed xmlns='http://www.w3.org/2005/Atom'>",
        b"<entry><link href='/rel'/></entry>",
        b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
        b"<![CDATA[",
        b"]]>",
        b"&a;",
        b"<!--",
        b"\x00",
        b"\xff\xfe",
        b"\xef\xbb\xbf",
        b"<pubDate>Mon, 99 Foo 2024 99:99:99 +9999</pubDate>",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=400), st.lists(st.one_of(_XML_BITS, st.binary(max_size=8)), max_size=30).map(b"".join)))
def test_parse_feed_only_ever_raises_stage_error(body: bytes):
    try:
        parsed = parse_feed(body, FEED_URL)
    except StageError as error:
        assert error.error_type in {"empty_feed", "unsafe_xml", "not_a_feed", "parse_error"}
        return
    for item in parsed.items:
        assert item.link.startswith(("http://", "https://"))
