"""Which WARC files a backfill reads, and how one is opened.

`--warc` is a path or a glob (local, `gs://`, `s3://`: Beam's FileSystems),
or a list of WARC paths, one a line (Common Crawl's `warc.paths.gz`; `.paths`
or `.paths.gz`), whose relative paths are joined to `--warc-base` (default
Common Crawl's https://data.commoncrawl.org/). http(s) URLs are read as byte
ranges (http_stream.py); everything else is opened through FileSystems, always
as raw bytes (Beam would otherwise inflate a `.gz` as one stream, and the
reader frames gzip members itself).
"""

from __future__ import annotations

import gzip
import math
from dataclasses import dataclass
from typing import BinaryIO

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from pipeline.errors import UsageError
from pipeline.state.store import store_call
from pipeline.warc.http_stream import HttpStream, http_sizes

COMMON_CRAWL_BASE = "https://data.commoncrawl.org/"
# A .warc.gz is read in byte ranges of at most this much (a 1 GB CC-NEWS file: 16 splits), so workers share
# even one big file; ranges below MIN_SPLIT_BYTES are not worth a split.
MAX_SPLIT_BYTES = 64 * 1024 * 1024
MIN_SPLIT_BYTES = 256 * 1024
PATH_LIST_SUFFIXES = (".paths", ".paths.gz")


def is_url(path: str) -> bool:
    return path.startswith(("http://", "https://"))


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
        data = store_call("read", spec, lambda: read_whole_file(spec))
        files = paths_in_list(data, base or COMMON_CRAWL_BASE)
    elif is_url(spec):
        files = [spec]
    else:
        matches = store_call("list", spec, lambda: FileSystems.match([spec])[0].metadata_list)
        files = sorted(m.path for m in matches if not m.path.rsplit("/", 1)[-1].startswith("."))
    if not files:
        raise UsageError(f"--warc {spec}: no WARC files there (a path, a glob such as 'crawl/*.warc.gz', "
                         "or a list of paths like Common Crawl's warc.paths.gz)")
    return files


def read_whole_file(path: str) -> bytes:
    """All the bytes of a small file named on the command line (a path list, a hosts file), as they are
    stored: local, any Beam filesystem, or http(s)."""
    if is_url(path):
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
    """Sizes of the files: listed through FileSystems, or asked of their http(s) server. A server that
    does not answer byte ranges gives no size: its files are read whole."""
    sizes = http_sizes([path for path in paths if is_url(path)])
    listable = [path for path in paths if not is_url(path)]
    if listable:
        results = store_call("list", listable[0], lambda: FileSystems.match(listable))
        sizes.update((m.path, m.size_in_bytes) for result in results for m in result.metadata_list)
    return sizes


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


def open_warc(path: str, stop: int | None = None) -> BinaryIO:
    """The raw bytes of one WARC file, as a seekable stream; `stop`: where the reader means to stop
    (a split's end: over http(s) the first range asked for ends a little past it)."""
    if is_url(path):
        return HttpStream(path, stop)
    return FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)
