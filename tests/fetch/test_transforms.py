"""FetchHostQueuesFn driven as a runner drives it (setup, start_bundle, process, finish_bundle)
against loopback servers, with the project's HttpClient."""

from __future__ import annotations

import threading
from typing import Any

from apache_beam import pvalue
from apache_beam.transforms.window import IntervalWindow
from apache_beam.utils.timestamp import Timestamp
from apache_beam.utils.windowed_value import WindowedValue

from pipeline.fetch.transforms import FetchHostQueuesFn, host_of
from pipeline.records import DeadLetter, FeedItem, FetchedPage
from tests.fetch.conftest import FAST
from tests.fetch.hostile_server import HostileServer
from tests.fetch.bundles import run_host_bundle


class ThreadCounter:
    """Stands in for a Beam counter and notes the thread of every inc()."""

    def __init__(self) -> None:
        self.threads: list[int] = []

    def inc(self, n: int = 1) -> None:
        self.threads.extend([threading.get_ident()] * n)


def counted(fn: FetchHostQueuesFn) -> tuple[ThreadCounter, ThreadCounter]:
    fn._fetched, fn._failed = ThreadCounter(), ThreadCounter()
    return fn._fetched, fn._failed


def queue_of(server: HostileServer, *paths: str) -> tuple[str, list[FeedItem]]:
    items = [FeedItem(feed_url="http://feeds.example/rss", link=server.url(p)) for p in paths]
    return host_of(items[0].link), items


def unwrap(output: Any) -> tuple[str | None, WindowedValue]:
    if isinstance(output, pvalue.TaggedOutput):
        return output.tag, output.value
    return None, output


def test_pages_and_dead_letters_come_back_in_their_element_window_counted_on_the_bundle_thread(make_client):
    windows = [IntervalWindow(Timestamp(0), Timestamp(60)), IntervalWindow(Timestamp(60), Timestamp(120))]
    with HostileServer() as a, HostileServer() as b:
        elements = [
            (queue_of(a, "/slow/0.3?1", "/status/404", "/slow/0.3?2", "/ok"), Timestamp(10), windows[0]),
            (queue_of(b, "/slow/0.3?1", "/slow/0.3?2"), Timestamp(70), windows[1]),
        ]
        fn = FetchHostQueuesFn(FAST, client_factory=make_client, concurrency=2)
        fetched, failed = counted(fn)
        outputs = [unwrap(o) for o in run_host_bundle(fn, elements)]
        spans = {"a": list(a.spans), "b": list(b.spans)}

    by_url = {value.value.url: (tag, value) for tag, value in outputs}
    assert sorted(by_url) == sorted(item.link for (_host, items), _t, _w in elements for item in items)
    for (_host, items), timestamp, window in elements:
        for item in items:
            tag, value = by_url[item.link]
            assert (value.timestamp, value.windows) == (timestamp, (window,))
            if item.link.endswith("/404"):
                assert tag == "dead_letters" and isinstance(value.value, DeadLetter)
                assert (value.value.error_type, value.value.http_status) == ("http_error", 404)
            else:
                assert tag is None and isinstance(value.value, FetchedPage) and value.value.status == 200
    # Counted as emitted, on this thread: Beam drops counts made on the fan-out's threads.
    assert fetched.threads == [threading.get_ident()] * 5
    assert failed.threads == [threading.get_ident()]
    for host_spans in spans.values():  # one request at a time per host
        host_spans.sort()
        assert all(end <= next_start for (_s, end), (next_start, _e) in zip(host_spans, host_spans[1:]))
    # ... and the two hosts at once.
    assert any(s < e2 and s2 < e for s, e in spans["a"] for s2, e2 in spans["b"])


class BuggyOnce:
    """The real client, except that one URL hits a bug in our code."""

    def __init__(self, client: Any, bad_url: str) -> None:
        self._client, self._bad_url = client, bad_url

    def fetch(self, url: str, kind: str = "page", headers: Any = None) -> Any:
        if url == self._bad_url:
            raise KeyError("surprise")
        return self._client.fetch(url, kind=kind, headers=headers)

    def close(self) -> None:
        self._client.close()


def test_a_bug_on_one_page_is_a_dead_letter_and_the_rest_of_the_host_is_fetched(server, make_client):
    element = queue_of(server, "/ok", "/html", "/ok?third")
    fn = FetchHostQueuesFn(FAST, client_factory=lambda: BuggyOnce(make_client(), server.url("/html")), concurrency=1)
    outputs = [unwrap(o) for o in run_host_bundle(fn, [(element, Timestamp(0), IntervalWindow(0, 1))])]
    assert [(tag, type(v.value).__name__, getattr(v.value, "error_type", None)) for tag, v in outputs] == [
        (None, "FetchedPage", None),
        ("dead_letters", "DeadLetter", "internal_error"),
        (None, "FetchedPage", None),
    ]
    assert "KeyError" in outputs[1][1].value.message
    assert server.paths() == ["/ok", "/ok?third"]
