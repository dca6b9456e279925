"""Which WARC files a backfill reads, and how one is opened.

`--warc` is a path or a glob (local, `gs://`, `s3://`: Beam's FileSystems),
or a list of WARC paths, one a line (Common Crawl's `warc.paths.gz`; `.paths`
or `.paths.gz`), whose relative paths are joined to `--warc-base` (default
Common Crawl's https://data.commoncrawl.org/). http(s) URLs are streamed with
urllib3; everything else is opened through FileSystems, always as raw bytes
(Beam would otherwise inflate a `.gz` as one stream, and the reader frames
gzip members itself).
"""

from __future__ import annotations

import gzip
import io
import math
from dataclasses import dataclass
from typing import BinaryIO

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from pipeline.errors import UsageError
from pipeline.state.store import store_call

COMMON_CRAWL_BASE = "https://data.commoncrawl.org/"
# A .warc.gz is read in byte ranges of at most this much (a 1 GB CC-NEWS file: 16 splits), so workers share
# even one big file; ranges below MIN_SPLIT_BYTES are not worth a split.
MAX_SPLIT_BYTES = 64 * 1024 * 1024
MIN_SPLIT_BYTES = 256 * 1024
PATH_LIST_SUFFIXES = (".paths", ".paths.gz")
HTTP_TIMEOUT_S = 60.0
HTTP_RETRIES = 3  # on connection errors and 429/5xx answers, with backoff (0 s, 4 s, 8 s)
HTTP_BACKOFF_S = 2.0


def is_path_list(spec: str) -> bool:
    return spec.endswith(PATH_LIST_SUFFIXES)


def join_base(base: str, path: str) -> str:
    """A path from a list, made absolute: URLs, `gs://`-like and absolute paths are kept as they are."""
    if "://" in path or path.startswith("/"):
        return path
    return base.rstrip("/") + "/" + path.lstrip("/")


def paths_in_list(data: bytes, base: str) -> list[str]:
    """The WARC paths of a path list (gzip or plain text, one a line, `#` comments)."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    lines = (line.split("#", 1)[0].strip() for line in data.decode("utf-8").splitlines())
    return [join_base(base, line) for line in lines if line]


def list_warc_files(spec: str, base: str | None = None) -> list[str]:
    """Every WARC file `--warc` names, sorted (read order is also resume order); UsageError when none."""
    if is_path_list(spec):
        data = store_call("read", spec, lambda: _read_all(spec))
        files = paths_in_list(data, base or COMMON_CRAWL_BASE)
    elif spec.startswith(("http://", "https://")):
        files = [spec]
    else:
        matches = store_call("list", spec, lambda: FileSystems.match([spec])[0].metadata_list)
        files = sorted(m.path for m in matches if not m.path.rsplit("/", 1)[-1].startswith("."))
    if not files:
        raise UsageError(f"--warc {spec}: no WARC files there (a path, a glob such as 'crawl/*.warc.gz', "
                         "or a list of paths like Common Crawl's warc.paths.gz)")
    return files


def _read_all(path: str) -> bytes:
    if path.startswith(("http://", "https://")):
        with open_warc(path) as stream:
            return stream.read()
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as stream:
        return stream.read()


@dataclass(frozen=True)
class WarcSplit:
    """One unit of reading: a whole WARC file, or the byte range [start, end) of a .warc.gz
    (the records whose gzip member starts there: framing.py)."""

    path: str
    start: int = 0
    end: int | None = None
    part: int = 0
    parts: int = 1


def file_sizes(paths: list[str]) -> dict[str, int]:
    """Sizes of the files FileSystems can list (http(s) files have none: they are read whole)."""
    listable = [path for path in paths if not path.startswith(("http://", "https://"))]
    if not listable:
        return {}
    results = store_call("list", listable[0], lambda: FileSystems.match(listable))
    return {m.path: m.size_in_bytes for result in results for m in result.metadata_list}


def split_bytes_for(total_bytes: int, workers: int) -> int:
    """Split size for a run reading `total_bytes`: about two splits per worker, within the bounds."""
    wanted = math.ceil(total_bytes / max(1, 2 * workers)) if total_bytes else MAX_SPLIT_BYTES
    return max(MIN_SPLIT_BYTES, min(MAX_SPLIT_BYTES, wanted))


def plan_splits(paths: list[str], sizes: dict[str, int], split_bytes: int) -> list[WarcSplit]:
    """Each .warc.gz of known size in ranges of about `split_bytes`; every other file whole."""
    splits: list[WarcSplit] = []
    for path in paths:
        size = sizes.get(path)
        if not path.endswith(".gz") or not size or size <= split_bytes:
            splits.append(WarcSplit(path))
            continue
        parts = math.ceil(size / split_bytes)
        bounds = [size * i // parts for i in range(parts)] + [None]
        splits.extend(WarcSplit(path, bounds[i], bounds[i + 1], i, parts) for i in range(parts))
    return splits


def open_warc(path: str) -> BinaryIO:
    """The raw bytes of one WARC file, as a stream."""
    if path.startswith(("http://", "https://")):
        return _HttpStream(path)
    return FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)


class _HttpStream(io.RawIOBase):
    """A GET streamed as it is read (Common Crawl serves its files over https)."""

    def __init__(self, url: str) -> None:
        import urllib3

        # A status still failing after the retries comes back as a response (raise_on_status=False), so that
        # close() can release its connection; an exception leaves the pool's kept-alive connections to clear.
        retries = urllib3.Retry(total=HTTP_RETRIES, backoff_factor=HTTP_BACKOFF_S, raise_on_status=False,
                                status_forcelist=(429, 500, 502, 503, 504))
        self._pool = urllib3.PoolManager(retries=retries, timeout=urllib3.Timeout(connect=HTTP_TIMEOUT_S,
                                                                                  read=HTTP_TIMEOUT_S))
        try:
            self._response = self._pool.request("GET", url, preload_content=False, decode_content=False)
        except BaseException:
            self._pool.clear()
            raise
        if self._response.status != 200:
            status = self._response.status
            self.close()
            raise OSError(f"GET {url} answered HTTP {status}")

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._response.read(None if size is None or size < 0 else size)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._response.close()  # its socket too: an unread body (an error page, a split's tail) holds it open
            self._response.release_conn()
            self._pool.clear()
        super().close()
