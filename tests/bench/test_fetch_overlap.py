"""The fetch step overlaps waits across hosts within one bundle, while each host
still sees one request at a time; on the bench's own loopback server."""

from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit

import apache_beam as beam
from apache_beam.transforms.window import GlobalWindow
from apache_beam.utils.timestamp import MIN_TIMESTAMP
from apache_beam.utils.windowed_value import WindowedValue

from bench.corpus import CorpusServer, CorpusSpec, article_path, make_header
from pipeline.fetch.policy import FetchPolicy
from pipeline.fetch.transforms import FetchHostQueuesFn, host_of
from pipeline.records import DeadLetter, FeedItem, FetchedPage

SPEC = CorpusSpec(articles=16, hosts=4, seed=3)
LATENCY = 0.25


def host_queues(server: CorpusServer) -> list[tuple[str, list[FeedItem]]]:
    queues: dict[str, list[FeedItem]] = {}
    for index in range(SPEC.articles):
        url = server.origins[SPEC.host_of(index)] + article_path(make_header(SPEC, index))
        queues.setdefault(host_of(url), []).append(FeedItem(feed_url="http://feeds.example/x", link=url))
    queues["127.0.0.1:9"] = [FeedItem(feed_url="http://feeds.example/x", link="http://127.0.0.1:9/gone")]  # refused
    return sorted(queues.items())


def run_bundle(fn: FetchHostQueuesFn, elements) -> list:
    """Drive the DoFn as a runner does: one bundle, every element, then finish_bundle."""
    fn.setup()
    try:
        fn.start_bundle()
        outputs = []
        for element in elements:
            outputs += list(fn.process(element, timestamp=MIN_TIMESTAMP, window=GlobalWindow()))
        outputs += list(fn.finish_bundle() or [])
        return outputs
    finally:
        fn.teardown()


def test_hosts_are_fetched_at_once_and_each_host_one_request_at_a_time():
    policy = FetchPolicy(allow_networks=("127.0.0.1/32",), per_host_delay=0.0, obey_robots=False, retries=0,
                         connect_timeout=2.0)
    with CorpusServer(SPEC, latency_s=LATENCY) as server:
        queues = host_queues(server)
        started = time.perf_counter()
        # Two threads for five hosts: a host starts as soon as another finishes.
        outputs = run_bundle(FetchHostQueuesFn(policy, concurrency=2), queues)
        elapsed = time.perf_counter() - started
        stats, most_at_once = list(server.stats), server.max_in_flight
        ports = {urlsplit(origin).port for origin in server.origins}

    values = [out.value if isinstance(out, beam.pvalue.TaggedOutput) else out for out in outputs]
    assert all(isinstance(v, WindowedValue) and v.windows == (GlobalWindow(),) for v in values)
    pages = [v.value for v in values if isinstance(v.value, FetchedPage)]
    letters = [v.value for v in values if isinstance(v.value, DeadLetter)]
    assert sorted(p.url for p in pages) == sorted(item.link for host, items in queues for item in items
                                                  if not host.endswith(":9"))
    assert all(p.status == 200 and b"<article" in p.body for p in pages)
    assert [(d.url, d.error_type) for d in letters] == [("http://127.0.0.1:9/gone", "connect_error")]
    assert [s.max_in_flight for s in stats] == [1, 1, 1, 1]  # politeness: never two requests to one host
    assert [s.requests for s in stats] == [4, 4, 4, 4]
    assert most_at_once == 2  # two hosts at a time, as many as the threads
    assert elapsed < 30, elapsed  # 16 requests of 0.25 s; only a hang takes this long
    assert {urlsplit(p.url).port for p in pages} == ports


def test_an_abandoned_bundle_releases_its_threads():
    policy = FetchPolicy(allow_networks=("127.0.0.1/32",), per_host_delay=0.0, obey_robots=False, retries=0)
    with CorpusServer(SPEC, latency_s=0.3) as server:
        queue = host_queues(server)[0]
        served = [host_of(origin) for origin in server.origins].index(queue[0])  # its index in server.stats
        fn = FetchHostQueuesFn(policy, concurrency=4)
        fn.setup()
        fn.start_bundle()
        list(fn.process(queue, timestamp=MIN_TIMESTAMP, window=GlobalWindow()))
        outputs = fn.finish_bundle()
        assert next(outputs) is not None
        outputs.close()  # what happens when a downstream step raises mid-bundle
        assert fn._fanout.abandoned
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(t.name == "wirebeam-fetch" for t in threading.enumerate()):
            time.sleep(0.05)
        assert not any(t.name == "wirebeam-fetch" for t in threading.enumerate())
        fn.teardown()
    assert 0 < server.stats[served].requests < 4  # the rest of the host's queue was not fetched
