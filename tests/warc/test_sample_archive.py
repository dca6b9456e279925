"""The bundled sample archive is what `make sample-warc` writes from the sample's pages (regenerate it when they change)."""

from __future__ import annotations

from collections import Counter

from pipeline.warc.framing import frames
from pipeline.warc.records import MAX_BLOCK_BYTES, RecordFilter, Skipped, read_record
from pipeline.warc.sample import SAMPLE_ARCHIVE, sample_captures, write_sample_archive


def test_the_committed_archive_is_what_the_script_writes(tmp_path):
    fresh = tmp_path / "sample.warc.gz"
    write_sample_archive(fresh)
    assert fresh.read_bytes() == SAMPLE_ARCHIVE.read_bytes(), "run `make sample-warc` and commit the archive"


def test_the_archive_holds_every_sample_page_and_what_a_crawl_also_holds():
    with open(SAMPLE_ARCHIVE, "rb") as stream:
        outcomes = [read_record(frame, "sample", RecordFilter()) for frame in frames(stream, MAX_BLOCK_BYTES)]
    kinds = Counter(o.reason if isinstance(o, Skipped) else type(o).__name__ for o in outcomes)
    pages = sum(1 for c in sample_captures() if c.record_type == "response" and c.status == 200
                and (c.content_type or "").startswith("text/html"))
    assert kinds["ArchivedPage"] == pages == 23
    assert kinds["revisit"] == 1 and kinds["status"] == 1 and kinds["not_html"] > 0 and kinds["not_response"] > 0
