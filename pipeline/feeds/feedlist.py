"""Read the list of feeds to poll: OPML, YAML, plain text, or a single feed.

The format is told from the content, with the file extension as a hint. Every
entry that cannot be used is reported as a warning with its line, never
dropped silently; a list with nothing usable raises StageError('bad_feed_list')
with the accepted formats and an example.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit
from xml.etree.ElementTree import ParseError

import yaml
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from pipeline.feeds.parse import parse_feed
from pipeline.feeds.urls import UrlRefused, check_http_url, url_identity
from pipeline.records import FeedSource, StageError

MAX_FEED_LIST_BYTES = 32 << 20
_FEED_ROOTS = frozenset({"rss", "rdf", "feed"})
_URL_LINE = re.compile(r"^\S+://")
_YAML_LOOKING_LINE = re.compile(r"^\s*(-\s|feeds\s*:)", re.MULTILINE)
_INLINE_COMMENT = re.compile(r"\s#")
_YAML_ENTRY_KEYS = frozenset({"url", "name", "title", "tags"})
_BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (codecs.BOM_UTF16_LE, "utf-16"),
)

ACCEPTED_FORMATS = """\
Accepted feed lists:
  * OPML 2.0, folders become tags:
      <opml version="2.0"><body>
        <outline text="Tech"><outline text="Example" xmlUrl="https://example.com/feed.xml"/></outline>
      </body></opml>
  * YAML (a bare list of URLs or of such mappings also works):
      feeds:
        - url: https://example.com/feed.xml
          name: Example
          tags: [tech]
  * plain text, one http(s) URL a line, optionally followed by a name; '#' starts a comment:
      https://example.com/feed.xml  Example
  * the http(s) URL of a single RSS or Atom feed"""


@dataclass(frozen=True)
class FeedListResult:
    feeds: tuple[FeedSource, ...]
    is_feed: bool = False  # the "list" was itself one feed
    format: str = ""  # opml, yaml, text or feed
    warnings: tuple[str, ...] = ()


def load_feed_list(
    path_or_url: str,
    fetch: Callable[[str], bytes] | None = None,
    *,
    max_bytes: int = MAX_FEED_LIST_BYTES,
) -> FeedListResult:
    """Read a feed list from a local or gs:// path, or fetch it from an http(s) URL.

    `fetch` returns the body of an http(s) URL; without it the project's
    HttpClient is used with the default FetchPolicy.
    """
    if urlsplit(path_or_url).scheme.lower() in ("http", "https"):
        data = (fetch or _fetch_with_http_client)(path_or_url)
    else:
        data = _read_path(path_or_url, max_bytes)
    if len(data) > max_bytes:
        raise StageError("bad_feed_list", f"the feed list {path_or_url} is larger than {max_bytes} bytes")
    return parse_feed_list(data, path_or_url)


def parse_feed_list(data: bytes, source_url: str = "") -> FeedListResult:
    """Parse a feed list read from `source_url` (a path or URL: an extension hint, and the
    feed's own URL when the list turns out to be a single feed)."""
    text, decode_warning = _decode(data)
    extension = _extension(source_url)
    if text.lstrip("\ufeff \t\r\n").startswith("<"):
        result = _parse_xml(data, source_url)
    elif extension in (".yaml", ".yml") or (extension not in (".txt", ".list") and _looks_structured(text)):
        result = _parse_yaml(text)
    else:
        result = _parse_text(text)
    if decode_warning:
        result = replace(result, warnings=(decode_warning, *result.warnings))
    if not result.feeds:
        problems = "".join(f"\n  {warning}" for warning in result.warnings[:20])
        raise StageError(
            "bad_feed_list",
            f"no usable feed URL in {source_url or 'the feed list'} (read as {result.format or 'unknown'})"
            f"{':' + problems if problems else ''}\n{ACCEPTED_FORMATS}",
        )
    return result


class _Collector:
    """Accumulates feeds: checks URLs, collapses duplicates (first wins, tags merged)."""

    def __init__(self) -> None:
        self._feeds: dict[str, tuple[str, FeedSource]] = {}  # identity -> (where, feed)
        self.warnings: list[str] = []

    def add(self, where: str, raw_url: Any, name: Any = None, tags: Iterable[str] = ()) -> None:
        if not isinstance(raw_url, str) or not raw_url.strip():
            self.warnings.append(f"{where}: no URL")
            return
        try:
            url = check_http_url(raw_url)
        except UrlRefused as refused:
            hint = " (write it with http:// or https://)" if "://" not in raw_url else ""
            self.warnings.append(f"{where}: {raw_url[:200]!r} refused: {refused.reason}{hint}")
            return
        clean_name = " ".join(str(name).split()) if name is not None else ""
        tags = tuple(dict.fromkeys(tag for tag in (" ".join(t.split()) for t in tags) if tag))
        key = url_identity(url)
        if key in self._feeds:
            first_where, first = self._feeds[key]
            merged = tuple(dict.fromkeys(first.tags + tags))
            self._feeds[key] = (first_where, replace(first, tags=merged))
            self.warnings.append(f"{where}: {url} repeats {first_where}; tags merged")
            return
        self._feeds[key] = (where, FeedSource(url=url, name=clean_name or None, tags=tags))

    def result(self, format_name: str) -> FeedListResult:
        feeds = tuple(feed for _, feed in self._feeds.values())
        return FeedListResult(feeds=feeds, is_feed=False, format=format_name, warnings=tuple(self.warnings))


# --- plain text -----------------------------------------------------------------


def _parse_text(text: str) -> FeedListResult:
    collector = _Collector()
    for number, line in enumerate(text.splitlines(), start=1):
        line = _INLINE_COMMENT.split(line, 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        url, *name = line.split(None, 1)
        collector.add(f"line {number}", url, name[0] if name else None)
    return collector.result("text")


# --- YAML -----------------------------------------------------------------------


def _looks_structured(text: str) -> bool:
    """YAML unless every entry line is a bare URL (which is also valid YAML: one long string)."""
    lines = [line.strip() for line in text.splitlines()]
    entries = [line for line in lines if line and not line.startswith("#")]
    if entries and all(_URL_LINE.match(line) for line in entries):
        return False
    return bool(_YAML_LOOKING_LINE.search(text)) or isinstance(_safe_load_or_none(text), (dict, list))


def _safe_load_or_none(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def _parse_yaml(text: str) -> FeedListResult:
    try:
        node, document = _compose_and_construct(text)
    except yaml.YAMLError as error:
        raise StageError("bad_feed_list", f"the feed list is not valid YAML: {error}\n{ACCEPTED_FORMATS}") from None

    collector = _Collector()
    entries_node, entries = node, document
    if isinstance(document, dict):
        for key in document:
            if key != "feeds":
                collector.warnings.append(f"top-level key {key!r} ignored (only 'feeds' is read)")
        # The last "feeds" pair wins, as in the constructed mapping.
        entries_node = next((value for key, value in reversed(node.value) if key.value == "feeds"), None)
        entries = document.get("feeds")
        if "feeds" not in document:
            collector.warnings.append("the YAML mapping has no 'feeds' key")
    if entries is None:
        return collector.result("yaml")
    if not isinstance(entries, list):
        collector.warnings.append(f"'feeds' must be a list, not {type(entries).__name__}")
        return collector.result("yaml")

    entry_nodes = entries_node.value if isinstance(entries_node, yaml.SequenceNode) else []
    if len(entry_nodes) != len(entries):  # cannot happen with plain YAML; then go without line numbers
        entry_nodes = [None] * len(entries)
    for position, (entry_node, entry) in enumerate(zip(entry_nodes, entries), start=1):
        where = f"entry {position}" + (f" (line {entry_node.start_mark.line + 1})" if entry_node else "")
        if isinstance(entry, str):
            collector.add(where, entry)
        elif isinstance(entry, dict):
            unknown = sorted(str(key) for key in entry if key not in _YAML_ENTRY_KEYS)
            if unknown:
                collector.warnings.append(f"{where}: unknown keys {unknown} ignored")
            collector.add(where, entry.get("url"), entry.get("name") or entry.get("title"), _yaml_tags(entry, where, collector))
        else:
            collector.warnings.append(f"{where}: expected a URL or a mapping with 'url', got {type(entry).__name__}")
    return collector.result("yaml")


def _compose_and_construct(text: str) -> tuple[Any, Any]:
    """The YAML node tree (which knows line numbers) and the plain values built from it, safely."""
    loader = yaml.SafeLoader(text)  # raises ReaderError on characters YAML forbids
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _yaml_tags(entry: dict, where: str, collector: _Collector) -> tuple[str, ...]:
    tags = entry.get("tags")
    if tags is None:
        return ()
    if isinstance(tags, str):
        return tuple(tag.strip() for tag in tags.split(","))
    if isinstance(tags, list) and all(isinstance(tag, (str, int, float)) for tag in tags):
        return tuple(str(tag) for tag in tags)
    collector.warnings.append(f"{where}: 'tags' must be a list of strings; ignored")
    return ()


# --- XML: OPML or a single feed --------------------------------------------------


class _OutlineTarget:
    """ElementTree parser target that keeps each outline with its folder path and line."""

    def __init__(self) -> None:
        self.expat: Any = None  # set once the parser exists, to read line numbers
        self.root: str | None = None
        self.outlines: list[_Outline] = []
        self._stack: list[_Outline | None] = []  # the open elements (None if not an outline)

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        local = tag.rsplit("}", 1)[-1]
        if self.root is None:
            self.root = local
        if local != "outline":
            self._stack.append(None)
            return
        attributes = {key.rsplit("}", 1)[-1].lower(): value for key, value in attrib.items()}
        parent = self._stack[-1] if self._stack else None
        if parent is not None:
            parent.has_children = True
        folders = tuple(outline.name for outline in self._stack if outline is not None and outline.name)
        outline = _Outline(self.expat.CurrentLineNumber, attributes, folders)
        self.outlines.append(outline)
        self._stack.append(outline)

    def end(self, tag: str) -> None:
        self._stack.pop()

    def data(self, text: str) -> None:
        pass

    def close(self) -> None:
        return None


class _Outline:
    def __init__(self, line: int, attributes: dict[str, str], folders: tuple[str, ...]) -> None:
        self.line = line
        self.attributes = attributes
        self.folders = folders
        self.name = (attributes.get("text") or attributes.get("title") or "").strip()
        self.has_children = False


def _parse_xml(data: bytes, source_url: str) -> FeedListResult:
    target = _OutlineTarget()
    parser = DefusedXMLParser(target=target)  # entity declarations and external references refused
    target.expat = parser.parser
    try:
        parser.feed(data)
        parser.close()
    except DefusedXmlException as error:
        raise StageError("unsafe_xml", f"the feed list declares XML entities ({error}); refused") from None
    except ParseError as error:
        if (target.root or "").lower() in _FEED_ROOTS:
            return _single_feed(data, source_url)  # a malformed feed is still a feed; parse_feed keeps what it can
        raise StageError(
            "bad_feed_list", f"the feed list is not well-formed XML: {error}\n{ACCEPTED_FORMATS}"
        ) from None
    root = (target.root or "").lower()
    if root in _FEED_ROOTS:
        return _single_feed(data, source_url)
    if root != "opml":
        what = "an HTML page" if root == "html" else f"an XML document with root <{target.root}>"
        raise StageError("bad_feed_list", f"the feed list is {what}, not OPML or a feed\n{ACCEPTED_FORMATS}")

    collector = _Collector()
    for outline in target.outlines:
        where, url = f"line {outline.line}", outline.attributes.get("xmlurl")
        if url is not None:
            tags = (*outline.folders, *_opml_categories(outline.attributes.get("category")))
            collector.add(where, url, outline.name or None, tags)
        elif outline.attributes.get("type", "").lower() in ("rss", "atom"):
            collector.warnings.append(f"{where}: outline {outline.name!r} has type={outline.attributes['type']} but no xmlUrl")
        elif not outline.has_children:
            collector.warnings.append(f"{where}: outline {outline.name!r} has no xmlUrl; skipped")
    return collector.result("opml")


def _opml_categories(value: str | None) -> tuple[str, ...]:
    """OPML 2.0 `category`: comma-separated, slash-delimited paths ("/News/World,Tech")."""
    if not value:
        return ()
    return tuple(part.strip() for path in value.split(",") for part in path.split("/") if part.strip())


def _single_feed(data: bytes, source_url: str) -> FeedListResult:
    try:
        url = check_http_url(source_url)
    except UrlRefused:
        raise StageError(
            "bad_feed_list",
            f"{source_url or 'the feed list'} is a single feed, not a list of feeds; "
            f"pass the feed's http(s) URL instead, or name it in a feed list\n{ACCEPTED_FORMATS}",
        ) from None
    parsed = parse_feed(data, url)  # refuses unsafe XML and non-feeds like any fetched feed
    return FeedListResult(
        feeds=(FeedSource(url=url, name=parsed.title),),
        is_feed=True,
        format="feed",
        warnings=tuple(parsed.warnings),
    )


# --- bytes in ---------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str | None]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, "replace"), None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        return data.decode("utf-8", "replace"), f"the feed list is not valid UTF-8 ({error}); bad bytes replaced"


def _extension(source_url: str) -> str:
    path = urlsplit(source_url).path if "://" in source_url else source_url
    dot = path.rfind(".")
    return path[dot:].lower() if dot > path.rfind("/") else ""


def _read_path(path: str, max_bytes: int) -> bytes:
    from apache_beam.io.filesystems import FileSystems  # Beam is heavy: import only when reading a path

    try:
        with FileSystems.open(path) as handle:
            return handle.read(max_bytes + 1)
    except Exception as error:  # BeamIOError, OSError, ValueError for unknown schemes...
        raise StageError("bad_feed_list", f"cannot read the feed list {path}: {error}") from None


def _fetch_with_http_client(url: str) -> bytes:
    from pipeline.fetch.http import HttpClient
    from pipeline.fetch.policy import FetchPolicy

    client = HttpClient(FetchPolicy())
    try:
        return client.fetch(url, kind="feed").body
    except StageError as error:
        raise StageError(
            "bad_feed_list",
            f"cannot fetch the feed list {url}: {error.error_type}: {error.message}",
            http_status=error.http_status,
            attempts=error.attempts,
        ) from None
    finally:
        client.close()
