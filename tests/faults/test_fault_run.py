"""One real `wirebeam run` against a hostile loopback internet (tests/faults/world.py).

Every hostile case must become a dead letter with a clear reason, the good
pages of the same run must land as articles, the manifest must count each
fault class, and the canary (127.0.0.2, ::1, ...) must never be reached: the
run allows only 127.0.0.1/32.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from tests.faults.world import Canary, Fault, Good, World, build_world, fault_and_good_cases

pytestmark = pytest.mark.slow

RUN_ID = "faults"
# Small timeouts keep the run short; the shape of each rule is what is tested.
FAST_FETCH = ("--per-host-delay", "0", "--connect-timeout", "1", "--read-timeout", "1", "--fetch-deadline", "1.5")
FAULT_CASES, GOOD_CASES = fault_and_good_cases()


def case_id(case: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", case.lower()).strip("-")


def wirebeam(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=timeout)


def rows_of(folder: Path, run_id: str) -> list[dict]:
    if not folder.exists():
        return []
    table = ds.dataset(str(folder), format="parquet", partitioning="hive").to_table()
    return [row for row in table.to_pylist() if row["run_id"] == run_id]


@dataclass
class Outcome:
    world: World
    result: subprocess.CompletedProcess
    seconds: float
    dead_letters: list[dict]
    articles: list[dict]
    manifest: dict


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Outcome:
    tmp = tmp_path_factory.mktemp("faults")
    out = tmp / "out"
    with Canary() as canary, ExitStack() as servers:
        world, sites = build_world(tmp, canary)
        for site in sites:
            servers.enter_context(site.server)
        started = time.monotonic()
        result = wirebeam(
            "run", "--feeds", str(world.feed_list), "--output", str(out), "--run-id", RUN_ID,
            "--allow-hosts", "127.0.0.1/32", "--no-enrich", "--fetch-concurrency", "32", *FAST_FETCH,
        )
        seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-4000:]
    manifest = json.loads((out / "runs" / f"{RUN_ID}.json").read_text())
    return Outcome(world, result, seconds, rows_of(out / "dead_letters", RUN_ID), rows_of(out / "articles", RUN_ID),
                   manifest)


def fault_named(world: World, case: str) -> Fault:
    return next(f for f in world.faults if f.case == case)


def good_named(world: World, case: str) -> Good:
    return next(g for g in world.goods if g.case == case)


@pytest.mark.parametrize("case", FAULT_CASES, ids=[case_id(c) for c in FAULT_CASES])
def test_fault_is_dead_lettered_with_its_reason(run, case):
    fault = fault_named(run.world, case)
    rows = [row for row in run.dead_letters if fault.matches(row)]
    assert len(rows) == fault.count, (fault, [(r["url"], r["stage"], r["error_type"]) for r in run.dead_letters
                                              if r["url"].startswith(fault.url[:25])])
    for row in rows:
        assert fault.hint.lower() in row["message"].lower(), row["message"]
        assert row["feed_url"], row  # every dead letter says which feed led to it


@pytest.mark.parametrize("case", GOOD_CASES, ids=[case_id(c) for c in GOOD_CASES])
def test_good_page_of_the_same_run_landed(run, case):
    good = good_named(run.world, case)
    rows = [row for row in run.articles if row["title"] == good.title]
    assert len(rows) == 1, (good, sorted(r["title"] for r in run.articles))
    assert rows[0]["word_count"] >= 50
    if good.must_contain:
        assert good.must_contain in rows[0]["text"]


def test_no_dead_letter_is_unexplained(run):
    unexplained = [
        (row["stage"], row["error_type"], row["url"], row["message"][:120])
        for row in run.dead_letters
        if not any(fault.matches(row) for fault in run.world.faults)
    ]
    assert unexplained == []


def test_manifest_counts_each_fault_class(run):
    counters = run.manifest["counters"]
    assert counters["dead_letters_by_error"] == run.world.expected_by_error()
    assert counters["dead_lettered"] == counters["dead_letter_rows_written"] == len(run.dead_letters)
    assert counters["article_rows_written"] == len(run.articles) == len(run.world.goods)
    feed_faults = {f.url for f in run.world.faults if f.stage == "feed" and f.error_type != "bad_link"}
    assert counters["feeds_failed"] == len(feed_faults)
    assert {f["feed_url"] for f in run.manifest["feeds"] if not f["ok"]} == feed_faults


def test_summary_names_the_failures_and_where_to_look(run):
    stdout = run.result.stdout
    assert f"wirebeam run {RUN_ID} finished" in stdout
    assert "page:blocked_address x" in stdout and "feed:unsafe_xml x3" in stdout
    assert f"wirebeam failures --output" in stdout


def test_the_canary_outside_the_allow_list_was_never_reached(run):
    assert run.world.canary.connections == []


def test_hostile_servers_cannot_hold_the_run(run):
    # Slow drips, silent servers, endless bodies and a 4 s robots.txt, each retried:
    # bounded by the per-request deadline, not by the servers.
    assert run.seconds < 120, run.seconds


def test_damaged_feeds_keep_their_items_and_say_what_was_wrong(run):
    warnings = {f["feed_url"]: " ".join(f["warnings"]) for f in run.manifest["feeds"]}
    for feed_url, expected in run.world.feed_warnings.items():
        assert expected in warnings[feed_url], (feed_url, warnings[feed_url])


def test_one_story_behind_many_links_is_fetched_once(run):
    assert run.world.hits("news", "/a/story") == 1
    assert sum(1 for row in run.articles if row["title"].startswith("Loopback Gazette one story")) == 1


def test_a_host_asking_for_a_days_pause_is_asked_once(run):
    assert run.world.hits("deferring", "/retry-after/") == 1


def test_a_failing_host_is_skipped_after_five_failures(run):
    # 5 items x 3 attempts (Retry-After: 0 retries at once), then nothing more.
    assert run.world.hits("failing", "/retry-after/0") == 15


def test_retried_pages_were_asked_twice_and_retry_after_was_honoured(run):
    assert run.world.hits("flaky", "/a/flaky-500") == 2
    times = [r.at for r in run.world.servers["flaky"].requests if r.path == "/a/throttled"]
    assert len(times) == 2 and times[1] - times[0] >= 0.9


def test_too_many_redirects_stops_before_the_last_hop(run):
    assert run.world.hits("news", "/a/never-reached") == 0
    assert run.world.hits("news", "/a/after-five-hops") == 1


def test_every_hostile_host_read_robots_txt_first(run):
    for name, server in run.world.servers.items():
        paths = server.paths()
        if name != "feeds" and paths:
            assert paths[0] == "/robots.txt", (name, paths[:3])
