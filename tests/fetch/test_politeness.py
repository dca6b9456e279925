"""HostGate on its own: spacing, concurrency, failure skipping, deferral."""

from __future__ import annotations

import random
import threading
import time

import pytest

from pipeline.fetch.policy import FetchPolicy
from pipeline.fetch.politeness import HostGate
from pipeline.records import StageError


def test_spacing_is_jittered_between_half_and_one_and_a_half_times_the_delay():
    gate = HostGate(delay=0.05, rng=random.Random(1))
    starts = []
    for _ in range(6):
        with gate.slot("a.example"):
            starts.append(time.monotonic())
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert all(g >= 0.024 for g in gaps), gaps
    assert sum(gaps) / len(gaps) < 0.5, gaps  # ~0.05 on average; slack for a busy machine
    assert len({round(g, 3) for g in gaps}) > 1  # jittered, not a fixed beat


def test_hosts_do_not_wait_for_each_other():
    gate = HostGate(delay=5.0)
    started = time.monotonic()
    for host in ("a.example", "b.example", "c.example"):
        with gate.slot(host):
            pass
    assert time.monotonic() - started < 4  # waiting for one another would take 5 s at least


def test_concurrency_limit_holds_across_threads():
    gate = HostGate(delay=0.0, concurrency=2)
    in_flight, peak = 0, 0
    lock = threading.Lock()

    def work():
        nonlocal in_flight, peak
        with gate.slot("a.example"):
            with lock:
                in_flight += 1
                peak = max(peak, in_flight)
            time.sleep(0.02)
            with lock:
                in_flight -= 1

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == 2


def test_failures_skip_the_host_and_wake_waiters():
    gate = HostGate(delay=0.0, failure_limit=3)
    for _ in range(2):
        gate.record_failure("a.example", "timeout")
    gate.check("a.example")
    gate.record_failure("a.example", "timeout")
    with pytest.raises(StageError) as info:
        gate.check("a.example")
    assert info.value.error_type == "host_skipped" and "timeout" in info.value.message
    with pytest.raises(StageError):
        with gate.slot("a.example"):
            pass
    gate.check("b.example")  # other hosts unaffected


def test_defer_refuses_with_retry_later_until_it_passes():
    gate = HostGate(delay=0.0)
    gate.defer("a.example", 0.1)
    with pytest.raises(StageError) as info:
        gate.check("a.example")
    assert info.value.error_type == "retry_later"
    time.sleep(0.12)
    gate.check("a.example")


def test_push_back_delays_the_next_start():
    gate = HostGate(delay=0.0)
    gate.push_back("a.example", 0.1)
    started = time.monotonic()
    with gate.slot("a.example"):
        pass
    assert time.monotonic() - started >= 0.09


def test_shared_gate_is_one_per_process_and_policy():
    a = HostGate.shared(FetchPolicy())
    assert HostGate.shared(FetchPolicy()) is a
    assert HostGate.shared(FetchPolicy(per_host_delay=2.0)) is not a
