"""Turn the bytes of one feed (RSS 0.9x/2.0, RSS 1.0 RDF, Atom) into FeedItems.

feedparser is used only as a parser, on bytes we fetched ourselves: given a
string it would open local files or URLs. Before it runs, the document is
decoded exactly as feedparser will decode it and its prolog is judged (see
`prolog.py`): an HTML root element is not a feed, a DTD that could read files,
fetch URLs or expand without bound is refused, and what feedparser is handed has
no DOCTYPE left, its few small internal entities written into the text.
"""

from __future__ import annotations

import calendar
import codecs
import dataclasses
import re
import time
import xml.sax
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html.parser import HTMLParser
from typing import Any

import feedparser
from feedparser.encodings import convert_to_utf8

from pipeline.feeds import prolog
from pipeline.feeds.urls import UrlRefused, check_http_url
from pipeline.records import FeedItem, StageError

DEFAULT_MAX_ITEMS = 10_000
_SHOWN_LINK_CHARS = 200

# XML 1.0 forbids these; real feeds contain them anyway (NUL, vertical tab,
# Ctrl-Z...). Expat stops at the first one, so drop them up front. In UTF-8 these
# bytes never occur inside a multi-byte character, so removing them is safe.
_XML_ILLEGAL_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32be"),
    (codecs.BOM_UTF32_LE, "utf-32le"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16be"),
    (codecs.BOM_UTF16_LE, "utf-16le"),
)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    items: list[FeedItem]
    warnings: list[str] = field(default_factory=list)
    rejected_links: list[tuple[str, str]] = field(default_factory=list)  # (link as given, reason)
    version: str = ""  # feedparser's name for the format, e.g. "rss20", "atom10"


def parse_feed(
    body: bytes,
    feed_url: str,
    content_type: str | None = None,
    *,
    base_url: str | None = None,
    max_items: int = DEFAULT_MAX_ITEMS,
    feed_tags: tuple[str, ...] = (),
) -> ParsedFeed:
    """Parse one feed document.

    `feed_url` names the feed in every FeedItem; relative links resolve against
    `base_url` (the URL the body was finally served from), else `feed_url`.
    Raises StageError: empty_feed, unsafe_xml, not_a_feed, parse_error.
    """
    if not body.strip():
        raise StageError("empty_feed", "the feed's body is empty")
    base = base_url or feed_url
    warnings: list[str] = []

    data, encoding_warning = _to_utf8(body, content_type)
    if encoding_warning:
        warnings.append(encoding_warning)
    data, removed = _XML_ILLEGAL_CONTROL_BYTES.subn(b"", data)
    if removed:
        warnings.append(f"removed {removed} control characters (such as NUL) that XML does not allow")
    data, netscape = _harmless(data, body, content_type)

    try:
        result = feedparser.parse(
            data,
            response_headers={"content-type": "application/xml; charset=utf-8", "content-location": base},
            # Summaries become plain text here (html_to_text drops scripts and styles), so
            # feedparser's HTML sanitising and URI rewriting inside HTML would only cost time
            # (more than half of it, measured on a 10k-item feed).
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as error:  # feedparser is third-party code fed hostile bytes: never crash the run
        raise StageError("parse_error", f"feedparser failed: {type(error).__name__}: {error}") from None

    entries = result.get("entries") or []
    version = result.get("version") or ""
    if version and netscape:  # feedparser's own sign of RSS 0.91 (Netscape), read from the DOCTYPE we removed
        version = "rss091n"
    if not version and not entries:
        raise StageError(
            "not_a_feed",
            f"no RSS, Atom or RDF feed in the response (content type {content_type or 'not given'}; "
            f"starts with {_snippet(data)!r})",
        )

    feed_title = _text_of(result.get("feed", {}), "title")
    if len(entries) > max_items:
        warnings.append(f"feed has {len(entries)} items; kept the first {max_items}")
        entries = entries[:max_items]

    items, rejected, item_warnings = _items_from_entries(entries, feed_url, base, feed_title, feed_tags)
    warnings.extend(item_warnings)
    if result.get("bozo"):
        malformed = _describe_malformation(result.get("bozo_exception"), _line_offset(body))
        if malformed:
            warnings.append(f"{malformed}; kept {len(items)} items")
    return ParsedFeed(feed_title, items, warnings, rejected, version)


def _to_utf8(body: bytes, content_type: str | None) -> tuple[bytes, str | None]:
    """Decode as feedparser would, with modern precedence: BOM, then charset, then the XML declaration.

    feedparser follows RFC 3023, under which `text/xml` without a charset means
    US-ASCII; RFC 7303 replaced that, so we always present the body as
    application/xml with the charset that actually applies.
    """
    charset = next((name for bom, name in _BOMS if body.startswith(bom)), None)
    if charset is None and content_type:
        match = _CHARSET.search(content_type)
        charset = match.group(1) if match else None
    headers = {"content-type": f"application/xml; charset={charset}" if charset else "application/xml"}
    scratch: dict[str, Any] = {}
    try:
        data = convert_to_utf8(headers, body, scratch)
    except (UnicodeError, ValueError, LookupError) as error:  # e.g. encoding="\xff..." or a NUL in the label
        raise StageError(
            "parse_error", f"the feed's encoding cannot be read ({type(error).__name__}: {error}); fix its XML declaration"
        ) from None
    error = scratch.get("bozo_exception")
    return data, (f"encoding: {error}" if error else None)


def _harmless(data: bytes, raw: bytes, content_type: str | None) -> tuple[bytes, bool]:
    """What feedparser reads: `data` with no DOCTYPE, comment or PI before the root, entities written in.

    Also whether the DOCTYPE named Netscape's RSS 0.91. Raises not_a_feed for an
    HTML page, unsafe_xml for a prolog (in `data`, or in any decoding of `raw`)
    that declares something harmful.
    """
    text = data.decode("utf-8", "replace")
    seen = prolog.inspect_prolog(text)
    if seen.root and seen.root.lower() == "html":
        raise StageError("not_a_feed", f"an HTML page, not a feed (content type {content_type or 'not given'})")
    entities = _checked_entities(seen)
    checked = {seen.doctype}
    for candidate in prolog.candidate_texts(raw):
        other = prolog.inspect_prolog(candidate)
        if other.doctype not in checked or other.stray is not None:
            _checked_entities(other)
            checked.add(other.doctype)
    try:
        body = prolog.expand_references(text[seen.root_at :], entities)
    except prolog.UnsafeDoctype as unsafe:
        raise _unsafe(seen, unsafe) from None
    harmless = prolog.blank_prolog(text[: seen.root_at], seen) + body
    netscape = "netscape" in seen.external_id.lower()
    return (data if harmless == text else harmless.encode("utf-8")), netscape


def _checked_entities(seen: prolog.Prolog) -> dict[str, str]:
    try:
        return prolog.check_doctype(seen)
    except prolog.UnsafeDoctype as unsafe:
        raise _unsafe(seen, unsafe) from None


def _unsafe(seen: prolog.Prolog, unsafe: prolog.UnsafeDoctype) -> StageError:
    return StageError(
        "unsafe_xml",
        f"the document's DTD ({(seen.declaration or '')[:80]!r}) {unsafe}; external, parameter and unparsed "
        f"entities, and entities expanding past small limits, are refused",
    )


def _items_from_entries(
    entries: list[Any],
    feed_url: str,
    base: str,
    feed_title: str | None,
    feed_tags: tuple[str, ...],
) -> tuple[list[FeedItem], list[tuple[str, str]], list[str]]:
    items: list[FeedItem] = []
    rejected: list[tuple[str, str]] = []
    seen_links: set[str] = set()
    without_link: list[int] = []
    duplicates = 0
    for position, entry in enumerate(entries, start=1):
        raw_link = (entry.get("link") or "").strip()
        if not raw_link:
            without_link.append(position)
            continue
        try:
            link = check_http_url(raw_link, base)
        except UrlRefused as refused:
            rejected.append((_shorten(raw_link), refused.reason))
            continue
        if link in seen_links:
            duplicates += 1
            continue
        seen_links.add(link)
        # dict.get: feedparser's own .get falls back from updated to published (with a DeprecationWarning).
        updated = _utc(dict.get(entry, "updated_parsed"))
        items.append(
            FeedItem(
                feed_url=feed_url,
                link=link,
                feed_title=feed_title,
                guid=(entry.get("id") or "").strip() or None,
                title=_text_of(entry, "title"),
                published=_utc(entry.get("published_parsed")) or updated,
                updated=updated,
                summary=_text_of(entry, "summary") or _first_content_text(entry),
                author=(entry.get("author") or "").strip() or None,
                categories=_categories(entry),
                feed_tags=feed_tags,
            )
        )
    items = without_generation_stamps(items)
    warnings = []
    if without_link:
        shown = ", ".join(map(str, without_link[:10])) + (", ..." if len(without_link) > 10 else "")
        warnings.append(f"skipped {len(without_link)} items with no link (item {shown})")
    if rejected:
        link, reason = rejected[0]
        warnings.append(f"refused {len(rejected)} item links (first: {link!r}: {reason})")
    if duplicates:
        warnings.append(f"skipped {duplicates} items repeating an earlier item's link")
    return items, rejected, warnings


def _utc(parsed: time.struct_time | None) -> datetime | None:
    """feedparser's *_parsed values are already normalised to UTC; make them aware datetimes."""
    if not parsed:
        return None
    try:
        # timegm, not datetime(*parsed[:6]): it carries a leap second (sec=60) into the next minute.
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)
    except (OverflowError, ValueError, OSError, TypeError):
        return None


def _text_of(container: Any, key: str) -> str | None:
    """A title or summary as plain text, whatever type the feed declared for it."""
    value = container.get(key)
    if not isinstance(value, str):
        return None
    # feedparser copies Atom <content> into `summary` without a `summary_detail`: no type means HTML.
    detail = container.get(f"{key}_detail") or {}
    return _plain(value, detail.get("type", "text/html"))


def _first_content_text(entry: Any) -> str | None:
    for content in entry.get("content") or []:
        value = content.get("value")
        text = _plain(value, content.get("type", "text/html")) if isinstance(value, str) else None
        if text:
            return text
    return None


def _plain(value: str, media_type: str) -> str | None:
    text = html_to_text(value) if media_type in _HTML_TYPES else " ".join(value.split())
    return text or None


def _categories(entry: Any) -> tuple[str, ...]:
    terms = ((tag.get("term") or "").strip() for tag in entry.get("tags") or [])
    return tuple(dict.fromkeys(term for term in terms if term))


def _describe_malformation(error: BaseException | None, line_offset: int) -> str | None:
    if error is None:
        return None
    if isinstance(error, xml.sax.SAXParseException):
        line = max(1, (error.getLineNumber() or 1) - line_offset)
        return f"feed is malformed at line {line}: {error.getMessage()}"
    if isinstance(error, feedparser.CharacterEncodingOverride):
        return None  # already reported by _to_utf8
    return f"feed is malformed: {error}"


def _line_offset(raw: bytes) -> int:
    """1 if feedparser prepended an XML declaration line (so its line numbers are one too high)."""
    skeleton = raw[:64].replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xfe\xff")
    return 0 if skeleton.startswith(b"<?xml") else 1


def _snippet(data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    text = re.sub(r"^<\?xml[^>]*\?>", "", text).strip()
    return " ".join(text[:80].split())


def _shorten(link: str) -> str:
    return link if len(link) <= _SHOWN_LINK_CHARS else f"{link[:_SHOWN_LINK_CHARS]}... ({len(link)} characters)"


class _TextCollector(HTMLParser):
    _BLOCKS = frozenset(
        "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
        "header hr li ol p pre section table td th tr ul".split()
    )
    _HIDDEN = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self._HIDDEN:
            self._hidden_depth += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: tags dropped, blocks on their own lines, spaces collapsed."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    lines = (" ".join(line.split()) for line in "".join(collector.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def without_generation_stamps(items: list[FeedItem]) -> list[FeedItem]:
    """Items with `updated` cleared when every item of the feed carries the same one: that is
    when the feed was generated, not when each article was revised (fetching every item again
    on each poll would be impolite and find nothing new)."""
    stamps = {item.updated for item in items}
    if len(items) < 2 or len(stamps) != 1 or None in stamps:
        return items
    return [dataclasses.replace(item, updated=None) for item in items]
