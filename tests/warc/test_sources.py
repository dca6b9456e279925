"""WARC files over HTTP (Common Crawl serves CC-NEWS over https): against a loopback file server
(tests/warc/http_files.py)."""

from __future__ import annotations

import pytest

from pipeline.warc import sources
from pipeline.warc.sources import open_warc
from tests.warc.archives import page, records, write
from tests.warc.http_files import Behaviour, FileServer


@pytest.fixture
def no_backoff(monkeypatch) -> None:
    monkeypatch.setattr(sources, "HTTP_BACKOFF_S", 0.0)


@pytest.mark.parametrize("status, tries", [(503, 1 + sources.HTTP_RETRIES), (404, 1)])
def test_a_get_that_fails_leaves_no_connection_open(tmp_path, no_backoff, status, tries):
    write(tmp_path / "a.warc.gz", records([page(1)]))
    with FileServer(tmp_path, Behaviour(status=status)) as server:
        with pytest.raises(Exception, match=str(status)) as failed:
            open_warc(server.url("a.warc.gz"))
        # the error is still held (a dead letter is being made of it): the connections it used are not
        assert failed.value is not None and server.wait_until_no_connection_is_open() == 0
        assert len(server.requests) == tries


def test_a_stream_closed_before_its_end_leaves_no_connection_open(tmp_path):
    write(tmp_path / "a.warc.gz", records([page(i) for i in range(20)]))
    with FileServer(tmp_path) as server:
        with open_warc(server.url("a.warc.gz")) as stream:
            assert stream.read(10)[:2] == b"\x1f\x8b"
        assert server.wait_until_no_connection_is_open() == 0
