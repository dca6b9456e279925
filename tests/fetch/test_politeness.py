"""HostGate on its own: spacing, concurrency, failure skipping, deferral."""

from __future__ import annotations

import random
import threading
import time

import pytest

from pipeline.fetch.policy import FetchPolicy
from pipeline.fetch.politeness import HostGate, skip_cool_off
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


class FakeClock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def skipped(gate: HostGate, host: str) -> bool:
    try:
        gate.check(host)
    except StageError as err:
        assert err.error_type == "host_skipped"
        return True
    return False


def test_skip_cool_off_doubles_per_skip_in_a_row_up_to_the_cap():
    assert [skip_cool_off(n, 60.0, 900.0) for n in range(1, 7)] == [60, 120, 240, 480, 900, 900]
    assert skip_cool_off(10_000, 60.0, 900.0) == 900  # no overflow however long a host stays dead


def test_a_skipped_host_is_probed_after_the_cool_off_and_skipped_longer_if_still_failing():
    clock = FakeClock()
    gate = HostGate(delay=0.0, failure_limit=2, skip_base=60, skip_cap=150, clock=clock)
    for _ in range(2):
        gate.record_failure("a.example", "timeout")
    assert skipped(gate, "a.example")
    clock.now += 59
    assert skipped(gate, "a.example")
    clock.now += 1
    assert not skipped(gate, "a.example")  # cool-off over: one probe may go
    gate.record_failure("a.example", "timeout")  # the probe failed: skipped again, twice as long
    clock.now += 119
    assert skipped(gate, "a.example")
    clock.now += 1
    assert not skipped(gate, "a.example")
    gate.record_failure("a.example", "timeout")
    clock.now += 149
    assert skipped(gate, "a.example")  # 240 s capped at 150 s
    clock.now += 1
    assert not skipped(gate, "a.example")


def test_failures_in_flight_during_a_skip_do_not_stretch_it():
    clock = FakeClock()
    gate = HostGate(delay=0.0, failure_limit=1, skip_base=60, skip_cap=900, clock=clock)
    gate.record_failure("a.example", "timeout")
    clock.now += 30
    gate.record_failure("a.example", "timeout")  # a request that started before the skip
    clock.now += 30
    assert not skipped(gate, "a.example")


def test_a_success_after_the_cool_off_forgets_the_host_failures():
    clock = FakeClock()
    gate = HostGate(delay=0.0, failure_limit=2, skip_base=60, skip_cap=900, clock=clock)
    for _ in range(2):
        gate.record_failure("a.example", "timeout")
    clock.now += 60
    gate.record_success("a.example")
    assert gate.failures("a.example") == 0
    gate.record_failure("a.example", "timeout")
    assert not skipped(gate, "a.example")  # one failure again, not the old count plus one
    gate.record_failure("a.example", "timeout")
    clock.now += 59
    assert skipped(gate, "a.example")
    clock.now += 1
    assert not skipped(gate, "a.example")  # the first skip of a new streak: the base cool-off again


def test_the_skip_message_says_when_the_host_is_tried_again():
    clock = FakeClock()
    gate = HostGate(delay=0.0, failure_limit=1, skip_base=60, skip_cap=900, clock=clock)
    gate.record_failure("a.example", "HTTP 503")
    clock.now += 15
    with pytest.raises(StageError) as info:
        gate.check("a.example")
    assert "HTTP 503" in info.value.message and "in 45 s" in info.value.message
    assert "next run" in info.value.message


def test_deferral_expires_on_the_injected_clock():
    clock = FakeClock()
    gate = HostGate(delay=0.0, clock=clock)
    gate.defer("a.example", 3600)
    clock.now += 3599
    with pytest.raises(StageError):
        gate.check("a.example")
    clock.now += 1
    gate.check("a.example")


def test_idle_hosts_are_forgotten_but_busy_or_failing_ones_kept():
    clock = FakeClock()
    gate = HostGate(delay=0.0, clock=clock)
    gate.record_failure("failing.example", "timeout")
    gate.defer("deferred.example", 60)
    for n in range(1100):  # the table passes 1024 hosts: idle ones are swept
        with gate.slot(f"h{n}.example"):
            pass
    assert gate.hosts_tracked() < 200
    assert gate.failures("failing.example") == 1
    with pytest.raises(StageError):
        gate.check("deferred.example")


def test_shared_gate_policy_includes_the_cool_off():
    policy = FetchPolicy(host_skip_cool_off=5.0, host_skip_cool_off_cap=10.0)
    gate = HostGate.shared(policy)
    assert (gate.skip_base, gate.skip_cap) == (5.0, 10.0)
    assert HostGate.shared(FetchPolicy()) is not gate
