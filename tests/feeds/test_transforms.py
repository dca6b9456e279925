"""PollFeedFn and PollFeeds against a real HTTP server on 127.0.0.1, with the project's HttpClient."""

from __future__ import annotations

import dataclasses
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import apache_beam as beam
import pytest
from apache_beam import pvalue
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.transforms.window import IntervalWindow
from apache_beam.utils.timestamp import Timestamp
from apache_beam.utils.windowed_value import WindowedValue

from pipeline.feeds.feedlist import load_feed_list
from pipeline.feeds.transforms import (
    DEAD_LETTERS,
    FEED_STATUS,
    PollFeedFn,
    PollFeeds,
    PollHostFeedsFn,
    conditional_headers,
)
from pipeline.fetch.http import HttpClient
from pipeline.fetch.policy import FetchPolicy
from pipeline.fetch.ssrf import check_url
from pipeline.fetch.transforms import host_of
from pipeline.records import DeadLetter, FeedItem, FeedSource, StageError
from tests.fetch.bundles import run_host_bundle

FIXTURES = Path(__file__).parent / "fixtures"

GOOD_FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Loopback News</title>
<item><title>First</title><link>/articles/1</link><pubDate>Mon, 06 May 2024 10:00:00 +0000</pubDate></item>
<item><title>Second</title><link>http://elsewhere.example/2</link></item>
<item><title>Evil</title><link>javascript:alert(1)</link></item>
</channel></rss>"""

UNSAFE_FEED = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&x;</title></channel></rss>"""

ROUTES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/good.xml": (200, {"Content-Type": "application/rss+xml"}, GOOD_FEED),
    "/moved": (301, {"Location": "/news/feed.atom"}, b""),
    "/news/feed.atom": (200, {"Content-Type": "application/atom+xml"}, (FIXTURES / "atom10.xml").read_bytes()),
    "/error": (500, {"Content-Type": "text/plain"}, b"boom"),
    "/page.html": (200, {"Content-Type": "text/html"}, b"<!DOCTYPE html><html><body>Not here</body></html>"),
    "/unsafe.xml": (200, {"Content-Type": "application/xml"}, UNSAFE_FEED),
    "/unchanged": (304, {}, b""),
    "/feeds.opml": (
        200,
        {"Content-Type": "text/x-opml"},
        b'<opml version="2.0"><body><outline text="Local">'
        b'<outline text="Good" xmlUrl="http://127.0.0.1/good.xml"/></outline></body></opml>',
    ),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        status, headers, body = ROUTES.get(self.path, (404, {"Content-Type": "text/plain"}, b"not found"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


# Loopback is opened explicitly, as the fetch layer requires; no waiting between requests in tests.
POLICY = FetchPolicy(allow_networks=("127.0.0.1/32",), per_host_delay=0.0, retries=0, backoff_base=0.01)


def run_fn(source: FeedSource, fn: PollFeedFn | None = None) -> tuple[list[FeedItem], list[DeadLetter], list[dict]]:
    fn = fn or PollFeedFn(POLICY)
    fn.setup()
    try:
        outputs = list(fn.process(source))
    finally:
        fn.teardown()
    items = [o for o in outputs if not isinstance(o, pvalue.TaggedOutput)]
    dead = [o.value for o in outputs if isinstance(o, pvalue.TaggedOutput) and o.tag == DEAD_LETTERS]
    status = [o.value for o in outputs if isinstance(o, pvalue.TaggedOutput) and o.tag == FEED_STATUS]
    return items, dead, status


def test_good_feed_yields_items_a_dead_letter_per_bad_link_and_a_status(server_url: str):
    source = FeedSource(f"{server_url}/good.xml", "Loopback", ("local", "test"))
    items, dead, [status] = run_fn(source)
    assert [(i.title, i.link) for i in items] == [
        ("First", f"{server_url}/articles/1"),
        ("Second", "http://elsewhere.example/2"),
    ]
    assert all(i.feed_url == source.url and i.feed_tags == ("local", "test") for i in items)
    assert items[0].feed_title == "Loopback News"
    [letter] = dead
    assert (letter.stage, letter.url, letter.error_type, letter.feed_url) == ("feed", "javascript:alert(1)", "bad_link", source.url)
    assert "javascript" in letter.message
    assert status["feed_url"] == source.url
    assert (status["ok"], status["items"], status["title"], status["error_type"]) == (True, 2, "Loopback News", None)
    assert any("refused 1 item links" in w for w in status["warnings"])


def test_redirected_feed_resolves_against_the_final_url_but_keeps_its_listed_url(server_url: str):
    items, dead, [status] = run_fn(FeedSource(f"{server_url}/moved"))
    assert dead == []
    # atom10.xml has xml:base, so its links stay on atom.example; the feed is still named by its listed URL.
    assert [i.link for i in items] == ["https://atom.example/blog/posts/one", "https://atom.example/blog/posts/two"]
    assert {i.feed_url for i in items} == {f"{server_url}/moved"}
    assert status["ok"] is True


@pytest.mark.parametrize(
    ("path", "error_type", "http_status"),
    [
        ("/error", "http_error", 500),
        ("/missing", "http_error", 404),
        ("/page.html", "not_a_feed", None),
        ("/unsafe.xml", "unsafe_xml", None),
    ],
)
def test_failing_feeds_become_dead_letters(server_url: str, path: str, error_type: str, http_status: int | None):
    url = f"{server_url}{path}"
    items, [letter], [status] = run_fn(FeedSource(url))
    assert items == []
    assert (letter.stage, letter.url, letter.feed_url, letter.error_type) == ("feed", url, url, error_type)
    assert letter.http_status == http_status
    assert letter.message
    assert status == {"feed_url": url, "title": None, "ok": False, "items": 0, "warnings": [], "error_type": error_type,
                      "etag": None, "last_modified": None, "not_modified": False}


def test_blocked_address_without_the_allow_list(server_url: str):
    # The default policy refuses loopback: the feed fails cleanly, the DoFn does not raise.
    fn = PollFeedFn(FetchPolicy(per_host_delay=0.0))
    _, [letter], [status] = run_fn(FeedSource(f"{server_url}/good.xml"), fn)
    assert letter.error_type == "blocked_address"
    assert status["ok"] is False


def test_not_modified_feed_is_ok_with_no_items(server_url: str):
    items, dead, [status] = run_fn(FeedSource(f"{server_url}/unchanged", "Quiet", etag='"v1"'))
    assert (items, dead) == ([], [])
    assert (status["ok"], status["items"], status["title"]) == (True, 0, "Quiet")
    assert status["not_modified"] is True
    assert status["etag"] == '"v1"'  # carried forward for the next run when the 304 names none


def test_conditional_headers_come_from_the_last_validators():
    assert conditional_headers(FeedSource("http://x/f")) == {}
    assert conditional_headers(FeedSource("http://x/f", etag='"a"', last_modified="Mon, 24 Mar 2025 07:00:00 GMT")) == {
        "If-None-Match": '"a"', "If-Modified-Since": "Mon, 24 Mar 2025 07:00:00 GMT"}


def test_load_feed_list_over_http_with_the_project_client(server_url: str):
    client = HttpClient(POLICY)
    try:
        result = load_feed_list(f"{server_url}/feeds.opml", lambda url: client.fetch(url, kind="feed").body)
    finally:
        client.close()
    assert result.feeds == (FeedSource("http://127.0.0.1/good.xml", "Good", ("Local",)),)


def test_load_feed_list_default_client_refuses_loopback(server_url: str):
    # Without a fetch function the default FetchPolicy applies, and it never opens loopback.
    with pytest.raises(StageError) as caught:
        load_feed_list(f"{server_url}/feeds.opml")
    assert caught.value.error_type == "bad_feed_list"
    assert "blocked_address" in caught.value.message


class _BrokenClient:
    """A client with a bug: the DoFn must turn it into a dead letter, not fail the bundle."""

    def fetch(self, url: str, kind: str = "page", headers: Any = None) -> Any:
        raise KeyError("surprise")

    def close(self) -> None:
        pass


def test_unexpected_client_errors_are_dead_letters_too():
    fn = PollFeedFn(client_factory=_BrokenClient)
    _, [letter], [status] = run_fn(FeedSource("https://feeds.example/rss"), fn)
    assert letter.error_type == "internal_error"
    assert "KeyError" in letter.message
    assert status["error_type"] == "internal_error"


def test_injected_client_factory_is_used_and_closed(server_url: str):
    made: list[HttpClient] = []

    def factory() -> HttpClient:
        made.append(HttpClient(POLICY))
        return made[-1]

    fn = PollFeedFn(client_factory=factory)
    items, _, _ = run_fn(FeedSource(f"{server_url}/good.xml"), fn)
    assert len(made) == 1 and len(items) == 2
    assert fn._client is None  # teardown let go of it


def test_poll_feeds_in_a_pipeline(server_url: str):
    sources = [
        FeedSource(f"{server_url}/good.xml", tags=("a",)),
        FeedSource(f"{server_url}/moved"),
        FeedSource(f"{server_url}/error"),
    ]
    options = PipelineOptions(runner="FnApiRunner")
    pipeline = TestPipeline(runner="FnApiRunner", options=options)
    outputs = pipeline | beam.Create(sources) | PollFeeds(POLICY)
    assert_that(
        outputs.items | "Links" >> beam.Map(lambda item: item.link),
        equal_to(
            [
                f"{server_url}/articles/1",
                "http://elsewhere.example/2",
                "https://atom.example/blog/posts/one",
                "https://atom.example/blog/posts/two",
            ]
        ),
        label="CheckItems",
    )
    assert_that(
        outputs[DEAD_LETTERS] | "Errors" >> beam.Map(lambda letter: (letter.error_type, letter.feed_url)),
        equal_to([("bad_link", f"{server_url}/good.xml"), ("http_error", f"{server_url}/error")]),
        label="CheckDeadLetters",
    )
    assert_that(
        outputs[FEED_STATUS] | "Status" >> beam.Map(lambda s: (s["feed_url"], s["ok"], s["items"])),
        equal_to(
            [
                (f"{server_url}/good.xml", True, 2),
                (f"{server_url}/moved", True, 2),
                (f"{server_url}/error", False, 0),
            ]
        ),
        label="CheckStatus",
    )
    result = pipeline.run()
    result.wait_until_finish()
    counters = {
        c.key.metric.name: c.committed for c in result.metrics().query(MetricsFilter().with_namespace("feeds"))["counters"]
    }
    assert counters == {"polled": 3, "failed": 1, "items": 4, "refused_links": 1}


class _InFlight:
    """Counts requests in flight per host, across the servers that share it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now: dict[str, int] = {}
        self.most: dict[str, int] = {}
        self.total_now = 0
        self.total_most = 0
        self.feeds_served: list[str] = []

    def enter(self, host: str) -> None:
        with self.lock:
            self.now[host] = self.now.get(host, 0) + 1
            self.most[host] = max(self.most.get(host, 0), self.now[host])
            self.total_now += 1
            self.total_most = max(self.total_most, self.total_now)

    def leave(self, host: str, path: str) -> None:
        with self.lock:
            self.now[host] -= 1
            self.total_now -= 1
            if path.startswith("/feed/"):
                self.feeds_served.append(f"http://{host}{path}")


def slow_servers(count: int, delay: float, in_flight: _InFlight) -> list[ThreadingHTTPServer]:
    """Loopback servers answering every request after `delay` s: /feed/* with GOOD_FEED, the rest as ROUTES."""

    class Slow(_Handler):
        def do_GET(self) -> None:  # noqa: N802
            host = self.headers["Host"]
            in_flight.enter(host)
            try:
                time.sleep(delay)
            finally:
                # Leave before answering: once the answer is out, the client may
                # send its next request before this thread runs another line.
                in_flight.leave(host, self.path)
            if self.path.startswith("/feed/"):
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(GOOD_FEED)))
                self.end_headers()
                self.wfile.write(GOOD_FEED)
            else:
                super().do_GET()  # /robots.txt: 404, nothing disallowed

    servers = [ThreadingHTTPServer(("127.0.0.1", 0), Slow) for _ in range(count)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    return servers


def stop(servers: list[ThreadingHTTPServer]) -> None:
    for server in servers:
        server.shutdown()
        server.server_close()


def host(server: ThreadingHTTPServer) -> str:
    return f"127.0.0.1:{server.server_address[1]}"


def test_feeds_are_keyed_by_the_host_the_client_gate_uses():
    # The gate's key (Target.host_key) keeps odd ports apart; the feeds' grouping key must match it.
    for url in ("http://127.0.0.1:8080/feed.xml", "https://News.Example/rss", "http://news.example/atom",
                "http://news.example:80/feed", "https://news.example:443/feed", "http://[::1]:8080/feed"):
        assert host_of(url) == check_url(url, FetchPolicy(allow_networks=("127.0.0.1/32", "::1/128"))).host_key


def assert_every_feed_polled_ok(sources: list[FeedSource], options: PipelineOptions | None = None, *,
                                items: int | None = None, **poll_args) -> None:
    """Run PollFeeds over `sources` on the FnApiRunner; every feed must come back ok (with `items` items)."""
    pipeline = TestPipeline(runner="FnApiRunner", options=options or PipelineOptions(runner="FnApiRunner"))
    outputs = pipeline | beam.Create(sources) | PollFeeds(POLICY, **poll_args)
    assert_that(
        outputs[FEED_STATUS] | "Status" >> beam.Map(lambda s: (s["feed_url"], s["ok"], s["items"] if items else None)),
        equal_to([(source.url, True, items) for source in sources]),
    )
    pipeline.run().wait_until_finish()


def test_one_host_is_polled_one_request_at_a_time_across_worker_processes():
    # Two worker processes, each with its own HttpClient and host gate: only the
    # grouping by host keeps two of them from polling the same host at once.
    in_flight = _InFlight()
    servers = slow_servers(1, 0.2, in_flight)
    try:
        sources = [FeedSource(f"http://{host(servers[0])}/feed/{n}.xml") for n in range(8)]
        options = PipelineOptions(runner="FnApiRunner", direct_num_workers=2, direct_running_mode="multi_processing")
        assert_every_feed_polled_ok(sources, options, items=2)
    finally:
        stop(servers)
    assert sorted(in_flight.feeds_served) == sorted(source.url for source in sources)
    assert in_flight.most == {host(servers[0]): 1}


def test_hosts_are_polled_at_once_up_to_the_limit_each_one_feed_at_a_time():
    in_flight = _InFlight()
    servers = slow_servers(3, 0.2, in_flight)
    try:
        sources = [FeedSource(f"http://{host(server)}/feed/{n}.xml") for server in servers for n in range(3)]
        assert_every_feed_polled_ok(sources, concurrency=2)
    finally:
        stop(servers)
    assert sorted(in_flight.feeds_served) == sorted(source.url for source in sources)
    assert in_flight.most == {host(server): 1 for server in servers}
    assert in_flight.total_most == 2  # two hosts overlapped, never three


def test_a_host_that_does_not_answer_does_not_hold_up_the_others():
    # The first host answers only after the other host's feed has been served:
    # polling hosts one after another could not finish both.
    second_served = threading.Event()

    class Waiting(_Handler):
        def do_GET(self) -> None:  # noqa: N802
            if self.path != "/good.xml":
                return super().do_GET()
            if not second_served.wait(timeout=10):
                self.send_error(503, "the other host was never polled meanwhile")
                return
            super().do_GET()

    class Signalling(_Handler):
        def do_GET(self) -> None:  # noqa: N802
            super().do_GET()
            if self.path == "/good.xml":
                second_served.set()

    servers = [ThreadingHTTPServer(("127.0.0.1", 0), handler) for handler in (Waiting, Signalling)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sources = [FeedSource(f"http://{host(server)}/good.xml") for server in servers]
        assert_every_feed_polled_ok(sources)
    finally:
        stop(servers)


class ThreadCounter:
    """Stands in for a Beam counter and notes the thread of every inc()."""

    def __init__(self) -> None:
        self.threads: list[int] = []

    def inc(self, n: int = 1) -> None:
        self.threads.extend([threading.get_ident()] * n)


def plain(output: Any) -> tuple[str | None, Any]:
    if isinstance(output, pvalue.TaggedOutput):
        return output.tag, output.value
    return None, output


def test_host_queues_give_each_feed_the_outputs_of_poll_feed_fn_in_its_element_window(server_url: str):
    in_flight = _InFlight()
    [slow] = slow_servers(1, 0.2, in_flight)
    windows = [IntervalWindow(Timestamp(0), Timestamp(60)), IntervalWindow(Timestamp(60), Timestamp(120))]
    try:
        local = [FeedSource(f"{server_url}{path}") for path in ("/good.xml", "/error", "/unchanged", "/moved")]
        remote = [FeedSource(f"http://{host(slow)}/feed/{n}.xml") for n in range(3)]
        elements = [((host_of(local[0].url), local), Timestamp(10), windows[0]),
                    ((host(slow), remote), Timestamp(70), windows[1])]
        fn = PollHostFeedsFn(POLICY, concurrency=2)
        fn._polled, fn._failed, fn._items, fn._refused_links = (ThreadCounter() for _ in range(4))
        outputs = run_host_bundle(fn, elements)
        # What the one-feed DoFn makes of the same feeds, one element at a time.
        expected = [plain(o) for source in local + remote for o in run_fn_outputs(source)]
    finally:
        stop([slow])

    unwrapped = [(tag, value) for tag, value in map(plain, outputs)]
    assert all(isinstance(value, WindowedValue) for _tag, value in unwrapped)
    assert sorted(comparable(tag, v.value) for tag, v in unwrapped) == sorted(comparable(*o) for o in expected)
    for (_host, sources), timestamp, window in elements:
        urls = {s.url for s in sources}
        for tag, value in unwrapped:
            if feed_of(tag, value.value) in urls:
                assert (value.timestamp, value.windows) == (timestamp, (window,))
    assert in_flight.most == {host(slow): 1}
    me = threading.get_ident()
    assert fn._polled.threads == [me] * 7  # counted on the bundle's thread, once per feed
    assert fn._failed.threads == [me]
    assert fn._items.threads == [me] * (2 + 2 + 3 * 2)
    assert fn._refused_links.threads == [me] * (1 + 3)


def run_fn_outputs(source: FeedSource) -> list[Any]:
    fn = PollFeedFn(POLICY)
    fn.setup()
    try:
        return list(fn.process(source))
    finally:
        fn.teardown()


def comparable(tag: str | None, value: Any) -> str:
    """An output as text, without the moment a dead letter was made."""
    if isinstance(value, DeadLetter):
        value = dataclasses.replace(value, failed_at=None)
    return repr((tag, value))


def feed_of(tag: str | None, value: Any) -> str:
    if tag is None or tag == DEAD_LETTERS:
        return value.feed_url
    return value["feed_url"]


def test_poll_feeds_keeps_harmless_doctypes_and_refuses_hostile_ones():
    """Issue 17: feeds with a harmless DOCTYPE land through PollFeeds; an entity bomb and an external entity do not."""
    data = Path(__file__).parent / "data" / "feeds"
    bomb = b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        b'<!ENTITY %c "&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;">' % ((ord("a") + n + 1,) + (ord("a") + n,) * 10) for n in range(8)
    ) + b']><rss version="2.0"><channel><title>&i;</title></channel></rss>'
    routes = {
        f"/{name}": (200, {"Content-Type": "application/rss+xml"}, (data / name).read_bytes())
        for name in ("doctype-xhtml-transitional.xml", "doctype-internal-entity.xml", "doctype-lowercase.xml")
    }
    routes["/bomb.xml"] = (200, {"Content-Type": "application/xml"}, bomb)
    routes["/xxe.xml"] = (200, {"Content-Type": "application/xml"}, UNSAFE_FEED)

    class Handler(_Handler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            status, headers, body = routes.get(self.path, (404, {}, b""))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        pipeline = TestPipeline(runner="FnApiRunner", options=PipelineOptions(runner="FnApiRunner"))
        outputs = pipeline | beam.Create([FeedSource(f"{base}{path}") for path in sorted(routes)]) | PollFeeds(POLICY)
        assert_that(
            outputs.items | "Items" >> beam.Map(lambda item: (item.feed_url.rsplit("/", 1)[1], item.link, item.guid)),
            equal_to(
                [
                    (name, f"https://news.example/{name[:-4]}/{n}", "tag:example.com,2006-05-04:/blog/" if (name, n) == ("doctype-internal-entity.xml", 1) else None)
                    for name in ("doctype-xhtml-transitional.xml", "doctype-internal-entity.xml", "doctype-lowercase.xml")
                    for n in (1, 2)
                ]
            ),
            label="CheckItems",
        )
        assert_that(
            outputs[DEAD_LETTERS] | "Errors" >> beam.Map(lambda letter: (letter.feed_url.rsplit("/", 1)[1], letter.error_type)),
            equal_to([("bomb.xml", "unsafe_xml"), ("xxe.xml", "unsafe_xml")]),
            label="CheckDeadLetters",
        )
        pipeline.run().wait_until_finish()
    finally:
        server.shutdown()
        server.server_close()
