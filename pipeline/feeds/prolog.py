"""Find DTD declarations in an XML document before any parser sees it.

Entity declarations (billion laughs, external entities pointing at
file:///etc/passwd or the metadata server) can only live in a DOCTYPE, and a
DOCTYPE only means something in the prolog: before the root element, after
nothing but the XML declaration, processing instructions, comments and
whitespace. So we walk the prolog the way expat does and stop at the root
element. A `<!DOCTYPE html>` inside a CDATA section of an item (common in
sloppy feeds) is item text, not a declaration, and is left alone.

The walk that matters runs on the exact text the parser will read (parse.py
decodes with feedparser's own converter first). As a second net, it also runs
on several other decodings of the raw bytes' first 64 KiB (see
`candidate_texts`), so a declaration hidden by UTF-16, UTF-32 or EBCDIC
encoding is seen even if the decoders ever disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACE = re.compile(r"[\s\ufeff]*")
_DECLARATION = re.compile(r"<!\s*([A-Za-z]+)")
_ROOT_START = re.compile(r"<([^\W\d][\w.:-]*)")

# The one DOCTYPE still found in real feeds: Netscape's RSS 0.91. It declares no
# entities and its DTD is never fetched (feedparser strips the DOCTYPE), so
# refusing it would only lose old feeds.
_NETSCAPE_RSS091 = re.compile(
    r'<!DOCTYPE\s+rss\s+PUBLIC\s+"-//Netscape Communications//DTD RSS 0\.91//EN"\s+'
    r'"http://my\.netscape\.com/publish/formats/rss-0\.91\.dtd"\s*>'
)
_HTML_DOCTYPE = re.compile(r"<!DOCTYPE\s+html\b[^\[]*$", re.IGNORECASE)

# How much of the raw body is re-decoded for the second-net scans (a prolog is
# rarely longer than a few hundred bytes; the exact-text walk has no limit).
RAW_SCAN_BYTES = 64 << 10
_RAW_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp037")


@dataclass(frozen=True)
class Prolog:
    """What stands before the root element."""

    declaration: str | None  # the first DTD declaration found (its first 200 characters)
    root: str | None  # the root element's name, if the walk reached it


def inspect_prolog(text: str) -> Prolog:
    """Walk `text`'s prolog as an XML parser would, up to the root element."""
    pos, end = 0, len(text)
    while pos < end:
        pos = _SPACE.match(text, pos).end()
        if text.startswith("<?", pos):
            close = text.find("?>", pos + 2)
            if close < 0:
                return Prolog(None, None)
            pos = close + 2
        elif text.startswith("<!--", pos):
            close = text.find("-->", pos + 4)
            if close < 0:
                return Prolog(None, None)
            pos = close + 3
        elif text.startswith("<!", pos):
            legacy = _NETSCAPE_RSS091.match(text, pos)
            if legacy:
                pos = legacy.end()
                continue
            declaration = _DECLARATION.match(text, pos)
            if declaration is None:  # e.g. <![CDATA[ before the root: a parse error, nothing declared
                return Prolog(None, None)
            return Prolog(text[pos : pos + 200], None)
        else:
            root = _ROOT_START.match(text, pos)
            return Prolog(None, root.group(1) if root else None)
    return Prolog(None, None)


def is_html_doctype(declaration: str) -> bool:
    """`<!DOCTYPE html ...>` with no internal subset: an HTML page, not an attack."""
    head = declaration.split(">", 1)[0]
    return bool(_HTML_DOCTYPE.match(head))


def candidate_texts(raw: bytes) -> list[str]:
    """The raw bytes decoded every way a parser might read them.

    Decoding errors are replaced, never fatal. Dropping NUL bytes and reading
    the rest as Latin-1 shows the ASCII skeleton of UTF-16 and UTF-32 documents
    whatever their alignment or byte order.
    """
    head = raw[:RAW_SCAN_BYTES]
    skeleton = head.replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xfe\xff")  # NULs and byte order marks
    texts = [skeleton.decode("latin-1")]
    texts.extend(head.decode(encoding, "replace") for encoding in _RAW_ENCODINGS)
    return texts


def find_declaration(texts: list[str]) -> str | None:
    """The first DTD declaration in the prolog of any of `texts`, or None."""
    for text in texts:
        declaration = inspect_prolog(text).declaration
        if declaration is not None:
            return declaration
    return None
