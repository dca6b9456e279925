"""WARC files the tests write themselves: good pages with warcio, then the damage real archives show."""

from __future__ import annotations

import gzip
import io
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pipeline.warc.write import Capture, write_warc

DAY = datetime(2016, 8, 26, 12, 0, tzinfo=timezone.utc)
TOPICS = ("floods", "elections", "a port strike", "a bridge collapse", "wildfires", "a rail deal", "drought",
          "a cabinet reshuffle", "a mine rescue", "heat records")


def article_html(index: int, topic: str | None = None) -> bytes:
    """A short news page with enough body text to be an article."""
    topic = topic or TOPICS[index % len(TOPICS)]
    paragraphs = "".join(
        f"<p>Officials in the region said on Friday that {topic} had affected {10 + index + n} towns, and that "
        f"crews had worked through the night to reach the districts cut off since the weekend (report {index}).</p>"
        for n in range(4)
    )
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Story {index}: {topic}</title>"
            f"</head><body><article><h1>Story {index}: {topic}</h1>{paragraphs}</article></body></html>").encode()


def page(index: int, *, host: str = "news.example", day: datetime = DAY, **kw) -> Capture:
    return Capture(f"https://{host}/story/{index}", article_html(index), day + timedelta(minutes=index), **kw)


def records(captures: list[Capture], *, gzipped: bool = True) -> list[bytes]:
    """Each capture as the bytes of its own record (one gzip member each when gzipped)."""
    out = []
    for capture in captures:
        buffer = io.BytesIO()
        write_warc(buffer, [capture], gzip=gzipped, created=DAY)
        whole = buffer.getvalue()
        info = io.BytesIO()
        write_warc(info, [], gzip=gzipped, created=DAY)
        out.append(whole[len(info.getvalue()):])  # without the warcinfo record
    return out


def archive(captures: list[Capture], *, gzipped: bool = True) -> bytes:
    buffer = io.BytesIO()
    write_warc(buffer, captures, gzip=gzipped, created=DAY)
    return buffer.getvalue()


def write(path: Path, data: bytes | list[bytes]) -> Path:
    path.write_bytes(data if isinstance(data, bytes) else b"".join(data))
    return path


def lie_about_length(record: bytes, delta: int, *, gzipped: bool = True) -> bytes:
    """The record with its Content-Length changed by `delta` (the bytes stay as they were)."""
    raw = gzip.decompress(record) if gzipped else record
    header, rest = raw.split(b"\r\n\r\n", 1)
    lines = [
        b"Content-Length: %d" % (int(line.split(b":")[1]) + delta) if line.lower().startswith(b"content-length:")
        else line
        for line in header.split(b"\r\n")
    ]
    raw = b"\r\n".join(lines) + b"\r\n\r\n" + rest
    return gzip.compress(raw, mtime=0) if gzipped else raw


HUGE = 2 * 1024 ** 3 + 17  # a 2 GB content block
HUGE_URL = "https://news.example/huge"


def huge_record_headers(url: str = HUGE_URL, length: int = HUGE) -> tuple[bytes, bytes]:
    """(WARC header block, HTTP header block) of a record whose content block is `length` bytes."""
    warc = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000002>\r\n"
            b"WARC-Date: 2016-08-26T12:00:00Z\r\nWARC-Target-URI: " + url.encode() + b"\r\n"
            b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n" % length)
    return warc, b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"


def write_sparse_huge_record(path: Path, before: list[bytes], after: list[bytes]) -> Path:
    """An uncompressed WARC with a 2 GB record between `before` and `after`: a hole in a sparse
    file, never in memory."""
    warc, http = huge_record_headers()
    with open(path, "wb") as out:
        out.write(b"".join(before) + warc)
        block_start = out.tell()
        out.write(http)
        out.seek(block_start + HUGE)
        out.write(b"\r\n\r\n" + b"".join(after))
    return path


def write_gzip_huge_record(path: Path, before: list[bytes], after: list[bytes]) -> Path:
    """A .warc.gz with a 2 GB record as one gzip member, compressed as it is written (1 MiB at a time)."""
    warc, http = huge_record_headers()
    zeros = bytes(1024 * 1024)
    with open(path, "wb") as out:
        out.write(b"".join(before))
        packer = zlib.compressobj(1, zlib.DEFLATED, 31)
        out.write(packer.compress(warc + http))
        left = HUGE - len(http)
        while left:
            step = min(left, len(zeros))
            out.write(packer.compress(zeros[:step]))
            left -= step
        out.write(packer.compress(b"\r\n\r\n") + packer.flush())
        out.write(b"".join(after))
    return path
