"""SSRF end to end: a canary listening on every local address (0.0.0.0 and ::,
one port) records each connection.

- With default options a run whose feeds sit on loopback, in every spelling,
  makes no connection at all: every feed is dead-lettered before any socket
  opens, and a feed list given as a loopback URL is refused at launch.
- With `--allow-hosts 127.0.0.1/32` exactly 127.0.0.1 is reached, whatever the
  spelling or name, and nothing else on the machine (127.0.0.2, ::1).
"""

from __future__ import annotations

import ipaddress
import json
import socket
from pathlib import Path

import pytest

from tests.faults.cli import FAST_FETCH, once_per_session, rows_of, wirebeam
from tests.faults.world import Canary

pytestmark = pytest.mark.slow

# Spellings of loopback and other local addresses, as IP literals.
LOOPBACK_LITERALS = (
    "127.0.0.1", "127.0.0.2", "127.1", "0177.0.0.1", "0x7f.0.0.1", "0x7f000001", "2130706433", "017700000001",
    "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:0:0:1]", "0.0.0.0", "[::]", "127.0.0.1.",
)


def local_names() -> list[str]:
    """Host names that resolve to this machine without touching /etc/hosts: localhost and our own name."""
    names = ["localhost"]
    own = socket.gethostname()
    addresses = {info[4][0] for info in socket.getaddrinfo(own, 80, type=socket.SOCK_STREAM)}
    if own != "localhost" and not any(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses):
        names.append(own)
    return names


@pytest.fixture(scope="module")
def canary():
    with Canary() as canary:
        yield canary


@pytest.fixture(scope="module")
def default_run(canary, tmp_path_factory):
    return once_per_session(tmp_path_factory, "canary-default",
                            lambda: run_with_defaults(canary, tmp_path_factory.mktemp("canary-default")))


def run_with_defaults(canary: Canary, tmp: Path) -> dict:
    on_canary = [canary.url("/feed.xml", host) for host in LOOPBACK_LITERALS + tuple(local_names())]
    on_port_80 = [f"http://{name}/feed.xml" for name in local_names()]
    metadata = ["http://169.254.169.254/latest/meta-data/", "http://metadata.google.internal/feed.xml",
                "http://10.0.0.1/feed.xml", "http://[fd00::1]/feed.xml"]
    feeds = tmp / "feeds.txt"
    feeds.write_text("\n".join(on_canary + on_port_80 + metadata) + "\n")
    before = len(canary.connections)
    result = wirebeam("run", "--feeds", str(feeds), "--output", str(tmp / "out"), "--run-id", "default",
                      "--no-enrich", *FAST_FETCH)
    assert result.returncode == 0, result.stderr[-3000:]
    return {
        "connections": canary.connections[before:],
        "dead_letters": rows_of(tmp / "out" / "dead_letters", "default"),
        "manifest": json.loads((tmp / "out" / "runs" / "default.json").read_text()),
        "on_canary": on_canary, "on_port_80": on_port_80, "metadata": metadata,
    }


def test_default_options_reach_nothing_local(default_run):
    assert default_run["connections"] == []


def test_default_options_dead_letter_every_local_feed_before_connecting(default_run):
    letters = {row["url"]: row for row in default_run["dead_letters"]}
    listed = default_run["on_canary"] + default_run["on_port_80"] + default_run["metadata"]
    assert len(default_run["dead_letters"]) == len(listed)
    for url in listed:
        row = letters[url]
        assert row["stage"] == "feed"
        # IP literals and names resolved to a local address: blocked_address. A name on an odd port
        # is refused even before DNS (odd ports are only for --allow-hosts networks): blocked_port.
        is_name_on_odd_port = url in default_run["on_canary"] and any(
            f"//{name}:" in url for name in local_names())
        assert row["error_type"] == ("blocked_port" if is_name_on_odd_port else "blocked_address"), row
        # What to do: allow the network on purpose; metadata names can never be allowed.
        assert ("cloud metadata" if "metadata.google" in url else "--allow-hosts") in row["message"], row["message"]
    counters = default_run["manifest"]["counters"]
    assert counters["feeds_ok"] == 0 and counters["items_seen"] == 0
    assert counters["dead_letters_by_error"] == {
        "feed:blocked_address": len(listed) - len(local_names()), "feed:blocked_port": len(local_names())}


def test_a_feed_list_on_loopback_is_refused_at_launch(canary, tmp_path):
    before = len(canary.connections)
    result = wirebeam("run", "--feeds", canary.url("/feeds.txt", "127.0.0.1"), "--output", str(tmp_path),
                      "--no-enrich", timeout=120)
    assert result.returncode == 2
    assert "refused 127.0.0.1: loopback address" in result.stderr and "--allow-hosts 127.0.0.1/32" in result.stderr
    assert canary.connections[before:] == []
    assert not (tmp_path / "runs").exists()


@pytest.fixture(scope="module")
def allowed_run(canary, tmp_path_factory):
    return once_per_session(tmp_path_factory, "canary-allowed",
                            lambda: run_allowing_loopback(canary, tmp_path_factory.mktemp("canary-allowed")))


def run_allowing_loopback(canary: Canary, tmp: Path) -> dict:
    reachable = ["127.0.0.1", "2130706433", "0177.0.0.1", "127.1", "[::ffff:127.0.0.1]", *local_names()]
    unreachable = ["127.0.0.2", "2130706434", "0177.0.0.2", "127.2", "[::1]", "[::ffff:127.0.0.2]", "0.0.0.0", "[::]"]
    canary.feed_links = (
        [canary.url(f"/page/{i}", host) for i, host in enumerate(reachable)]
        + [canary.url(f"/page/x{i}", host) for i, host in enumerate(unreachable)]
        + ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/"]
    )
    feeds = tmp / "feeds.txt"
    feeds.write_text(canary.url("/feed.xml", "127.0.0.1") + "\n" + canary.url("/feed.xml", "127.0.0.2") + "\n"
                     + canary.url("/feed.xml", "[::1]") + "\n")
    before = len(canary.connections)
    result = wirebeam("run", "--feeds", str(feeds), "--output", str(tmp / "out"), "--run-id", "allowed",
                      "--allow-hosts", "127.0.0.1/32", "--no-enrich", *FAST_FETCH)
    assert result.returncode == 0, result.stderr[-3000:]
    return {
        "connections": canary.connections[before:],
        "dead_letters": rows_of(tmp / "out" / "dead_letters", "allowed"),
        "articles": [{"feed_url": row["feed_url"], "url": row["url"]}
                     for row in rows_of(tmp / "out" / "articles", "allowed")],
        "reachable": reachable, "unreachable": unreachable, "links": list(canary.feed_links),
    }


def test_allow_hosts_opens_exactly_that_address(allowed_run):
    destinations = {local for local, _peer in allowed_run["connections"]}
    assert destinations == {"127.0.0.1"}


def test_every_spelling_of_the_allowed_address_is_fetched(allowed_run):
    # One feed, robots.txt once, then one page per spelling of 127.0.0.1 (robots per origin spelling).
    assert len(allowed_run["articles"]) == len(allowed_run["reachable"])
    assert all(row["feed_url"].startswith("http://127.0.0.1:") for row in allowed_run["articles"])


def test_everything_outside_the_allow_list_is_dead_lettered(allowed_run):
    letters = allowed_run["dead_letters"]
    assert {(row["stage"], row["error_type"]) for row in letters} == {("page", "blocked_address"),
                                                                      ("feed", "blocked_address")}
    assert len([r for r in letters if r["stage"] == "feed"]) == 2  # the feeds on 127.0.0.2 and ::1
    assert len([r for r in letters if r["stage"] == "page"]) == len(allowed_run["unreachable"]) + 2
