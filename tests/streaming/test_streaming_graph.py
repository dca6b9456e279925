"""The streaming graph, driven by TestStream on the BundleBasedDirectRunner (--streaming).

PeriodicImpulse cannot run on a local runner; TestStream stands in for the ticks
and controls the watermark, so windows fire exactly as they would on Dataflow."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import apache_beam as beam
import pyarrow.parquet as pq
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing import test_stream
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.transforms.window import TimestampedValue
from apache_beam.utils.timestamp import Timestamp

from pipeline.cli import main
from pipeline.sample.server import SampleServer
from pipeline.sinks.schema import ARTICLE_SCHEMA
from pipeline.streaming import FirstSeen, StreamingIngest, feeds_for_tick, plan_streaming, window_run_id

BASE = 1_700_000_040  # 2023-11-14T22:14:00Z, on a 60 s window boundary
LOCAL_STREAMING = ["--runner", "BundleBasedDirectRunner", "--streaming"]


def test_first_seen_state_survives_windows_and_expires():
    """Keys seen in an earlier window are dropped; after the TTL (event time) they pass again."""
    stream = (
        test_stream.TestStream()
        .advance_watermark_to(Timestamp(BASE))
        .add_elements([TimestampedValue("a", BASE + 1), TimestampedValue("b", BASE + 2)])  # window 0
        .advance_watermark_to(Timestamp(BASE + 60))
        .add_elements([TimestampedValue("b", BASE + 61), TimestampedValue("c", BASE + 62)])  # window 1
        .advance_watermark_to(Timestamp(BASE + 200))  # past a's and b's TTL (150 s): forgotten
        .add_elements([TimestampedValue("a", BASE + 201), TimestampedValue("c", BASE + 202)])  # window 3
        .advance_watermark_to_infinity()
    )

    def with_window(value, window=beam.DoFn.WindowParam):
        return (value, int(window.start) - BASE)

    with beam.Pipeline(options=PipelineOptions(LOCAL_STREAMING)) as p:
        seen = p | stream | FirstSeen(lambda v: v, ttl_seconds=150, window_seconds=60)
        assert_that(seen["new"] | "NewWindows" >> beam.Map(with_window),
                    equal_to([("a", 0), ("b", 0), ("c", 60), ("a", 180)]), label="new")
        assert_that(seen["already_seen"] | "SeenWindows" >> beam.Map(with_window),
                    equal_to([("b", 60), ("c", 180)]), label="already_seen")


@pytest.fixture(scope="module")
def two_windows(tmp_path_factory):
    """Window 0 polls two feeds; window 1 polls all four (the first two again)."""
    out = tmp_path_factory.mktemp("stream")
    with SampleServer() as server:
        feed_list = server.feed_list_path("txt", tmp_path_factory.mktemp("lists"))
        options = PipelineOptions([
            "--feeds", str(feed_list), "--output", str(out), "--allow-hosts", server.allow_hosts,
            "--per-host-delay", "0", "--no-enrich", "--window-size", "60s", "--run-id", "stream1", *LOCAL_STREAMING,
        ])
        plan = plan_streaming(options)
        first, rest = plan.feeds[:2], plan.feeds[2:]
        stream = (
            test_stream.TestStream()
            .advance_watermark_to(Timestamp(BASE))
            .add_elements([TimestampedValue(f, BASE + 1) for f in feeds_for_tick(None, first)])
            .advance_watermark_to(Timestamp(BASE + 61))
            .add_elements([TimestampedValue(f, BASE + 62) for f in feeds_for_tick(None, first + rest)])
            .advance_watermark_to_infinity()
        )
        p = beam.Pipeline(options=options)
        manifests = p | stream | StreamingIngest(plan, options)
        assert_that(manifests | beam.Map(lambda path: Path(path).name),
                    equal_to(["stream1-20231114T221400Z.json", "stream1-20231114T221500Z.json"]))
        p.run().wait_until_finish()
        requests = server.requests
        origins = server.origins
    return out, plan, requests, origins


def manifest(out: Path, window: str) -> dict:
    return json.loads((out / "runs" / f"stream1-{window}.json").read_text())


@pytest.mark.slow
def test_each_window_writes_its_own_files_and_manifest(two_windows):
    out, _plan, _requests, _origins = two_windows
    first, second = manifest(out, "20231114T221400Z"), manifest(out, "20231114T221500Z")
    assert first["window_start"] == "2023-11-14T22:14:00+00:00" and second["window_end"] == "2023-11-14T22:16:00+00:00"
    assert first["counters"]["feeds_ok"] == 2 and second["counters"]["feeds_ok"] == 4
    for document in (first, second):
        listed = document["files"]["articles"]
        assert listed and all(Path(f["path"]).name.startswith(document["run_id"] + "-") for f in listed)
        for f in listed:
            table = pq.read_table(f["path"])
            assert table.schema.equals(ARTICLE_SCHEMA)
            assert set(table.column("run_id").to_pylist()) == {document["run_id"]}
        assert sum(f["rows"] for f in listed) == document["counters"]["written"]
    on_disk = {str(p) for p in (out / "articles").rglob("*.parquet")}
    assert on_disk == {f["path"] for d in (first, second) for f in d["files"]["articles"]}


@pytest.mark.slow
def test_items_seen_in_an_earlier_window_are_not_fetched_again(two_windows):
    out, plan, requests, origins = two_windows
    first, second = manifest(out, "20231114T221400Z"), manifest(out, "20231114T221500Z")
    # window 1 polls the first two feeds again: every one of their items is dropped by the keyed state
    assert second["counters"]["items_already_written"] == first["counters"]["items_seen"]
    assert second["counters"]["items_queued"] == second["counters"]["items_seen"] - first["counters"]["items_seen"]
    # each article page was requested once over both windows (feeds twice: they are polled each tick)
    page_requests = Counter((r.site, r.path) for r in requests
                            if not r.path.endswith((".xml", ".rdf", "robots.txt")))
    assert page_requests and max(page_requests.values()) == 1
    feed_sites = {site for site, origin in origins.items() if any(f.url.startswith(origin) for f in plan.feeds[:2])}
    assert {r.site for r in requests if r.path.endswith((".xml", ".rdf"))} == set(origins)
    assert Counter(r.site for r in requests if r.path.endswith((".xml", ".rdf")))[next(iter(feed_sites))] == 2
    # no article is written twice across windows
    ids = [i for p in (out / "articles").rglob("*.parquet") for i in pq.read_table(p).column("article_id").to_pylist()]
    assert len(ids) == len(set(ids)) == first["counters"]["written"] + second["counters"]["written"]


def test_window_run_id_names_the_window_start():
    from apache_beam.transforms.window import IntervalWindow

    assert window_run_id("s", IntervalWindow(BASE, BASE + 60)) == "s-20231114T221400Z"


def test_streaming_refuses_a_local_runner(tmp_path, capsys):
    code = main(["run", "--streaming", "--feeds", str(tmp_path / "feeds.txt"), "--output", str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert "FnApiRunner cannot run an unbounded pipeline" in err and "wirebeam watch --every" in err
    assert not (tmp_path / "out").exists()
