"""WARC files over HTTP (Common Crawl serves CC-NEWS over https): against a loopback file server
(tests/warc/http_files.py)."""

from __future__ import annotations

from collections import Counter

import apache_beam as beam
import pytest

from pipeline.warc import http_stream
from pipeline.warc.records import RecordFilter
from pipeline.warc.sources import WarcSplit, file_sizes, open_warc, plan_splits
from pipeline.warc.transforms import ReadWarcFileFn, read_warc_split
from tests.warc.archives import page, records, write
from tests.warc.http_files import Behaviour, FileServer

EVERYTHING = RecordFilter()


@pytest.fixture
def no_backoff(monkeypatch) -> None:
    monkeypatch.setattr(http_stream, "HTTP_BACKOFF_S", 0.0)


@pytest.mark.parametrize("status, tries", [(503, 1 + http_stream.HTTP_RETRIES), (404, 1)])
def test_a_get_that_fails_leaves_no_connection_open(tmp_path, no_backoff, status, tries):
    write(tmp_path / "a.warc.gz", records([page(1)]))
    with FileServer(tmp_path, Behaviour(status=status)) as server:
        with pytest.raises(OSError, match=f"answered HTTP {status}") as failed:
            with open_warc(server.url("a.warc.gz")) as stream:
                stream.read(10)
        # the error is still held (a dead letter is being made of it): the connections it used are not
        assert failed.value is not None and server.wait_until_no_connection_is_open() == 0
        assert len(server.requests) == tries


def test_a_stream_closed_before_its_end_leaves_no_connection_open(tmp_path):
    write(tmp_path / "a.warc.gz", records([page(i) for i in range(20)]))
    with FileServer(tmp_path) as server:
        with open_warc(server.url("a.warc.gz")) as stream:
            assert stream.read(10)[:2] == b"\x1f\x8b"
        assert server.wait_until_no_connection_is_open() == 0


def urls_of(split: WarcSplit) -> list[str]:
    return [p.url for p in read_warc_split(split, EVERYTHING, Counter())]


def read_file_fn(url: str) -> tuple[list, list, list]:
    """(pages, dead letters, ledger rows) of ReadWarcFileFn on one file."""
    outputs = list(ReadWarcFileFn(EVERYTHING, "run-1").process(url))
    tagged = [out for out in outputs if isinstance(out, beam.pvalue.TaggedOutput)]
    return ([out for out in outputs if out not in tagged], [out.value for out in tagged if out.tag == "dead_letters"],
            [out.value for out in tagged if out.tag == "ledger"])


STORIES = [f"https://news.example/story/{i}" for i in range(40)]


def test_a_file_over_http_is_sized_split_and_read_in_byte_ranges(tmp_path, monkeypatch):
    """Workers share a CC-NEWS file by byte ranges, as they share a local one; with no margin past a
    split's end, each split asks for the rest of its last record."""
    monkeypatch.setattr(http_stream, "RANGE_MARGIN", 0)
    size = write(tmp_path / "a.warc.gz", records([page(i) for i in range(40)])).stat().st_size
    with FileServer(tmp_path) as server:
        url = server.url("a.warc.gz")
        assert file_sizes([url]) == {url: size}
        splits = plan_splits([url], {url: size}, size // 4 + 1)
        assert [(s.start, s.end) for s in splits] == [(0, size // 4), (size // 4, size // 2),
                                                      (size // 2, size * 3 // 4), (size * 3 // 4, None)]
        server.requests.clear()
        assert [url for split in splits for url in urls_of(split)] == STORIES
        asked = server.ranges_asked()
    assert [rng for rng in asked if not rng.endswith("-")] == [f"bytes={s.start}-{s.end}" for s in splits[:3]]
    assert f"bytes={splits[3].start}-" in asked and "bytes=0-" not in asked  # no split read the file whole
    assert len(asked) == 4 + 3  # each bounded range went on once, for the rest of its last record


def test_a_server_that_ignores_ranges_has_its_files_read_whole(tmp_path):
    path = write(tmp_path / "a.warc.gz", records([page(i) for i in range(40)]))
    size = path.stat().st_size
    with FileServer(tmp_path, Behaviour(ranges=False)) as server:
        url = server.url("a.warc.gz")
        assert file_sizes([url]) == {}
        assert plan_splits([url], {}, size // 4 + 1) == [WarcSplit(url)]
        assert urls_of(WarcSplit(url)) == STORIES
        # a split planned while the server answered ranges still reads its own records, from the start
        middle = plan_splits([url], {url: size}, size // 4 + 1)[2]
        local = plan_splits([str(path)], {str(path): size}, size // 4 + 1)[2]
        assert urls_of(middle) == urls_of(local) and 0 < len(urls_of(local)) < 40


def test_a_dropped_connection_resumes_where_it_stopped(tmp_path):
    size = write(tmp_path / "a.warc.gz", records([page(i) for i in range(40)])).stat().st_size
    with FileServer(tmp_path, Behaviour(drop_after=[size // 2, 1000])) as server:
        assert urls_of(WarcSplit(server.url("a.warc.gz"))) == STORIES
        assert server.ranges_asked() == ["bytes=0-", f"bytes={size // 2}-", f"bytes={size // 2 + 1000}-"]


def test_a_connection_that_keeps_dropping_is_a_read_error_read_again_next_time(tmp_path):
    write(tmp_path / "a.warc.gz", records([page(i) for i in range(40)]))
    with FileServer(tmp_path, Behaviour(drop_after=[100] + [0] * 10)) as server:
        _, [letter], ledger = read_file_fn(server.url("a.warc.gz"))
    assert letter.error_type == "read_error" and "dropped 6 times in a row at byte 100" in letter.message
    assert ledger == []


def test_a_file_replaced_while_it_is_read_is_a_read_error_not_a_splice(tmp_path):
    size = write(tmp_path / "a.warc.gz", records([page(i) for i in range(40)])).stat().st_size
    with FileServer(tmp_path, Behaviour(drop_after=[size // 2], etags=['"v1"', '"v2"'])) as server:
        pages, [letter], ledger = read_file_fn(server.url("a.warc.gz"))
        assert server.requests[-1] == ("GET /a.warc.gz", f"bytes={size // 2}-")
    assert letter.error_type == "read_error" and 'changed while it was read (ETag "v1" became "v2")' in letter.message
    assert ledger == [] and len(pages) < 40
