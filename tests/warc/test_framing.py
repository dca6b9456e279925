"""Records framed from the file's bytes: every kind of damage is one frame, the rest of the file is read."""

from __future__ import annotations

import gzip
import io
import os
import tracemalloc

import pytest

from pipeline.warc.framing import NotWarc, frames
from pipeline.warc.records import MAX_BLOCK_BYTES
from tests.warc.archives import (
    HUGE, archive, lie_about_length, page, records, write_gzip_huge_record, write_sparse_huge_record,
)

PAGES = [page(i) for i in range(6)]


def framed(data: bytes) -> list:
    return list(frames(io.BytesIO(data), MAX_BLOCK_BYTES))


def urls(found) -> list[str]:
    return [f.header.split(b"WARC-Target-URI: ")[1].split(b"\r\n")[0].decode() for f in found
            if not f.problem and b"WARC-Target-URI" in f.header]


def problems(found) -> list[str]:
    return [f.problem for f in found if f.problem]


@pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])
def test_a_good_file_is_every_record_once(gzipped):
    found = framed(archive(PAGES, gzipped=gzipped))
    assert problems(found) == []
    assert urls(found) == [p.url for p in PAGES]
    assert all(f.length == len(f.block) for f in found)


def test_a_truncated_gzip_member_in_the_middle_costs_that_record_only():
    parts = records(PAGES)
    parts[2] = parts[2][: len(parts[2]) // 2]
    found = framed(b"".join(parts))
    assert problems(found) == ["corrupt"]
    assert urls(found) == [p.url for i, p in enumerate(PAGES) if i != 2]
    assert "reading went on at byte" in next(f.detail for f in found if f.problem)


def test_bytes_damaged_inside_a_member_cost_that_record_only():
    parts = records(PAGES)
    member = bytearray(parts[3])
    member[30:60] = bytes(30)
    parts[3] = bytes(member)
    found = framed(b"".join(parts))
    assert problems(found) == ["corrupt"]
    assert urls(found) == [p.url for i, p in enumerate(PAGES) if i != 3]


@pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])
def test_a_record_cut_mid_body_at_the_end_is_truncated(gzipped):
    data = archive(PAGES, gzipped=gzipped)
    found = framed(data[:-120])
    assert problems(found) == ["truncated"]
    assert urls(found) == [p.url for p in PAGES[:-1]]


@pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])
@pytest.mark.parametrize("delta", [4000, -40], ids=["longer", "shorter"])
def test_a_lying_content_length_is_that_record_only(gzipped, delta):
    parts = records(PAGES, gzipped=gzipped)
    parts[1] = lie_about_length(parts[1], delta, gzipped=gzipped)
    found = framed(b"".join(parts))
    assert problems(found) == ["bad_length"]
    assert urls(found) == [p.url for i, p in enumerate(PAGES) if i != 1]
    assert "Content-Length" in next(f.detail for f in found if f.problem)


def test_a_lie_past_the_end_of_an_uncompressed_file_still_reads_the_records_after_it():
    parts = records(PAGES, gzipped=False)
    parts[4] = lie_about_length(parts[4], 10 ** 9, gzipped=False)
    found = framed(b"".join(parts))
    assert problems(found) == ["bad_length"]
    assert urls(found)[-1] == PAGES[5].url


def test_garbage_between_records_is_skipped_to_the_next_record():
    parts = records(PAGES, gzipped=False)
    found = framed(b"".join(parts[:2]) + b"not a record at all\r\n\r\n" + b"".join(parts[2:]))
    assert problems(found) == ["bad_record"]
    assert urls(found) == [p.url for p in PAGES]


@pytest.mark.parametrize("data", [
    b"<html><body>an HTML page</body></html>" * 10,
    os.urandom(4096).replace(b"\x1f\x8b", b"xx"),
    gzip.compress(b"<html>not a warc</html>\n" * 50),
], ids=["html", "random-bytes", "gzipped-text"])
def test_a_file_that_is_not_warc_says_so(data):
    with pytest.raises(NotWarc):
        framed(data)


def test_an_empty_file_has_no_records():
    assert framed(b"") == []


def test_a_file_gzipped_as_one_stream_says_how_to_fix_it():
    whole = gzip.compress(archive([page(i) for i in range(400)], gzipped=False) * 12, mtime=0)
    found = framed(whole)
    assert problems(found) == ["not_per_record"]
    assert "recompress" in next(f.detail for f in found if f.problem)


def test_a_small_file_gzipped_as_one_stream_is_read_record_by_record():
    """Thousands of records in one gzip member under the budget (a small .warc gzipped whole): every one
    of them, not a RecursionError after a thousand."""
    pages = [page(i) for i in range(2000)]
    whole = gzip.compress(archive(pages, gzipped=False), mtime=0)
    found = framed(whole)
    assert problems(found) == []
    assert urls(found) == [p.url for p in pages]


def _frames_within_memory(path, limit_bytes: int) -> list:
    tracemalloc.start()
    try:
        with open(path, "rb") as stream:
            found = list(frames(stream, MAX_BLOCK_BYTES))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < limit_bytes, f"peak {peak:,} bytes"
    return found


def test_a_2_gb_uncompressed_record_is_skipped_by_seeking_never_held(tmp_path):
    before, after = records(PAGES[:2], gzipped=False), records(PAGES[2:], gzipped=False)
    path = write_sparse_huge_record(tmp_path / "huge.warc", before, after)
    found = _frames_within_memory(path, 32 * 1024 * 1024)
    huge = [f for f in found if f.length == HUGE]
    assert len(huge) == 1 and len(huge[0].block) == MAX_BLOCK_BYTES
    assert problems(found) == [] and urls(found) == [p.url for p in PAGES[:2]] + ["https://news.example/huge"] + [
        p.url for p in PAGES[2:]]


@pytest.mark.slow
def test_a_2_gb_gzip_member_is_inflated_as_a_stream_never_held(tmp_path):
    path = write_gzip_huge_record(tmp_path / "huge.warc.gz", records(PAGES[:2]), records(PAGES[2:]))
    assert path.stat().st_size < 64 * 1024 * 1024
    found = _frames_within_memory(path, 32 * 1024 * 1024)
    huge = [f for f in found if f.length == HUGE]
    assert len(huge) == 1 and len(huge[0].block) == MAX_BLOCK_BYTES
    assert problems(found) == [] and urls(found)[-4:] == [p.url for p in PAGES[2:]]


@pytest.mark.parametrize("parts", [2, 3, 7, 40])
def test_byte_ranges_of_a_gzip_file_hold_every_record_once(parts):
    pages = [page(i) for i in range(30)]
    members = records(pages)
    members[11] = members[11][: len(members[11]) // 2]  # a damaged member, somewhere in some range
    data = b"".join(members)
    bounds = [len(data) * i // parts for i in range(parts)] + [None]
    found = [f for i in range(parts) for f in frames(io.BytesIO(data), MAX_BLOCK_BYTES, bounds[i], bounds[i + 1])]
    assert urls(found) == [p.url for i, p in enumerate(pages) if i != 11]
    assert problems(found) == ["corrupt"]


def test_a_range_that_holds_no_member_start_is_empty():
    data = b"".join(records([page(1)]))
    assert list(frames(io.BytesIO(data), MAX_BLOCK_BYTES, 5, len(data))) == []


class _CountingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_a_range_looks_for_its_first_member_only_within_itself():
    """A range inside a long stretch with no member start (a huge record's member, a damaged tail) reads
    about its own bytes: the ranges after it look from their own start, so each range does not scan to
    the end of the file."""
    tail = os.urandom(8 * 1024 * 1024).replace(b"\x1f\x8b", b"xx")
    data = b"".join(records([page(1)])) + tail
    stream = _CountingStream(data)
    start = len(data) // 4
    assert list(frames(stream, MAX_BLOCK_BYTES, start, start + 1024 * 1024)) == []
    assert stream.bytes_read < 2 * 1024 * 1024

