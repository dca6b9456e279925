"""The streaming graph, driven by TestStream on the BundleBasedDirectRunner (--streaming).

PeriodicImpulse cannot run on a local runner; TestStream stands in for the ticks
and controls the watermark, so windows fire exactly as they would on Dataflow."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import apache_beam as beam
import duckdb
import pyarrow.parquet as pq
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing import test_stream
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.transforms import window as beam_window
from apache_beam.transforms.window import IntervalWindow, TimestampedValue
from apache_beam.utils.timestamp import Timestamp

from pipeline.cli import main
from pipeline.plan import plan_run
from pipeline.sample.server import SampleServer
from pipeline.sinks.schema import ARTICLE_SCHEMA
from pipeline.sinks.windows import output_run_id
from pipeline.state.live import DEFERRED, Lease
from pipeline.streaming import StreamingIngest, feeds_for_tick
from tests.streaming.flaky_site import FlakySite

BASE = 1_700_000_040  # 2023-11-14T22:14:00Z, on a 60 s window boundary
LOCAL_STREAMING = ["--runner", "BundleBasedDirectRunner", "--streaming"]


def test_a_lease_holds_a_key_across_windows_until_it_ends():
    """A key let through is deferred in later windows until its lease (event time) ends; then it passes again."""
    stream = (
        test_stream.TestStream()
        .advance_watermark_to(Timestamp(BASE))
        .add_elements([TimestampedValue("a", BASE + 1), TimestampedValue("b", BASE + 2)])  # window 0
        .advance_watermark_to(Timestamp(BASE + 60))
        .add_elements([TimestampedValue("b", BASE + 61), TimestampedValue("c", BASE + 62)])  # window 1
        .advance_watermark_to(Timestamp(BASE + 200))  # past a's and b's lease (150 s): let through again
        .add_elements([TimestampedValue("a", BASE + 201), TimestampedValue("c", BASE + 202)])  # window 3
        .advance_watermark_to_infinity()
    )

    def with_window(value, window=beam.DoFn.WindowParam):
        return (value, int(window.start) - BASE)

    with beam.Pipeline(options=PipelineOptions(LOCAL_STREAMING)) as p:
        leased, deferred = p | stream | Lease(lambda v: v, 150, beam_window.FixedWindows(60))
        assert_that(leased | "LeasedWindows" >> beam.Map(with_window),
                    equal_to([("a", 0), ("b", 0), ("c", 60), ("a", 180)]), label="leased")
        assert_that(deferred | "DeferredWindows" >> beam.Map(with_window),
                    equal_to([("b", 60), ("c", 180)]), label=DEFERRED)


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
        plan = plan_run(options)
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
        expected = server.expected()
    return out, plan, requests, origins, expected


def manifest(out: Path, run_id: str) -> dict:
    return json.loads((out / "runs" / f"{run_id}.json").read_text())


@pytest.mark.slow
def test_each_window_writes_its_own_files_seen_state_and_manifest(two_windows):
    out, _plan, _requests, _origins, expected = two_windows
    first, second = manifest(out, "stream1-20231114T221400Z"), manifest(out, "stream1-20231114T221500Z")
    assert first["window_start"] == "2023-11-14T22:14:00+00:00" and second["window_end"] == "2023-11-14T22:16:00+00:00"
    assert first["mode"] == second["mode"] == "streaming" and first["stream_run_id"] == "stream1"
    assert first["counters"]["feeds_ok"] == 2 and second["counters"]["feeds_ok"] == 4
    for document in (first, second):
        listed = document["files"]["articles"]
        assert listed and all(Path(f["path"]).name.startswith(document["run_id"] + "-") for f in listed)
        for f in listed:
            table = pq.read_table(f["path"])
            assert table.schema.equals(ARTICLE_SCHEMA)
            assert set(table.column("run_id").to_pylist()) == {document["run_id"]}
        assert sum(f["rows"] for f in listed) == document["counters"]["written"]
        seen_rows = sum(f["rows"] for f in document["files"]["state"])
        assert seen_rows >= document["counters"]["written"] > 0  # every written article is in the seen state
    on_disk = {str(p) for p in (out / "articles").rglob("*.parquet")}
    assert on_disk == {f["path"] for d in (first, second) for f in d["files"]["articles"]}
    # copies of one story are one story whichever window they came in (recent windows' records are
    # kept in keyed state until the store has them)
    urls = {a["id"]: a["canonical_url"] for a in expected["articles"]}
    rows = duckdb.sql(f"SELECT canonical_url, story_id, run_id FROM read_parquet('{out}/articles/*/*.parquet')").fetchall()
    story_of = {url: story for url, story, _run in rows}
    window_of = {url: run for url, _story, run in rows}
    spread = 0
    for group in expected["same_story"]:
        members = [urls[a] for a in group["articles"] if urls[a] in story_of]
        assert len({story_of[u] for u in members}) == 1, group
        spread += len({window_of[u] for u in members}) > 1
    assert spread  # at least one story's copies came in both windows
    assert not list((out / "_temporary").rglob("*.parquet"))  # each window removed its temp rows


@pytest.mark.slow
def test_items_of_an_earlier_window_are_not_fetched_again(two_windows):
    out, plan, requests, origins, _expected = two_windows
    first, second = manifest(out, "stream1-20231114T221400Z"), manifest(out, "stream1-20231114T221500Z")
    # window 1 polls the first two feeds again: each of their items is either in the seen state
    # already (window 0 finished) or still leased (in flight): none is queued again
    c1, c2 = first["counters"], second["counters"]
    assert c2["items_already_written"] + c2["items_in_flight"] == c1["items_seen"]
    assert c2["items_queued"] == c2["items_seen"] - c1["items_seen"]
    # each article page was requested once over both windows (feeds twice: they are polled each tick)
    page_requests = Counter((r.site, r.path) for r in requests
                            if not r.path.endswith((".xml", ".rdf", "robots.txt")))
    assert page_requests and max(page_requests.values()) == 1
    feed_sites = {site for site, origin in origins.items() if any(f.url.startswith(origin) for f in plan.feeds[:2])}
    assert {r.site for r in requests if r.path.endswith((".xml", ".rdf"))} == set(origins)
    assert Counter(r.site for r in requests if r.path.endswith((".xml", ".rdf")))[next(iter(feed_sites))] == 2
    # no article is written twice across windows
    ids = [i for p in (out / "articles").rglob("*.parquet") for i in pq.read_table(p).column("article_id").to_pylist()]
    assert len(ids) == len(set(ids)) == c1["written"] + c2["written"]


@pytest.mark.slow
def test_a_page_that_fails_in_one_window_lands_once_in_the_next_and_batch_honours_it(tmp_path):
    """Streaming retries a failed page like the next batch run would, and writes the seen state batch reads."""
    out = tmp_path / "out"
    with FlakySite(failing_polls=1) as site:
        feeds = tmp_path / "feeds.txt"
        feeds.write_text(f"{site.origin}/a.xml\n{site.origin}/b.xml\n")
        common = ["--feeds", str(feeds), "--output", str(out), "--allow-hosts", "127.0.0.1/32",
                  "--per-host-delay", "0", "--no-enrich"]
        options = PipelineOptions([*common, "--window-size", "60s", "--retry-after", "60s", "--run-id", "s1",
                                   *LOCAL_STREAMING])
        plan = plan_run(options)
        a_feed, b_feed = plan.feeds
        stream = (
            test_stream.TestStream()
            .advance_watermark_to(Timestamp(BASE))
            .add_elements([TimestampedValue(a_feed, BASE + 1), TimestampedValue(b_feed, BASE + 1)])  # B fails
            .advance_watermark_to(Timestamp(BASE + 61))
            .add_elements([TimestampedValue(b_feed, BASE + 62)])  # past B's lease: tried again
            .advance_watermark_to_infinity()
        )
        p = beam.Pipeline(options=options)
        _ = p | stream | StreamingIngest(plan, options)
        p.run().wait_until_finish()

        first, second = manifest(out, "s1-20231114T221400Z"), manifest(out, "s1-20231114T221500Z")
        assert first["counters"]["written"] == 1 and first["counters"]["dead_letters_by_error"] == {
            "page:http_error": 1
        }
        assert second["counters"]["written"] == 1 and second["counters"]["dead_lettered"] == 0
        con = duckdb.connect()
        articles = con.execute(
            f"SELECT item_link, run_id FROM read_parquet('{out}/articles/*/*.parquet') ORDER BY item_link"
        ).fetchall()
        assert articles == [(f"{site.origin}/a.html", "s1-20231114T221400Z"),
                            (f"{site.origin}/b.html", "s1-20231114T221500Z")]

        # A batch run on the same output: both stories are in the seen state streaming wrote.
        requests_before = Counter(site.requests)
        code = main(["run", *common, "--run-id", "batch1", "--direct_num_workers", "1"])
        assert code == 0
        batch = manifest(out, "batch1")
        assert batch["counters"]["items_already_written"] == 2 and batch["counters"]["written"] == 0
        assert batch["seen_files_read"] == 2 and batch["quarantined_files"] == []
        assert site.requests["/a.html"] == requests_before["/a.html"]  # no page fetched again
        assert site.requests["/b.html"] == requests_before["/b.html"]


def test_output_run_id_names_the_window_start():
    from apache_beam.transforms.window import GlobalWindow

    assert output_run_id("s", IntervalWindow(BASE, BASE + 60)) == "s-20231114T221400Z"
    assert output_run_id("s", GlobalWindow()) == "s"


def test_streaming_refuses_a_local_runner(tmp_path, capsys):
    code = main(["run", "--streaming", "--feeds", str(tmp_path / "feeds.txt"), "--output", str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert "FnApiRunner cannot run an unbounded pipeline" in err and "wirebeam watch --every" in err
    assert not (tmp_path / "out").exists()
