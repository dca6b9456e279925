"""FetchedPage -> article row (the non-enrichment columns of ARTICLE_SCHEMA).

trafilatura is used as a parser only: it gets decoded text, never a URL to
fetch. Page metadata comes first; the feed item fills the gaps.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from pipeline.extract.charset import decode_html
from pipeline.extract.dates import as_utc, choose_published_at, find_page_timestamp
from pipeline.extract.language import choose_language
from pipeline.extract.urls import article_id, choose_canonical
from pipeline.extract.wire import WireParts, is_byline, split_wire_furniture
from pipeline.records import FetchedPage, StageError

MAX_HTML_BYTES = 5 * 1024 * 1024
# Fewer words than this is navigation or a stub that trafilatura's fallbacks scraped
# together ("Home A B"), not an article.
MIN_WORDS = 10

# Chosen by measurement (bench/extraction_eval.py, 84 benchmark pages, shingle F1):
# default 0.968, favor_recall 0.968, favor_precision 0.974, favor_precision without
# tables 0.961 (one page lost). News pages carry more chrome than missing text.
EXTRACTION_OPTIONS: dict[str, Any] = {
    "favor_precision": True,
    "favor_recall": False,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "deduplicate": False,
}
# htmldate: the original publication date (not the last update), with the time when the
# page gives one; a date without a time comes back as 00:00:00 without an offset.
_DATE_PARAMS = {"original_date": True, "extensive_search": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}

_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")
_AUTHOR_SPLIT_RE = re.compile(r"\s*(?:;|\||\band\b|&)\s*", re.I)
_EMAIL_OR_URL_RE = re.compile(r"@|https?://|www\.", re.I)
_ROLE_PREFIX_RE = re.compile(
    r"^(?:by|(?:news\s+)?analysis\s+by|opinion\s+by|commentary\s+by|story\s+by|text\s+by|words\s+by|"
    r"photos?\s+by|written\s+by|reported\s+by)\s+",
    re.I,
)
# "Tom Gillespie News reporter", "AP National Political Writer", "CNN Editor-at-large", "Staff writer"
_ROLE_SUFFIX_RE = re.compile(
    r"(?:^|\s+)(?:(?:news|sports|national|political|senior|chief|staff|business|science|health|foreign|"
    r"contributing|special|associate|managing|deputy|investigative|economics|technology|tech)\s+)*"
    r"(?:writer|reporter|correspondent|editor(?:-at-large)?|columnist|contributor)s?$",
    re.I,
)
_DATE_WORDS_RE = re.compile(
    r"\s*\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|"
    r"june|july|august|september|october|november|december)\b\s*$",
    re.I,
)


def plain_text(fragment: str | None) -> str | None:
    """Feed summaries may carry HTML: tags dropped, entities decoded, spaces collapsed."""
    if not fragment:
        return None
    text = _SPACE_RE.sub(" ", html_lib.unescape(_TAG_RE.sub(" ", fragment))).strip()
    return text or None


def normalise_whitespace(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


def content_sha256(text: str) -> str:
    """sha256 of the text with all whitespace runs collapsed to one space."""
    return hashlib.sha256(normalise_whitespace(text).encode("utf-8")).hexdigest()


def split_authors(raw: str | None) -> list[str]:
    """'Jane Doe and John Roe', 'Jane Doe, John Roe', 'By Jane Doe; John Roe' -> names.

    A comma splits only when every part has two words or more, so that
    'Doe, Jane' stays one name.
    """
    if not raw:
        return []
    text = re.sub(r"^\s*by\s+", "", raw.strip(), flags=re.I)
    names: list[str] = []
    for chunk in _AUTHOR_SPLIT_RE.split(text):
        parts = [p.strip() for p in chunk.split(",")]
        if len(parts) > 1 and all(len(p.split()) >= 2 for p in parts if p):
            names.extend(p for p in parts if p)
        elif chunk.strip():
            names.append(chunk.strip())
    cleaned = [_clean_author(n) for n in names]
    return dedupe([n for n in cleaned if n])


def _clean_author(name: str) -> str | None:
    """One author name without role words; None when nothing name-like is left."""
    name = _ROLE_PREFIX_RE.sub("", name.strip()).strip(" ,.")
    if not name or _EMAIL_OR_URL_RE.search(name) or len(name) > 100:
        return None
    without_role = _ROLE_SUFFIX_RE.sub("", name).strip(" ,.")
    if without_role != name:
        # What is left of "AP Sports Writer" or "CNN Editor-at-large" is an outlet, not a person.
        if len(without_role.split()) < 2:
            return None
        name = without_role
    name = _DATE_WORDS_RE.sub("", name).strip(" ,.")
    if not name or _DATE_WORDS_RE.fullmatch(" " + name):
        return None
    return name


def dedupe(values: list[str]) -> list[str]:
    """Case-insensitive de-duplication keeping the first spelling and the order."""
    seen: set[str] = set()
    out = []
    for value in values:
        key = value.casefold()
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def split_tags(values: list[str] | tuple[str, ...] | None) -> list[str]:
    """Tags as printed may be one comma-separated string ('politics, iraq')."""
    out = []
    for value in values or ():
        out.extend(t.strip() for t in str(value).split(",") if t.strip())
    return out


def _drop_title_line(text: str, title: str | None) -> str:
    """trafilatura keeps an <h1> inside <article> as the first line; the title has its own column."""
    if not title:
        return text
    first, _, rest = text.partition("\n")
    if normalise_whitespace(first).casefold() == normalise_whitespace(title).casefold():
        return rest
    return text


def _host(url: str) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None


# Elements that hold a byline; trafilatura drops them from the text, so they are read first.
_LOWER = "translate(@class, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
_BYLINE_XPATH = (
    f"//*[contains({_LOWER}, 'byline') or contains({_LOWER}, 'author') or contains({_LOWER}, 'autor')"
    f" or contains({_LOWER}, 'auteur') or contains({_LOWER}, 'writer')"
    " or contains(translate(@id, 'BYLINE', 'byline'), 'byline')"
    " or contains(@itemprop, 'author') or @rel = 'author']"
)


def find_html_byline(tree: HtmlElement) -> str | None:
    """The shortest byline-shaped text ("By ...") in byline/author elements, as printed."""
    candidates = []
    for element in tree.xpath(_BYLINE_XPATH)[:50]:
        text = normalise_whitespace(element.text_content())
        if 3 < len(text) <= 160 and is_byline(text):
            candidates.append(text)
    return min(candidates, key=len) if candidates else None


def load_tree(html: str) -> HtmlElement | None:
    """The lxml tree trafilatura would build (parsed once, shared with find_html_byline)."""
    try:
        return load_html(html)
    except Exception as err:  # noqa: BLE001 — any parser failure is this document's failure
        raise StageError("parse_error", f"HTML could not be parsed: {type(err).__name__}: {err}"[:500]) from err


def parse_html(html: str | HtmlElement, url: str) -> Any:
    """trafilatura's extraction with metadata; StageError('parse_error') if it raises.

    The tree is modified by trafilatura: read anything else from it first.
    """
    try:
        return trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            date_extraction_params=_DATE_PARAMS,
            **EXTRACTION_OPTIONS,
        )
    except (RecursionError, MemoryError) as err:
        raise StageError("parse_error", f"page too deeply nested or too big to parse: {type(err).__name__}") from err
    except Exception as err:  # noqa: BLE001 — any parser failure is this document's failure
        raise StageError("parse_error", f"trafilatura failed: {type(err).__name__}: {err}"[:500]) from err


def extract_article(
    page: FetchedPage, run_id: str, *, max_html_bytes: int = MAX_HTML_BYTES, min_words: int = MIN_WORDS
) -> dict[str, Any]:
    """The article row for one fetched page (enrichment columns left empty).

    Raises StageError: too_large (body over max_html_bytes), not_html (binary
    body), parse_error (trafilatura raised), no_text (no body text, or fewer than
    min_words words once furniture is removed), bad_url (page.url not http(s)).
    """
    if len(page.body) > max_html_bytes:
        raise StageError(
            "too_large", f"HTML is {len(page.body):,} bytes, over the {max_html_bytes:,}-byte extraction cap"
        )
    html, _encoding = decode_html(page.body, page.content_type)
    tree = load_tree(html)
    html_byline = find_html_byline(tree) if tree is not None else None
    doc = parse_html(tree, page.url) if tree is not None else None
    raw_text = (doc.text or "").strip() if doc is not None else ""
    if not raw_text:
        raise StageError(
            "no_text",
            "no article text found on the page (empty, navigation only, or script-rendered); "
            "check the URL in a browser",
        )
    item = page.item
    title = doc.title or item.title
    page_date = find_page_timestamp(html) or doc.date
    published_at, published_source = choose_published_at(page_date, item.published, page.fetched_at)
    wire = split_wire_furniture(_drop_title_line(raw_text, title), published_at)
    text = wire.text.strip()
    if not text:
        raise StageError("no_text", "the page text is only a byline, dateline or credits, no article body")
    if len(text.split()) < min_words:
        raise StageError(
            "no_text", f"only {len(text.split())} words of text (minimum {min_words}): navigation or a stub, not an article"
        )

    try:
        canonical = choose_canonical(page.url, doc.url)
    except ValueError as err:
        raise StageError("bad_url", f"fetched URL cannot be canonicalised: {err}") from err
    authors = split_authors(doc.author) or split_authors(item.author)
    item_summary = plain_text(item.summary)
    return {
        "article_id": article_id(canonical),
        "url": page.url,
        "canonical_url": canonical,
        "feed_url": item.feed_url,
        "feed_title": item.feed_title,
        "item_link": item.link,
        "item_guid": item.guid,
        "item_title": item.title,
        "item_summary": item_summary,
        "item_updated": item.revised_at,
        "source": doc.sitename or _host(page.url),
        "title": title,
        "authors": authors,
        "published_at": published_at,
        "published_at_source": published_source,
        "fetched_at": as_utc(page.fetched_at),
        "language": choose_language(doc.language, html, text),
        "description": doc.description or item_summary,
        "tags": dedupe(split_tags(doc.categories) + split_tags(doc.tags) + list(item.categories) + list(item.feed_tags)),
        "image_url": doc.image,
        **body_columns(text, wire, run_id),
        "byline": wire.byline or html_byline,
    }


def body_columns(text: str, wire: WireParts, run_id: str) -> dict[str, Any]:
    """The columns every article row derives from its body text and wire furniture,
    with the enrichment columns empty until the enrich stage fills them."""
    return {
        "text": text,
        "word_count": len(text.split()),
        "content_sha256": content_sha256(text),
        "story_id": None,  # decided after enrichment, across outlets and runs (pipeline/stories/)
        "version": None,
        "byline": wire.byline,
        "dateline_place": wire.dateline_place,
        "agency": wire.agency,
        "credits": list(wire.credits),
        "entities": [],
        "entity_summary": [],
        "countries": [],
        "primary_country": None,
        "dateline_geo": None,
        "quantities": [],
        "event_counts": [],
        "enrichment_status": None,
        # Where a backfilled page was archived (pipeline/warc/page.py); null for pages fetched live.
        "warc_file": None,
        "warc_record_id": None,
        "warc_date": None,
        "run_id": run_id,
    }
