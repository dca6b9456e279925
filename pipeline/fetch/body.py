"""Reading a response body: content-codings checked, size capped after decompression.

A body is read in chunks and refused as soon as its decompressed size passes the cap,
so a gzip, deflate or br bomb (stacked codings too) is never inflated whole; a declared
Content-Length over the cap is refused before reading. Redirect and error bodies are
never read at all (`discard`).
"""

from __future__ import annotations

from typing import Mapping

import urllib3

from pipeline.records import StageError

SUPPORTED_ENCODINGS = frozenset({"gzip", "x-gzip", "deflate", "br", "identity"})
READ_CHUNK = 64 * 1024


def content_codings(headers: Mapping[str, str]) -> list[str]:
    value = headers.get("content-encoding", "")
    return [c.strip().lower() for c in value.split(",") if c.strip()]


def check_declared(url: str, headers: Mapping[str, str], cap: int) -> None:
    """Refuse, before reading, a coding we cannot decode or a declared length over the cap."""
    unknown = [c for c in content_codings(headers) if c not in SUPPORTED_ENCODINGS]
    if unknown:
        raise StageError(
            "decode_error",
            f"{url} is sent with content-encoding {', '.join(unknown)}, which wirebeam "
            "does not decode (it asks for gzip, deflate or br)",
        )
    length = headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > cap:
        raise StageError(
            "too_large", f"{url} declares {int(length):,} bytes, over the {cap:,} byte cap; not read"
        )


def drop_identity_coding(resp: urllib3.BaseHTTPResponse, headers: Mapping[str, str]) -> None:
    """urllib3 would read "identity" inside a chain as deflate: drop it from what urllib3 decodes."""
    codings = [c for c in content_codings(headers) if c != "identity"]
    if codings:
        resp.headers["content-encoding"] = ", ".join(codings)
    elif "content-encoding" in resp.headers:
        del resp.headers["content-encoding"]


def read_capped(resp: urllib3.BaseHTTPResponse, cap: int, url: str) -> bytes:
    """The decompressed body, refusing it as soon as it passes `cap` bytes.

    urllib3 (>= 2.6) inflates at most READ_CHUNK bytes per read, through every
    stacked coding, so a bomb is refused after cap + 64 KiB of output, never
    inflated whole.
    """
    parts: list[bytes] = []
    total = 0
    for chunk in resp.stream(READ_CHUNK, decode_content=True):
        total += len(chunk)
        if total > cap:
            raise StageError(
                "too_large",
                f"{url} is larger than {cap:,} bytes once decompressed; refused "
                "(raise FetchPolicy.max_bytes if such pages are wanted)",
            )
        parts.append(chunk)
    return b"".join(parts)


def discard(resp: urllib3.BaseHTTPResponse | None) -> None:
    """Close a response without reading its body; the connection is not reused."""
    if resp is None:
        return
    try:
        resp.close()
    finally:
        resp.release_conn()
