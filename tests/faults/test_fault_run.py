"""One real `wirebeam run` against a hostile loopback internet (tests/faults/world.py).

Every hostile case must become a dead letter with a clear reason, the good
pages of the same run must land as articles, the manifest must count each
fault class, and the canary (127.0.0.2, ::1, ...) must never be reached: the
run allows only 127.0.0.1/32.
"""

from __future__ import annotations

import json
import re
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

from tests.faults.cli import FAST_FETCH, once_per_session, rows_of, wirebeam
from tests.faults.world import Canary, Fault, Good, build_world, fault_and_good_cases

pytestmark = pytest.mark.slow

RUN_ID = "faults"
RERUN_ID = "faults-again"
FAULT_CASES, GOOD_CASES = fault_and_good_cases()


def case_id(case: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", case.lower()).strip("-")


@dataclass
class Outcome:
    """What the run wrote and what the servers saw (JSON-able: shared between xdist workers)."""

    faults: list[Fault]
    goods: list[Good]
    feed_warnings: dict[str, str]
    requests: dict[str, list[tuple[str, float]]]  # site -> (path, monotonic time) of every request
    canary_connections: list
    stdout: str
    seconds: float
    dead_letters: list[dict]
    articles: list[dict]
    manifest: dict
    rerun: dict  # the next run on the same state: "requests" (of both runs), "articles", "manifest"

    def hits(self, site: str, prefix: str) -> int:
        return sum(1 for path, _at in self.requests[site] if path.startswith(prefix))

    def expected_by_error(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for fault in self.faults:
            key = f"{fault.stage}:{fault.error_type}"
            counts[key] = counts.get(key, 0) + fault.count
        return dict(sorted(counts.items()))


def seen_requests(world) -> dict[str, list[tuple[str, float]]]:
    return {name: [(r.path, r.at) for r in server.requests] for name, server in world.servers.items()}


def fault_run(tmp: Path) -> dict:
    """The hostile run, then the same job again on the same output and state (the next scheduled run)."""
    out = tmp / "out"
    args = ("--feeds", "--output", str(out), "--allow-hosts", "127.0.0.1/32", "--no-enrich", "--fetch-concurrency", "32",
            *FAST_FETCH)
    with Canary() as canary, ExitStack() as servers:
        world, sites = build_world(tmp, canary)
        for site in sites:
            servers.enter_context(site.server)
        started = time.monotonic()
        result = wirebeam("run", args[0], str(world.feed_list), *args[1:], "--run-id", RUN_ID)
        seconds = time.monotonic() - started
        assert result.returncode == 0, result.stderr[-4000:]
        first_requests = seen_requests(world)
        again = wirebeam("run", args[0], str(world.feed_list), *args[1:], "--run-id", RERUN_ID)
        assert again.returncode == 0, again.stderr[-4000:]
    return {
        "faults": [asdict(f) for f in world.faults],
        "goods": [asdict(g) for g in world.goods],
        "feed_warnings": world.feed_warnings,
        "requests": first_requests,
        "canary_connections": canary.connections,
        "stdout": result.stdout,
        "seconds": seconds,
        "dead_letters": rows_of(out / "dead_letters", RUN_ID),
        "articles": [{k: row[k] for k in ("title", "text", "word_count", "item_link", "url")}
                     for row in rows_of(out / "articles", RUN_ID)],
        "manifest": json.loads((out / "runs" / f"{RUN_ID}.json").read_text()),
        "rerun": {
            "requests": seen_requests(world),  # both runs
            "articles": len(rows_of(out / "articles", RERUN_ID)),
            "manifest": json.loads((out / "runs" / f"{RERUN_ID}.json").read_text()),
        },
    }


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Outcome:
    data = once_per_session(tmp_path_factory, "fault-run", lambda: fault_run(tmp_path_factory.mktemp("faults")))
    return Outcome(**{**data, "faults": [Fault(**f) for f in data["faults"]],
                      "goods": [Good(**g) for g in data["goods"]]})


def fault_named(run: Outcome, case: str) -> Fault:
    return next(f for f in run.faults if f.case == case)


def good_named(run: Outcome, case: str) -> Good:
    return next(g for g in run.goods if g.case == case)


@pytest.mark.parametrize("case", FAULT_CASES, ids=[case_id(c) for c in FAULT_CASES])
def test_fault_is_dead_lettered_with_its_reason(run, case):
    fault = fault_named(run, case)
    rows = [row for row in run.dead_letters if fault.matches(row)]
    assert len(rows) == fault.count, (fault, [(r["url"], r["stage"], r["error_type"]) for r in run.dead_letters
                                              if r["url"].startswith(fault.url[:25])])
    for row in rows:
        assert fault.hint.lower() in row["message"].lower(), row["message"]
        assert row["feed_url"], row  # every dead letter says which feed led to it


@pytest.mark.parametrize("case", GOOD_CASES, ids=[case_id(c) for c in GOOD_CASES])
def test_good_page_of_the_same_run_landed(run, case):
    good = good_named(run, case)
    rows = [row for row in run.articles if row["title"] == good.title]
    assert len(rows) == 1, (good, sorted(r["title"] for r in run.articles))
    assert rows[0]["word_count"] >= 50
    if good.must_contain:
        assert good.must_contain in rows[0]["text"]


def test_no_dead_letter_is_unexplained(run):
    unexplained = [
        (row["stage"], row["error_type"], row["url"], row["message"][:120])
        for row in run.dead_letters
        if not any(fault.matches(row) for fault in run.faults)
    ]
    assert unexplained == []


def test_manifest_counts_each_fault_class(run):
    counters = run.manifest["counters"]
    assert counters["dead_letters_by_error"] == run.expected_by_error()
    assert counters["dead_lettered"] == counters["dead_letter_rows_written"] == len(run.dead_letters)
    assert counters["article_rows_written"] == len(run.articles) == len(run.goods)
    feed_faults = {f.url for f in run.faults if f.stage == "feed" and f.error_type != "bad_link"}
    assert counters["feeds_failed"] == len(feed_faults)
    assert {f["feed_url"] for f in run.manifest["feeds"] if not f["ok"]} == feed_faults


def test_summary_names_the_failures_and_where_to_look(run):
    stdout = run.stdout
    assert f"wirebeam run {RUN_ID} finished" in stdout
    assert "page:blocked_address x" in stdout and "feed:unsafe_xml x3" in stdout
    assert f"wirebeam failures --output" in stdout


def test_the_canary_outside_the_allow_list_was_never_reached(run):
    assert run.canary_connections == []


def test_hostile_servers_cannot_hold_the_run(run):
    # Slow drips, silent servers, endless bodies and a 4 s robots.txt, each retried:
    # bounded by the per-request deadline, not by the servers.
    assert run.seconds < 120, run.seconds


def test_damaged_feeds_keep_their_items_and_say_what_was_wrong(run):
    warnings = {f["feed_url"]: " ".join(f["warnings"]) for f in run.manifest["feeds"]}
    for feed_url, expected in run.feed_warnings.items():
        assert expected in warnings[feed_url], (feed_url, warnings[feed_url])


def test_one_story_behind_many_links_is_fetched_once(run):
    assert run.hits("news", "/a/story") == 1
    assert sum(1 for row in run.articles if row["title"].startswith("Loopback Gazette one story")) == 1


def test_a_host_asking_for_a_days_pause_is_asked_once(run):
    assert run.hits("deferring", "/retry-after/") == 1


def test_a_failing_host_is_skipped_after_five_failures(run):
    # 5 items x 3 attempts (Retry-After: 0 retries at once), then nothing more.
    assert run.hits("failing", "/retry-after/0") == 15


def test_retried_pages_were_asked_twice_and_retry_after_was_honoured(run):
    assert run.hits("flaky", "/a/flaky-500") == 2
    times = [at for path, at in run.requests["flaky"] if path == "/a/throttled"]
    assert len(times) == 2 and times[1] - times[0] >= 0.9


def test_too_many_redirects_stops_before_the_last_hop(run):
    assert run.hits("news", "/a/never-reached") == 0
    assert run.hits("news", "/a/after-five-hops") == 1


def test_slow_hosts_do_not_hold_up_the_others(run):
    # With --fetch-concurrency above the number of hosts, every host's queue starts at once.
    hosts = {name: seen for name, seen in run.requests.items() if name not in ("feeds", "silent-feed") and seen}
    slowest = max(hosts.values(), key=lambda seen: seen[-1][1] - seen[0][1])
    assert slowest[-1][1] - slowest[0][1] >= 6  # the slowest host is busy for 6 s or more
    # so serial fetching would start some host only after it finished; a busy machine only shifts starts
    assert max(seen[0][1] for seen in hosts.values()) < slowest[-1][1]


def test_every_hostile_host_read_robots_txt_first(run):
    for name, seen in run.requests.items():
        paths = [path for path, _at in seen]
        if name != "feeds" and paths:
            assert paths[0] == "/robots.txt", (name, paths[:3])


# --- the next scheduled run on the same output and state: nothing lost, nothing duplicated ---


def test_next_run_writes_no_article_twice_and_does_not_refetch_them(run):
    assert run.rerun["articles"] == 0
    counters = run.rerun["manifest"]["counters"]
    assert counters["written"] == 0 and counters["items_already_written"] >= len(run.goods)
    written = {"/" + url.split("/", 3)[3] for row in run.articles for url in (row["url"], row["item_link"])}
    asked_again = {path for name, seen in run.rerun["requests"].items() for path, _ in seen[len(run.requests[name]):]}
    assert asked_again and not asked_again & written


def test_next_run_retries_every_failure(run):
    # Nothing failed is lost: each fault is tried (and dead-lettered) again, the deferred host included.
    assert run.rerun["manifest"]["counters"]["dead_letters_by_error"] == run.expected_by_error()
    assert sum(1 for p, _ in run.rerun["requests"]["deferring"] if p.startswith("/retry-after/")) == 2


def test_neither_run_reached_the_canary(run):
    assert run.canary_connections == []
