"""A WARC file over http(s), read as a seekable stream of HTTP byte ranges (Common Crawl serves CC-NEWS so).

A split of a `.warc.gz` (sources.py) seeks to its first byte and asks for its
bytes with a Range request, so workers share a ~1 GB file as they share a
local one. A connection that drops part-way resumes where it stopped (a Range
request from the last byte read, `If-Range` its ETag, so a file replaced in
between is an error, never a splice of two files), up to HTTP_RESUMES times
in a row. A server that ignores Range answers 200 and the whole file: the
planner then reads the file whole (`http_size` finds no size), and a stream
that meets such an answer anyway reads from the start and drops the bytes
before its position (slow, never wrong).
"""

from __future__ import annotations

import io
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import urllib3
from urllib3.exceptions import HTTPError

log = logging.getLogger(__name__)

HTTP_TIMEOUT_S = 60.0
HTTP_RETRIES = 3  # per request, on connection errors and 429/5xx answers, with backoff (0 s, 4 s, 8 s)
HTTP_BACKOFF_S = 2.0
HTTP_RESUMES = 5  # a body that keeps dropping, with no byte read in between: the read fails
RANGE_MARGIN = 1024 * 1024  # asked for past a split's end: its last record's gzip member ends there
SKIP_BY_READING = 256 * 1024  # a seek this far forward reads on rather than asking for a new range
PROBES_AT_ONCE = 8
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")


def http_pool(connections: int = 1) -> urllib3.PoolManager:
    # A status still failing after the retries comes back as a response (raise_on_status=False), so that
    # its connection can be released; an exception leaves the pool's kept-alive connections to clear.
    retries = urllib3.Retry(total=HTTP_RETRIES, backoff_factor=HTTP_BACKOFF_S, raise_on_status=False,
                            status_forcelist=(429, 500, 502, 503, 504))
    return urllib3.PoolManager(connections, retries=retries,
                               timeout=urllib3.Timeout(connect=HTTP_TIMEOUT_S, read=HTTP_TIMEOUT_S))


def http_sizes(urls: list[str]) -> dict[str, int]:
    """The size of each file whose server answers byte ranges (the others are read whole)."""
    if not urls:
        return {}
    workers = min(PROBES_AT_ONCE, len(urls))
    pool = http_pool(workers)
    try:
        with ThreadPoolExecutor(workers) as probes:
            sizes = dict(zip(urls, probes.map(lambda url: http_size(url, pool), urls)))
    finally:
        pool.clear()
    return {url: size for url, size in sizes.items() if size is not None}


def http_size(url: str, pool: urllib3.PoolManager) -> int | None:
    """The file's size if its server answers a one-byte Range request with 206, else None (any failure
    too: reading the file whole then says what is wrong)."""
    try:
        response = pool.request("GET", url, headers={"Range": "bytes=0-0"}, preload_content=False,
                                decode_content=False)
    except (HTTPError, OSError) as error:
        log.warning("warc: %s: cannot ask for its size (%s); it is read whole", url, error)
        return None
    try:
        found = _content_range(response)
        return found[2] if response.status == 206 and found else None
    finally:
        _release(response)  # a server ignoring Range is sending the whole file: never read it here


class HttpStream(io.RawIOBase):
    """GETs of one URL, read as one seekable stream. `stop`: where the reader means to stop (a split's
    end); the first range asks for a little past it, the rest of the file if the reader goes on."""

    def __init__(self, url: str, stop: int | None = None) -> None:
        self.url = url
        self._stop = stop
        self._pool = http_pool()
        self._response: Any = None
        self._ranged = False  # the open response is the range asked for (206), not the whole file (200)
        self._response_at = 0  # where the open response's next byte lies in the file
        self._at = 0  # the stream's position
        self._asked = 0  # requests made
        self._size: int | None = None  # the file's size, once a 206 said it
        self._etag: str | None = None
        self._drops = 0  # drops in a row, with no byte read in between

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._at

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            offset += self._at
        elif whence != io.SEEK_SET:
            raise io.UnsupportedOperation("an HTTP stream seeks from its start or its position only")
        self._at = max(0, offset)
        return self._at

    def read(self, size: int = -1) -> bytes:
        size = None if size is None or size < 0 else size
        while True:
            if self._response is None and not self._open():
                return b""  # past the end of the file
            try:
                self._skip_to(self._at)
                if self._response is None:
                    continue  # a new range is asked for from the position
                data = self._response.read(size)
            except (HTTPError, OSError) as error:  # the connection dropped, or the read timed out
                self._drop(error)
                continue
            if data or size == 0:
                self._at += len(data)
                self._response_at = self._at
                self._drops = 0
                return data
            self._end_response()
            if self._size is None or self._at >= self._size:
                return b""  # the end of the file (or of the only answer a server ignoring ranges gives)
            # the end of the range asked for, not of the file: the next turn asks for the rest

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._end_response()
            self._pool.clear()
        super().close()

    # -------------------------------------------------------------------------------------------------

    def _open(self) -> bool:
        """A response at or before the stream's position; False past the end of the file."""
        at = self._at
        last = max(at, self._stop + RANGE_MARGIN) if self._stop is not None and not self._asked else None
        headers = {"Range": f"bytes={at}-{'' if last is None else last}"}
        if self._etag and not self._etag.startswith("W/"):  # If-Range takes strong ETags only
            headers["If-Range"] = self._etag
        self._asked += 1
        response = self._pool.request("GET", self.url, headers=headers, preload_content=False, decode_content=False)
        self._response, self._response_at, self._ranged = response, 0, False
        etag = response.headers.get("ETag")
        if response.status == 206:
            found = _content_range(response)
            if not found or found[0] != at:
                self._fail(f"answered the range from byte {at:,} with {response.headers.get('Content-Range')!r}")
            self._response_at, self._size, self._ranged = at, found[2], True
        elif response.status == 200:
            if self._etag and etag != self._etag:
                self._fail(f"changed while it was read (ETag {self._etag} became {etag}); it is read again next time")
            if at:
                log.warning("warc: %s ignores byte ranges: read from its start to reach byte %s", self.url, f"{at:,}")
        elif response.status == 416:  # the position is past the end
            self._end_response()
            return False
        else:
            self._fail(f"answered HTTP {response.status}")
        self._etag = self._etag or etag
        return True

    def _skip_to(self, at: int) -> None:
        """Bring the open response to the stream's position: read on a little, or end it so that a new range
        is asked for."""
        if at == self._response_at:
            return
        if at < self._response_at or (self._ranged and at - self._response_at > SKIP_BY_READING):
            self._end_response()
            return
        while self._response_at < at:
            chunk = self._response.read(min(at - self._response_at, SKIP_BY_READING))
            if not chunk:
                raise OSError(f"GET {self.url} ended at byte {self._response_at:,}, before byte {at:,}")
            self._response_at += len(chunk)

    def _drop(self, error: Exception) -> None:
        self._end_response()
        self._drops += 1
        if self._drops > HTTP_RESUMES:
            raise OSError(f"GET {self.url} dropped {self._drops} times in a row at byte {self._at:,} "
                          f"({type(error).__name__}: {error})") from error
        log.warning("warc: %s dropped at byte %s (%s); resuming there", self.url, f"{self._at:,}", error)

    def _fail(self, why: str) -> None:
        self._end_response()
        raise OSError(f"GET {self.url} {why}")

    def _end_response(self) -> None:
        if self._response is not None:
            _release(self._response)
            self._response = None


def _content_range(response: Any) -> tuple[int, int, int] | None:
    """(first, last, size) of a 206's Content-Range."""
    found = _CONTENT_RANGE.fullmatch((response.headers.get("Content-Range") or "").strip())
    return (int(found.group(1)), int(found.group(2)), int(found.group(3))) if found else None


def _release(response: Any) -> None:
    response.close()  # its socket too: an unread body (an error page, a split's tail) would hold it open
    response.release_conn()
