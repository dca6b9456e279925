"""Checks for URLs taken from feed lists and feed items.

Feeds are written by strangers: an item link may be `javascript:`, a local file,
carry credentials, or be built to confuse URL parsers. Only plain http(s) URLs
leave this module. Whether the *address* is safe to call (loopback, metadata
server...) is the fetch layer's job; this module only judges the URL's shape.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

MAX_URL_LENGTH = 1024
ALLOWED_SCHEMES = ("http", "https")

# C0 controls and DEL: browsers strip some of them silently, which lets a link
# say one thing to us and another to the next tool.
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_INNER_WHITESPACE = re.compile(r"\s")


class UrlRefused(ValueError):
    """A URL that is not a plain, absolute http(s) URL; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_http_url(raw: str, base: str | None = None) -> str:
    """Return `raw` (resolved against `base`) as an absolute http(s) URL, or raise UrlRefused.

    Relative and protocol-relative (`//host/path`) links are resolved against the
    base; the result must be http or https, have a host, carry no user
    information and fit in MAX_URL_LENGTH characters.
    """
    text = raw.strip()
    if not text:
        raise UrlRefused("empty URL")
    if len(text) > MAX_URL_LENGTH:
        raise UrlRefused(f"URL longer than {MAX_URL_LENGTH} characters ({len(text)})")
    if "\\" in text:
        # WHATWG parsers read "\" as "/" in http URLs, urllib does not: refuse the ambiguity.
        raise UrlRefused("backslash in URL")
    if _CONTROL_CHARS.search(text):
        raise UrlRefused("control character in URL")
    # Unencoded spaces are common in sloppy feeds and unambiguous: encode them.
    text = _INNER_WHITESPACE.sub("%20", text)

    resolved = urljoin(base, text) if base else text
    try:
        parts = urlsplit(resolved)
        port = parts.port  # raises ValueError on a non-numeric or out-of-range port
    except ValueError as error:
        raise UrlRefused(f"unparseable URL: {error}") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise UrlRefused(f"scheme {scheme + ':' if scheme else '(none)'} not allowed; only http and https")
    if "@" in parts.netloc:
        raise UrlRefused("user information (user@host) in URL")
    host = parts.hostname
    if not host:
        raise UrlRefused("URL has no host")
    if port == 0:
        raise UrlRefused("port 0 in URL")
    result = urlunsplit((scheme, parts.netloc.lower(), parts.path or "/", parts.query, parts.fragment))
    if len(result) > MAX_URL_LENGTH:
        raise UrlRefused(f"URL longer than {MAX_URL_LENGTH} characters once resolved ({len(result)})")
    return result


def url_identity(url: str) -> str:
    """The key under which two spellings of one feed URL collapse.

    Scheme and host are case-insensitive, a default port is the same as none
    and the fragment never reaches the server.
    """
    parts = urlsplit(url)
    netloc = parts.netloc.lower()
    scheme = parts.scheme.lower()
    default_port = {"http": ":80", "https": ":443"}.get(scheme)
    if default_port and netloc.endswith(default_port):
        netloc = netloc[: -len(default_port)]
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
