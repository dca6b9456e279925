"""robots.txt handling (RFC 9309) through the real client and a loopback server."""

from __future__ import annotations

import time

import pytest

from pipeline.fetch.robots import (
    RobotsCache,
    RobotsRules,
    is_fresh,
    rules_from_body,
    rules_from_error,
    verdict_lifetime,
)
from pipeline.records import StageError
from tests.fetch.hostile_server import HTML, RobotsReply


@pytest.fixture
def robots_client(make_client):
    return make_client(obey_robots=True, retries=0)


def error_of(client, url) -> StageError:
    with pytest.raises(StageError) as info:
        client.fetch(url)
    return info.value


def test_missing_robots_allows_everything_and_is_fetched_once(server, robots_client):
    server.robots = RobotsReply(404)
    assert robots_client.fetch(server.url("/ok")).body == HTML
    assert robots_client.fetch(server.url("/html")).body == HTML
    assert server.paths() == ["/robots.txt", "/ok", "/html"]


def test_disallow_all(server, robots_client):
    server.robots = RobotsReply(200, b"User-agent: *\nDisallow: /\n")
    err = error_of(robots_client, server.url("/ok"))
    assert err.error_type == "robots_disallowed" and "robots.txt" in err.message
    assert server.paths() == ["/robots.txt"]


def test_group_for_our_token_is_obeyed(server, robots_client):
    server.robots = RobotsReply(200, b"User-agent: *\nDisallow: /\n\nUser-agent: wirebeam\nDisallow: /private\n")
    assert robots_client.fetch(server.url("/ok")).status == 200
    assert error_of(robots_client, server.url("/private/x")).error_type == "robots_disallowed"


def test_robots_not_checked_for_feeds_when_disabled(server, make_client):
    server.robots = RobotsReply(200, b"User-agent: *\nDisallow: /\n")
    client = make_client(obey_robots=False)
    assert client.fetch(server.url("/ok"), kind="feed").status == 200
    assert server.paths() == ["/ok"]


def test_feeds_obey_robots_too(server, robots_client):
    server.robots = RobotsReply(200, b"User-agent: *\nDisallow: /\n")
    with pytest.raises(StageError) as info:
        robots_client.fetch(server.url("/ok"), kind="feed")
    assert info.value.error_type == "robots_disallowed"


def test_server_error_on_robots_means_hands_off_for_this_run(server, robots_client):
    server.robots = RobotsReply(503, b"down")
    err = error_of(robots_client, server.url("/ok"))
    assert err.error_type == "robots_unavailable" and "next run" in err.message
    assert error_of(robots_client, server.url("/html")).error_type == "robots_unavailable"
    assert server.paths() == ["/robots.txt"]  # cached: not asked again, pages never fetched


def test_robots_timeout_means_hands_off(server, robots_client):
    server.robots = RobotsReply(200, b"", delay_s=5)
    err = error_of(robots_client, server.url("/ok"))
    assert err.error_type == "robots_unavailable" and "timeout" in err.message
    assert server.hits("/ok") == 0


def test_huge_robots_means_hands_off(server, robots_client):
    server.robots = RobotsReply(200, b"# padding\n" * 10_000)  # 100 KB > the 64 KiB test cap
    err = error_of(robots_client, server.url("/ok"))
    assert err.error_type == "robots_unavailable" and "500 KiB" in err.message
    assert server.hits("/ok") == 0


def test_crawl_delay_is_honoured_up_to_the_cap(server, make_client):
    client = make_client(obey_robots=True, robots_crawl_delay_cap=0.3, per_host_delay=0.0)
    server.robots = RobotsReply(200, b"User-agent: *\nCrawl-delay: 3600\n")
    for _ in range(3):
        client.fetch(server.url("/ok"))
    assert client.gate.delay_for(f"127.0.0.1:{server.port}") == 0.3
    times = [r.at for r in server.requests if r.path == "/ok"]
    gaps = [b - a for a, b in zip(times, times[1:])]
    # 0.3 s jittered 0.5-1.5x (>= 0.15 s start to start; arrivals are stamped by a server that may
    # be late on a busy machine: CI saw one 23 ms late), never the robots.txt's 3600 s; no delay: ~1 ms.
    assert min(gaps) >= 0.03
    assert max(gaps) < 1.0


def test_redirect_to_a_disallowed_path_is_refused(server, robots_client):
    server.robots = RobotsReply(200, b"User-agent: *\nDisallow: /html\n")
    err = error_of(robots_client, server.url("/redirect-to?url=%2Fhtml"))
    assert err.error_type == "robots_disallowed"
    assert server.hits("/html") == 0


# ------------------------------------------------------------------ pure verdicts


def test_verdicts_for_fetch_errors():
    origin = "https://news.example.com"
    assert rules_from_error(origin, StageError("http_error", "x", http_status=404)).unavailable is None
    assert rules_from_error(origin, StageError("http_error", "x", http_status=401)).unavailable is None
    assert rules_from_error(origin, StageError("http_error", "x", http_status=429)).unavailable
    assert rules_from_error(origin, StageError("http_error", "x", http_status=500)).unavailable
    assert rules_from_error(origin, StageError("timeout", "x")).unavailable
    assert rules_from_error(origin, StageError("too_large", "x")).unavailable
    with pytest.raises(StageError) as info:
        rules_from_error(origin, StageError("dns_error", "cannot resolve"))
    assert info.value.error_type == "dns_error"


def test_rules_from_body_reads_crawl_delay_for_our_token():
    rules = rules_from_body("https://a.example", b"User-agent: wirebeam\nCrawl-delay: 7\nDisallow: /x\n", "wirebeam")
    assert rules.crawl_delay == 7.0
    with pytest.raises(StageError):
        rules.check("https://a.example/x/1", "wirebeam")
    rules.check("https://a.example/y", "wirebeam")


def test_cache_loads_once_and_expires():
    cache = RobotsCache(ttl=0.2)
    loads = []

    def load():
        loads.append(1)
        return RobotsRules(origin="o")

    cache.get("o", load)
    cache.get("o", load)
    assert len(loads) == 1
    time.sleep(0.25)
    cache.get("o", load)
    assert len(loads) == 2


def test_long_retry_after_on_robots_defers_the_page(server, robots_client):
    def busy_robots(sock, req):
        from tests.fetch.hostile_server import send

        return send(sock, 503, b"", {"Retry-After": "86400"})

    server.extra_routes["/robots.txt"] = busy_robots
    err = error_of(robots_client, server.url("/ok"))
    assert err.error_type == "retry_later"
    assert server.paths() == ["/robots.txt"]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def counting_loader(rules: RobotsRules):
    loads: list[int] = []

    def load() -> RobotsRules:
        loads.append(1)
        return rules

    return load, loads


def test_verdict_lifetime_caps_the_ttl_at_a_day_and_errors_at_the_error_ttl():
    ok, down = RobotsRules(origin="o"), RobotsRules(origin="o", unavailable="timeout")
    assert verdict_lifetime(ok, 3600, 600) == 3600
    assert verdict_lifetime(ok, 7 * 86400, 600) == 86400  # RFC 9309 2.4
    assert verdict_lifetime(down, 3600, 600) == 600
    assert verdict_lifetime(down, 300, 600) == 300  # never longer than a good answer
    assert is_fresh(loaded_at=10, now=609, lifetime=600) and not is_fresh(loaded_at=10, now=610, lifetime=600)


def test_cache_honours_the_ttl_on_every_lookup():
    clock = FakeClock()
    cache = RobotsCache(ttl=3600, error_ttl=600, clock=clock)
    load, loads = counting_loader(RobotsRules(origin="o"))
    cache.get("o", load)
    clock.now += 3599
    cache.get("o", load)
    assert len(loads) == 1
    clock.now += 1
    cache.get("o", load)
    assert len(loads) == 2  # expired, asked again
    clock.now += 3599
    cache.get("o", load)
    assert len(loads) == 2  # the new answer has its own hour


def test_an_unreadable_robots_txt_is_asked_again_after_the_error_ttl():
    clock = FakeClock()
    cache = RobotsCache(ttl=3600, error_ttl=600, clock=clock)
    load, loads = counting_loader(RobotsRules(origin="o", unavailable="http_error: 503"))
    cache.get("o", load)
    clock.now += 599
    assert cache.get("o", load).unavailable
    assert len(loads) == 1
    clock.now += 1
    cache.get("o", load)
    assert len(loads) == 2


def test_each_lookup_judges_freshness_by_its_own_ttl():
    # One cache per process serves clients of different policies: a later, stricter
    # caller is not handed an answer older than it allows (the first caller's ttl used to stick).
    clock = FakeClock()
    cache = RobotsCache(ttl=86400, clock=clock)
    load, loads = counting_loader(RobotsRules(origin="o"))
    cache.get("o", load)
    clock.now += 120
    cache.get("o", load)
    assert len(loads) == 1
    cache.get("o", load, ttl=60)
    assert len(loads) == 2
    clock.now += 30 * 86400
    cache.get("o", load)
    assert len(loads) == 3  # nothing is used past a day, whatever the ttl


def test_a_failed_load_caches_nothing_and_leaves_no_lock_behind():
    cache = RobotsCache()

    def broken() -> RobotsRules:
        raise StageError("dns_error", "cannot resolve")

    with pytest.raises(StageError):
        cache.get("o", broken)
    assert len(cache) == 0 and cache._loading == {}
    load, loads = counting_loader(RobotsRules(origin="o"))
    cache.get("o", load)
    assert len(loads) == 1


def test_entries_past_a_day_are_swept_as_the_cache_grows():
    clock = FakeClock()
    cache = RobotsCache(clock=clock)
    for n in range(1000):
        cache.get(f"old{n}", counting_loader(RobotsRules(origin="o"))[0])
    clock.now += 86400
    for n in range(100):
        cache.get(f"new{n}", counting_loader(RobotsRules(origin="o"))[0])
    assert len(cache) < 200


def test_a_changed_robots_txt_is_read_again_after_the_ttl(server, make_client):
    clock = FakeClock()
    client = make_client(obey_robots=True, retries=0)
    client._robots = RobotsCache(ttl=3600, clock=clock)
    server.robots = RobotsReply(200, b"User-agent: *\nDisallow:\n")
    client.fetch(server.url("/ok"))
    server.robots = RobotsReply(200, b"User-agent: *\nDisallow: /\n")
    client.fetch(server.url("/ok"))  # within the hour: the cached answer stands
    clock.now += 3600
    assert error_of(client, server.url("/ok")).error_type == "robots_disallowed"
    assert server.paths() == ["/robots.txt", "/ok", "/ok", "/robots.txt"]


def test_a_crawl_delay_removed_from_robots_txt_stops_applying(server, make_client):
    clock = FakeClock()
    client = make_client(obey_robots=True, robots_crawl_delay_cap=0.3, per_host_delay=0.0)
    client._robots = RobotsCache(ttl=3600, clock=clock)
    host = f"127.0.0.1:{server.port}"
    server.robots = RobotsReply(200, b"User-agent: *\nCrawl-delay: 5\n")
    client.fetch(server.url("/ok"))
    assert client.gate.delay_for(host) == 0.3
    server.robots = RobotsReply(200, b"User-agent: *\nDisallow:\n")
    clock.now += 3600
    client.fetch(server.url("/ok"))
    assert client.gate.delay_for(host) == 0.0
