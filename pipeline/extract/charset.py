"""Bytes -> text for HTML pages, never raising on bad bytes.

Order of evidence (the HTML standard's, simplified):
  1. a byte-order mark;
  2. the charset declared in the HTTP Content-Type header;
  3. `<meta charset>` / `<meta http-equiv="Content-Type">` in the first 4 KiB;
  4. detection with charset-normalizer; last resort UTF-8.

When the header and the meta tag disagree, prefer what decodes cleanly:
  - UTF-8 is self-validating (legacy text that happens to be valid, non-ASCII
    UTF-8 is vanishingly rare), so a declared UTF-8 that decodes strictly wins;
  - otherwise the first declaration (header, then meta) that decodes strictly;
  - if neither does, detection decides.
A single declared UTF-8 that fails strictly is kept (with U+FFFD replacements)
when the page is mostly valid UTF-8 — a few stray bytes — and handed to
detection when it has no valid multi-byte sequence at all (really legacy text).
Following browsers, latin-1 and ASCII labels mean windows-1252.

Content that is not HTML (PDF, images, archives served as text/html) is
refused with StageError('not_html') by its magic bytes.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from pipeline.records import StageError

_META_WINDOW = 4096

# (prefix after leading whitespace, what it is)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"PK\x03\x04", "ZIP archive (or Office document)"),
    (b"\x1f\x8b", "gzip data (not decompressed)"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"\x28\xb5\x2f\xfd", "zstd data"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\x00\x00\x01\x00", "ICO image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"\x1aE\xdf\xa3", "Matroska/WebM video"),
    (b"wOFF", "web font"),
    (b"wOF2", "web font"),
    (b"\x7fELF", "executable"),
    (b"MZ", "executable"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it shares the prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_HEADER_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:+-]+)""", re.I)
_META_CHARSET_RE = re.compile(rb"""<meta[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:+-]+)""", re.I)

# Labels browsers remap (WHATWG Encoding Standard).
_BROWSER_ALIASES = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
}


def _sniff_binary(body: bytes) -> str | None:
    """Name the binary format of `body`, or None when it may be text."""
    head = body[:512].lstrip(b" \t\r\n")
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if head[4:12] in (b"ftypisom", b"ftypmp42", b"ftypavif", b"ftypheic") or head[4:8] == b"ftyp":
        return "MP4/ISO media"
    if head.startswith(b"RIFF") and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "RIFF media (WebP/WAV/AVI)"
    return None


def _codec_name(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None when unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    return _BROWSER_ALIASES.get(name, name)


def header_charset(content_type: str | None) -> str | None:
    """The codec named by a Content-Type header's charset parameter."""
    if not content_type:
        return None
    m = _HEADER_CHARSET_RE.search(content_type)
    return _codec_name(m.group(1)) if m else None


def meta_charset(body: bytes) -> str | None:
    """The codec named by a <meta> tag in the first 4 KiB."""
    m = _META_CHARSET_RE.search(body[:_META_WINDOW])
    if not m:
        return None
    name = _codec_name(m.group(1).decode("ascii", "replace"))
    # A meta tag read as ASCII cannot truly declare UTF-16/32 (HTML standard: means UTF-8).
    if name and name.startswith(("utf-16", "utf-32", "utf_16", "utf_32")):
        return "utf-8"
    return name


def _decodes_strictly(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _mostly_utf8(body: bytes) -> bool:
    """True when invalid bytes are outnumbered by valid multi-byte UTF-8 characters."""
    text = body.decode("utf-8", "replace")
    invalid = text.count("\ufffd") - body.count(b"\xef\xbf\xbd")
    valid_multibyte = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return valid_multibyte >= invalid


def _detect(body: bytes) -> str | None:
    best = from_bytes(body[:200_000]).best()
    return _codec_name(best.encoding) if best is not None else None


def choose_encoding(body: bytes, content_type: str | None) -> str:
    """The codec to decode `body` with (see module docstring for the rule)."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    declared = [e for e in (header_charset(content_type), meta_charset(body)) if e]
    declared = list(dict.fromkeys(declared))  # dedupe, keep order
    if not declared:
        if _decodes_strictly(body, "utf-8"):
            return "utf-8"
        return _detect(body) or "utf-8"
    if "utf-8" in declared and _decodes_strictly(body, "utf-8"):
        return "utf-8"
    for enc in declared:
        if enc != "utf-8" and _decodes_strictly(body, enc):
            return enc
    if len(declared) == 1:
        enc = declared[0]
        if enc == "utf-8" and not _mostly_utf8(body):
            return _detect(body) or "cp1252"
        return enc
    return _detect(body) or declared[0]


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Decode a fetched page; returns (text, codec name used).

    Invalid bytes become U+FFFD; never raises for bad bytes. Raises
    StageError('not_html') for binary content served as a page.
    """
    what = _sniff_binary(body)
    if what is not None:
        raise StageError("not_html", f"body is a {what}, not HTML (Content-Type said {content_type!r})")
    encoding = choose_encoding(body, content_type)
    text = body.decode(encoding, "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    if text.count("\x00") > max(16, len(text) // 100):
        raise StageError("not_html", "body is binary (many NUL characters), not HTML")
    return text.replace("\x00", ""), encoding
