"""The run manifest: built from counted facts, written atomically, read back."""

import json
from datetime import datetime, timezone

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline

from pipeline.records import DeadLetter
from pipeline.sinks.manifest import (
    WriteManifest,
    build_manifest,
    count_fact,
    dead_letter_fact,
    manifest_path,
    read_manifest,
)
from pipeline.sinks.parquet import WrittenFile

FEED_A, FEED_B = "http://a.example/rss", "http://b.example/atom"
RUN = {"run_id": "r1", "started_at": "2026-11-27T00:00:00+00:00", "output": "/out", "feeds_listed": 2}


def test_build_manifest_counts_per_stage_and_feed():
    letter = DeadLetter(stage="page", url="http://a.example/x", feed_url=FEED_A, error_type="http_error", message="404")
    counts = [
        (count_fact("items_seen", FEED_A), 5),
        (count_fact("items_seen", FEED_B), 2),
        (count_fact("written", FEED_A), 4),
        (dead_letter_fact(letter), 1),
        (dead_letter_fact(DeadLetter(stage="feed_list", url="l", error_type="bad_entry", message="m")), 1),
    ]
    statuses = [
        {"feed_url": FEED_B, "title": "B", "ok": False, "items": 0, "warnings": [], "error_type": "timeout"},
        {"feed_url": FEED_A, "title": "A", "ok": True, "items": 5, "warnings": ["w"], "error_type": None},
    ]
    files = [WrittenFile("articles", "/out/articles/date=2026-03-24/r1-0.parquet", "date=2026-03-24", 4)]
    m = build_manifest(run=RUN, counts=counts, feed_statuses=statuses, files=files,
                       finished_at=datetime(2026, 11, 27, 1, tzinfo=timezone.utc))
    c = m["counters"]
    assert (c["feeds_ok"], c["feeds_failed"]) == (1, 1)
    assert c["items_seen"] == 7 and c["written"] == 4 and c["dead_lettered"] == 2
    assert c["dead_letters_by_stage"] == {"feed_list": 1, "page": 1}
    assert c["dead_letters_by_error"]["page:http_error"] == 1
    assert c["article_rows_written"] == 4
    assert [f["feed_url"] for f in m["feeds"]] == [FEED_A, FEED_B]
    feed_a = m["feeds"][0]
    assert (feed_a["items_seen"], feed_a["written"], feed_a["dead_lettered"], feed_a["warnings"]) == (5, 4, 1, ["w"])
    assert m["status"] == "finished" and m["finished_at"].startswith("2026-11-27T01:00")


def test_manifest_written_last_by_a_pipeline(tmp_path):
    out = str(tmp_path)
    with TestPipeline(runner="FnApiRunner") as p:
        facts = p | "Facts" >> beam.Create([count_fact("items_seen", FEED_A)] * 3)
        statuses = p | "Statuses" >> beam.Create([{"feed_url": FEED_A, "ok": True, "warnings": []}])
        files = p | "Files" >> beam.Create([WrittenFile("dead_letters", "/x.parquet", "date=2026-01-01", 1)])
        (facts, statuses, files) | WriteManifest(out, {**RUN, "output": out})
    path = manifest_path(out, "r1")
    m = read_manifest(path)
    assert m["counters"]["items_seen"] == 3
    assert m["files"]["dead_letters"][0]["rows"] == 1
    assert json.loads((tmp_path / "runs" / "r1.json").read_text())["run_id"] == "r1"
    assert [p.name for p in (tmp_path / "runs").iterdir()] == ["r1.json"]  # no temp file left


def test_manifest_of_an_empty_run(tmp_path):
    out = str(tmp_path)
    with TestPipeline(runner="FnApiRunner") as p:
        facts = p | "Facts" >> beam.Create([])
        statuses = p | "Statuses" >> beam.Create([])
        files = p | "Files" >> beam.Create([])
        (facts, statuses, files) | WriteManifest(out, {**RUN, "output": out})
    m = read_manifest(manifest_path(out, "r1"))
    assert m["counters"]["written"] == 0 and m["feeds"] == [] and m["files"]["articles"] == []


def test_a_feed_polled_twice_in_a_run_counts_once_as_ok_if_a_poll_worked():
    from pipeline.sinks.manifest import one_status_per_feed

    polls = [{"feed_url": FEED_A, "ok": False}, {"feed_url": FEED_B, "ok": True}, {"feed_url": FEED_A, "ok": True},
             {"feed_url": FEED_B, "ok": False}]
    assert [(s["feed_url"], s["ok"]) for s in one_status_per_feed(polls)] == [(FEED_A, True), (FEED_B, True)]
    m = build_manifest(run=RUN, counts=[], feed_statuses=polls, files=[], finished_at=datetime.now(timezone.utc))
    assert (m["counters"]["feeds_ok"], m["counters"]["feeds_failed"]) == (2, 0)
