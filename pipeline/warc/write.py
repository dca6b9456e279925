"""Writing WARC files with warcio: the bundled sample archive, the benchmark's and the tests' archives.

Deterministic: record ids are derived from the URL and capture time, and the
capture time is given, so the same pages give the same bytes.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found", 500: "Internal Server Error"}


@dataclass(frozen=True)
class Capture:
    """One archived exchange: a response (or a revisit of an earlier capture, or a request)."""

    url: str
    body: bytes
    captured_at: datetime
    content_type: str | None = "text/html; charset=utf-8"
    status: int = 200
    record_type: str = "response"  # response | revisit | request | resource | metadata
    headers: tuple[tuple[str, str], ...] = field(default=())


def warc_date(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def record_id(capture: Capture) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, capture.record_type + ' ' + capture.url + ' ' + warc_date(capture.captured_at))}>"


def write_warc(stream: BinaryIO, captures: Iterable[Capture], *, gzip: bool = True, software: str = "wirebeam",
               created: datetime | None = None) -> int:
    """Write a warcinfo record (dated `created`, default now), then one record per capture (gzip: one
    member each); returns the number of captures written."""
    writer = WARCWriter(stream, gzip=gzip)
    info = writer.create_warcinfo_record("wirebeam.warc", {"software": software, "format": "WARC File Format 1.0"})
    if created is not None:
        info.rec_headers.replace_header("WARC-Date", warc_date(created))
        info.rec_headers.replace_header("WARC-Record-ID", record_id(Capture("warcinfo", b"", created, record_type="warcinfo")))
    writer.write_record(info)
    count = 0
    for capture in captures:
        writer.write_record(_record(writer, capture))
        count += 1
    return count


def _record(writer: WARCWriter, capture: Capture):
    headers = {"WARC-Date": warc_date(capture.captured_at), "WARC-Record-ID": record_id(capture)}
    if capture.record_type == "request":
        http = StatusAndHeaders(f"GET {capture.url} HTTP/1.1", [("User-Agent", "wirebeam-sample")],
                                is_http_request=True, protocol="HTTP/1.1")
        return writer.create_warc_record(capture.url, "request", payload=io.BytesIO(b""), http_headers=http,
                                         warc_headers_dict=headers)
    fields = [("Content-Type", capture.content_type)] if capture.content_type else []
    fields += [("Content-Length", str(len(capture.body))), *capture.headers]
    http = StatusAndHeaders(f"{capture.status} {_REASONS.get(capture.status, 'Status')}", fields, protocol="HTTP/1.1")
    if capture.record_type == "revisit":
        record = writer.create_revisit_record(capture.url, digest="sha1:" + "A" * 32, refers_to_uri=capture.url,
                                              refers_to_date=headers["WARC-Date"], http_headers=http)
        record.rec_headers.replace_header("WARC-Date", headers["WARC-Date"])
        record.rec_headers.replace_header("WARC-Record-ID", headers["WARC-Record-ID"])
        return record
    return writer.create_warc_record(capture.url, capture.record_type, payload=io.BytesIO(capture.body),
                                     http_headers=http, warc_headers_dict=headers)
