"""HostFanout on its own: plain functions as work, no network, no Beam runner."""

from __future__ import annotations

import threading
import time
from collections import defaultdict

import pytest
from apache_beam import pvalue
from apache_beam.transforms.window import GlobalWindow, IntervalWindow
from apache_beam.utils.timestamp import Timestamp
from apache_beam.utils.windowed_value import WindowedValue

from pipeline.fetch.fanout import HostFanout, rewindow

WINDOW = GlobalWindow()


def failed(item, error: Exception) -> tuple:
    return ("failed", item, type(error).__name__)


def as_is(result) -> list:
    return [result]


def fanout_of(work, concurrency: int, buffer: int | None = None, **kwargs) -> HostFanout:
    return HostFanout(work, failed, as_is, concurrency, buffer, **kwargs)


def submit(fanout: HostFanout, items: list, stamp: int) -> list:
    """Start a host queue whose element has timestamp `stamp`; the outputs ready."""
    return list(fanout.submit(items, Timestamp(stamp), WINDOW))


def plain(outputs: list[WindowedValue]) -> list[tuple]:
    """(value, element timestamp as int) of each output."""
    assert all(isinstance(o, WindowedValue) and o.windows == (WINDOW,) for o in outputs)
    return [(o.value, int(o.timestamp)) for o in outputs]


def wait_for_threads_to_end(name: str, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(t.name == name for t in threading.enumerate()):
            return True
        time.sleep(0.02)
    return False


def run_all(fanout: HostFanout, queues: dict[str, list]) -> list[tuple]:
    """Drive the fan-out as a DoFn does: submit every host queue, then drain; (value, host) pairs."""
    hosts = list(queues)
    out = []
    for n, (host, items) in enumerate(queues.items()):
        out += submit(fanout, items, n)
    return [(value, hosts[n]) for value, n in plain(out + list(fanout.drain()))]


class Tracker:
    """Records what is in flight, per host and in all, while work runs."""

    def __init__(self, seconds: float = 0.01) -> None:
        self.seconds = seconds
        self.lock = threading.Lock()
        self.now: dict[str, int] = defaultdict(int)
        self.most: dict[str, int] = defaultdict(int)
        self.hosts_now = 0
        self.hosts_most = 0
        self.order: dict[str, list[int]] = defaultdict(list)

    def work(self, item: tuple[str, int]) -> tuple[str, int]:
        host, n = item
        with self.lock:
            self.now[host] += 1
            self.most[host] = max(self.most[host], self.now[host])
            self.order[host].append(n)
        time.sleep(self.seconds)
        with self.lock:
            self.now[host] -= 1
        return item


def test_each_host_in_order_one_item_at_a_time_and_results_carry_their_stamp():
    tracker = Tracker()
    queues = {f"h{h}": [(f"h{h}", n) for n in range(6)] for h in range(4)}
    out = run_all(fanout_of(tracker.work, concurrency=3), queues)
    assert sorted(out) == sorted((item, host) for host, items in queues.items() for item in items)
    assert dict(tracker.most) == {host: 1 for host in queues}
    assert dict(tracker.order) == {host: list(range(6)) for host in queues}
    for host in queues:  # a host's results come back in its queue's order
        assert [item[1] for item, stamp in out if stamp == host] == list(range(6))


def test_hosts_overlap_up_to_the_concurrency_and_no_further():
    # Each host's first item waits until two hosts have started: run one after another, it would time out.
    started = threading.Barrier(2, timeout=5)
    lock, now, most = threading.Lock(), [0], [0]

    def work(item: tuple[str, int]) -> tuple[str, int]:
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        try:
            if item[1] == 0 and item[0] in ("a", "b"):
                started.wait()
            time.sleep(0.02)
        finally:
            with lock:
                now[0] -= 1
        return item

    queues = {host: [(host, n) for n in range(3)] for host in "abcde"}
    out = run_all(fanout_of(work, concurrency=2), queues)
    assert not [r for r, _ in out if r[0] == "failed"], out
    assert len(out) == 15
    assert most[0] == 2


def test_at_most_buffer_results_wait_however_slow_the_consumer():
    lock = threading.Lock()
    made = [0]

    def work(item: int) -> int:
        with lock:
            made[0] += 1
        return item

    fanout = fanout_of(work, concurrency=3, buffer=4)
    taken = 0
    results = []
    for host in range(3):
        for result in fanout.submit(list(range(host * 100, host * 100 + 50)), Timestamp(host), WINDOW):
            results.append(result)
            taken += 1
    time.sleep(0.2)  # the threads run ahead of a consumer that is away
    assert fanout.waiting() <= 4
    with lock:
        assert made[0] - taken <= 4 + 3  # the buffer, plus one result in hand per thread
    for result in fanout.drain():
        results.append(result)
        taken += 1
        assert fanout.waiting() <= 4
        with lock:
            assert made[0] - taken <= 4 + 3
        time.sleep(0.001)
    assert sorted(r for r, _ in plain(results)) == sorted(n for h in range(3) for n in range(h * 100, h * 100 + 50))


def test_a_failing_item_becomes_its_error_result_and_the_host_goes_on():
    def work(n: int) -> int:
        if n == 2:
            raise KeyError("a bug")
        return n

    out = run_all(fanout_of(work, concurrency=2), {"a": [0, 1, 2, 3, 4], "b": [10, 11]})
    assert [r for r, stamp in out if stamp == "a"] == [0, 1, ("failed", 2, "KeyError"), 3, 4]
    assert sorted(r for r, stamp in out if stamp == "b") == [10, 11]


def test_closing_the_output_mid_bundle_abandons_the_threads():
    done = []

    def work(n: int) -> int:
        time.sleep(0.05)
        done.append(n)
        return n

    fanout = fanout_of(work, concurrency=2, buffer=1, thread_name="fanout-test-close")
    for host in range(2):
        submit(fanout, list(range(100)), host)
    outputs = fanout.drain()
    assert next(outputs) is not None
    outputs.close()  # what a runner does when a downstream step raises mid-bundle
    assert fanout.abandoned
    assert wait_for_threads_to_end("fanout-test-close")
    assert len(done) < 20  # each thread stopped after its current item


def test_abandon_releases_threads_blocked_on_a_full_buffer():
    fanout = fanout_of(lambda n: n, concurrency=3, buffer=1, thread_name="fanout-test-full")
    for host in range(3):
        submit(fanout, list(range(1000)), host)  # starts the host; takes only what is ready
    time.sleep(0.1)  # every thread now waits to hand over a result
    assert fanout.waiting() == 1 and fanout.active == 3
    fanout.abandon()
    assert wait_for_threads_to_end("fanout-test-full")


def test_an_exception_in_the_consumer_abandons_too():
    fanout = fanout_of(lambda n: (time.sleep(0.02), n)[1], concurrency=1, thread_name="fanout-test-raise")
    submit(fanout, list(range(100)), 0)
    with pytest.raises(RuntimeError):
        for _ in fanout.drain():
            raise RuntimeError("downstream failed")
    assert fanout.abandoned
    assert wait_for_threads_to_end("fanout-test-raise")


def test_rewindow_puts_the_element_stamp_on_plain_and_tagged_outputs():
    window = IntervalWindow(Timestamp(100), Timestamp(200))
    stamp = (Timestamp(150), window)
    plain = rewindow("page", stamp)
    assert isinstance(plain, WindowedValue)
    assert (plain.value, plain.timestamp, plain.windows) == ("page", Timestamp(150), (window,))
    tagged = rewindow(pvalue.TaggedOutput("dead_letters", "letter"), stamp)
    assert isinstance(tagged, pvalue.TaggedOutput) and tagged.tag == "dead_letters"
    assert (tagged.value.value, tagged.value.timestamp, tagged.value.windows) == ("letter", Timestamp(150), (window,))


def test_emit_runs_on_the_bundle_thread_and_its_outputs_carry_the_element_window():
    window = IntervalWindow(Timestamp(100), Timestamp(200))
    emitted_on = []

    def emit(n: int) -> list:
        emitted_on.append(threading.get_ident())
        return [n, pvalue.TaggedOutput("odd", n)] if n % 2 else [n]

    fanout = HostFanout(lambda n: n, failed, emit, concurrency=2)
    out = list(fanout.submit([1, 2, 3], Timestamp(150), window)) + list(fanout.drain())
    assert emitted_on == [threading.get_ident()] * 3
    plain_values = [o for o in out if isinstance(o, WindowedValue)]
    tagged = [o for o in out if isinstance(o, pvalue.TaggedOutput)]
    assert [v.value for v in plain_values] == [1, 2, 3] and [t.value.value for t in tagged] == [1, 3]
    assert all(t.tag == "odd" for t in tagged)
    assert {(v.timestamp, v.windows) for v in plain_values + [t.value for t in tagged]} == {(Timestamp(150), (window,))}
