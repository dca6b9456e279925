"""One framed record -> an archived page, a skip with its reason, or a warc dead letter."""

from __future__ import annotations

import gzip
import io
from datetime import datetime, timedelta, timezone

import pytest

from pipeline.records import DeadLetter
from pipeline.warc.framing import Frame, frames
from pipeline.warc.page import ArchivedPage, extract_archived_page
from pipeline.warc.records import (
    MAX_BLOCK_BYTES, RecordFilter, Skipped, host_suffixes, normalise_host, read_record,
)
from tests.warc.archives import DAY, HUGE, HUGE_URL, archive, huge_record_headers, page
from pipeline.warc.write import Capture

EVERYTHING = RecordFilter()


def outcomes(captures, keep: RecordFilter = EVERYTHING) -> list:
    found = frames(io.BytesIO(archive(captures)), MAX_BLOCK_BYTES)
    return [read_record(frame, "crawl-1.warc.gz", keep) for frame in found][1:]  # without the warcinfo


def test_an_html_response_is_a_page_with_its_provenance():
    [outcome] = outcomes([page(1)])
    assert isinstance(outcome, ArchivedPage)
    assert outcome.url == "https://news.example/story/1" and outcome.status == 200
    assert outcome.fetched_at == DAY + timedelta(minutes=1)
    assert outcome.warc_file == "crawl-1.warc.gz" and outcome.warc_record_id.startswith("<urn:uuid:")
    assert outcome.body.startswith(b"<!DOCTYPE html>") and outcome.content_type == "text/html; charset=utf-8"


@pytest.mark.parametrize("capture, reason", [
    (page(2, record_type="revisit"), "revisit"),
    (page(3, record_type="request"), "not_response"),
    (page(4, status=301), "status"),
    (page(5, status=404), "status"),
    (page(6, content_type="application/pdf"), "not_html"),
    (page(7, content_type="image/jpeg"), "not_html"),
    (Capture("ftp://news.example/x", b"<html></html>", DAY), "not_http_url"),
    (Capture("http://[broken/x", b"<html></html>", DAY), "not_http_url"),  # urlsplit raises on it
], ids=["revisit", "request", "redirect", "gone", "pdf", "image"] + ["ftp-url", "broken-url"])
def test_records_that_are_not_html_pages_are_skipped_with_a_reason(capture, reason):
    assert outcomes([capture]) == [Skipped(reason)]


def test_a_page_without_content_type_is_kept_when_it_looks_like_html():
    kept, skipped = outcomes([page(8, content_type=None), Capture("https://news.example/b", b"%PDF-1.4 ...", DAY,
                                                                   content_type=None)])
    assert isinstance(kept, ArchivedPage) and skipped == Skipped("not_html")


def test_capture_dates_filter_whole_days():
    keep = RecordFilter(since=datetime(2016, 8, 26, tzinfo=timezone.utc), until=datetime(2016, 8, 27, tzinfo=timezone.utc))
    inside, before, after = outcomes([page(1), page(2, day=DAY - timedelta(days=1)), page(3, day=DAY + timedelta(days=1))], keep)
    assert isinstance(inside, ArchivedPage)
    assert before == after == Skipped("outside_dates")


def test_hosts_keep_their_subdomains_only():
    keep = RecordFilter(hosts=frozenset({"news.example"}))
    kept, sub, other, lookalike = outcomes([
        page(1), page(2, host="www.news.example"), page(3, host="other.example"), page(4, host="fakenews.example"),
    ], keep)
    assert isinstance(kept, ArchivedPage) and isinstance(sub, ArchivedPage)
    assert other == lookalike == Skipped("other_host")


@pytest.mark.parametrize("line, host", [
    ("www.BBC.co.uk", "bbc.co.uk"), ("https://www.lemonde.fr/international/", "lemonde.fr"),
    ("  # a comment", None), ("apnews.com  # wire", "apnews.com"), ("", None),
])
def test_hosts_file_lines(line, host):
    assert normalise_host(line) == host


def test_host_suffixes_walk_up_the_labels():
    assert host_suffixes("a.b.example.org") == ["a.b.example.org", "b.example.org", "example.org", "org"]


def test_a_damaged_frame_is_a_warc_dead_letter_naming_file_and_byte():
    letter = read_record(Frame(1234, problem="corrupt", detail="the gzip member at byte 1,234 does not inflate"),
                         "gs://bucket/crawl-1.warc.gz", EVERYTHING)
    assert isinstance(letter, DeadLetter)
    assert (letter.stage, letter.error_type) == ("warc", "corrupt")
    assert letter.url == "gs://bucket/crawl-1.warc.gz#byte=1234"
    assert "does not inflate" in letter.message and "gs://bucket/crawl-1.warc.gz" in letter.message


def test_a_record_over_the_page_cap_is_dead_lettered_unread():
    warc, http = huge_record_headers()
    frame = Frame(10, header=warc, block=(http + bytes(MAX_BLOCK_BYTES))[:MAX_BLOCK_BYTES], length=HUGE)
    letter = read_record(frame, "big.warc", EVERYTHING)
    assert isinstance(letter, DeadLetter) and letter.error_type == "too_large" and letter.url == HUGE_URL
    assert "2,147,483,665 bytes" in letter.message


def test_a_huge_non_html_record_is_skipped_not_dead_lettered():
    warc, http = huge_record_headers()
    http = http.replace(b"text/html; charset=utf-8", b"video/mp4")
    assert read_record(Frame(10, header=warc, block=http, length=HUGE), "big.warc", EVERYTHING) == Skipped("not_html")


def test_an_archived_gzip_bomb_is_decoded_only_up_to_the_cap():
    bomb = gzip.compress(bytes(50 * 1024 * 1024))
    capture = Capture("https://news.example/bomb", bomb, DAY, headers=(("Content-Encoding", "gzip"),))
    [letter] = outcomes([capture])
    assert isinstance(letter, DeadLetter) and letter.error_type == "too_large" and "once decoded" in letter.message


def test_a_chunked_gzip_payload_is_decoded():
    html = b"<html><body>" + b"<p>Decoded words here.</p>" * 50 + b"</body></html>"
    packed = gzip.compress(html)
    chunked = b"%x\r\n" % len(packed) + packed + b"\r\n0\r\n\r\n"
    capture = Capture("https://news.example/chunked", chunked, DAY,
                      headers=(("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")))
    [outcome] = outcomes([capture])
    assert isinstance(outcome, ArchivedPage) and outcome.body == html


def test_unreadable_http_headers_are_a_dead_letter():
    warc = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Date: 2016-08-26T12:00:00Z\r\n"
            b"WARC-Target-URI: https://news.example/x\r\nContent-Type: application/http; msgtype=response\r\n"
            b"Content-Length: 27\r\n\r\n")
    letter = read_record(Frame(0, header=warc, block=b"this is not an HTTP message", length=27), "f.warc", EVERYTHING)
    assert isinstance(letter, DeadLetter) and letter.error_type == "bad_record"


def test_the_article_row_of_an_archived_page_carries_its_provenance():
    [archived] = outcomes([page(3)])
    row = extract_archived_page(archived, "run-1")
    assert row["warc_file"] == "crawl-1.warc.gz"
    assert row["warc_record_id"] == archived.warc_record_id
    assert row["warc_date"] == archived.captured_at == archived.fetched_at == row["fetched_at"] == DAY + timedelta(minutes=3)
    assert row["feed_url"] is None and row["url"] == "https://news.example/story/3"
    assert "towns" in row["text"]



def undated_archive(captures, date_line: bytes | None = None) -> bytes:
    """An uncompressed archive of the captures whose records have no WARC-Date line (or `date_line` instead);
    the warcinfo record keeps its own."""
    info, rest = archive(captures, gzipped=False).split(b"\r\n\r\nWARC/1.0", 1)
    lines = [date_line if line.startswith(b"WARC-Date:") else line for line in rest.split(b"\r\n")]
    return info + b"\r\n\r\nWARC/1.0" + b"\r\n".join(line for line in lines if line is not None)


def read_all(data: bytes, keep: RecordFilter) -> list:
    return [read_record(frame, "crawl-1.warc", keep) for frame in frames(io.BytesIO(data), MAX_BLOCK_BYTES)][1:]


@pytest.mark.parametrize("date_line", [None, b"WARC-Date: yesterday"], ids=["missing", "unreadable"])
def test_a_record_without_a_capture_date_is_kept_undated_when_no_days_are_asked_for(date_line):
    before = datetime.now(timezone.utc)
    [outcome] = read_all(undated_archive([page(1)], date_line), EVERYTHING)
    assert isinstance(outcome, ArchivedPage) and outcome.captured_at is None
    assert before <= outcome.fetched_at <= datetime.now(timezone.utc)  # when the backfill read it, not "now" as a capture
    row = extract_archived_page(outcome, "run-1")
    assert row["warc_date"] is None and row["fetched_at"] == outcome.fetched_at


@pytest.mark.parametrize("keep", [RecordFilter(since=DAY - timedelta(days=1)), RecordFilter(until=DAY + timedelta(days=1))],
                         ids=["from", "to"])
def test_a_record_without_a_capture_date_is_skipped_as_such_when_days_are_asked_for(keep):
    assert read_all(undated_archive([page(1)]), keep) == [Skipped("no_capture_date")]  # its day is unknown, not another
    assert isinstance(read_all(archive([page(1)], gzipped=False), keep)[0], ArchivedPage)  # dated, it is kept
