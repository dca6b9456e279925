"""Per-host politeness shared by every client in a process.

A Beam worker runs many DoFn threads; each builds its own HttpClient in setup().
They must still behave as one polite crawler towards each host, so the gate is
process-wide (`HostGate.shared`) and thread-safe. It is never pickled: clients
look it up on the worker.

A process may live for weeks (a streaming worker), so nothing in the gate is
forever: a skipped host is tried again after a cool-off that doubles with each
skip in a row (capped), and hosts with nothing to remember are forgotten.
"""

from __future__ import annotations

import random
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

from pipeline.fetch.policy import FetchPolicy
from pipeline.records import StageError


@dataclass
class _HostState:
    in_flight: int = 0
    next_start: float = 0.0  # monotonic time before which no request may start
    delay: float | None = None  # robots Crawl-delay when longer than the policy's
    failures: int = 0  # consecutive failed fetches
    skipped_because: str | None = None
    skipped_until: float = 0.0  # monotonic; the skip's cool-off ends, then one fetch may probe the host
    skips: int = 0  # skips in a row (no success between): doubles the cool-off
    deferred_until: float = 0.0  # monotonic; the host asked us to stay away (Retry-After)
    deferred_for: float = 0.0

    def idle(self, now: float) -> bool:
        """Nothing worth keeping: the state can be dropped and made afresh (the
        Crawl-delay is set again from robots.txt before the host's next request)."""
        return (self.in_flight == 0 and self.next_start <= now and self.failures == 0
                and self.skips == 0 and self.deferred_until <= now)


def skip_cool_off(skips: int, base: float, cap: float) -> float:
    """Seconds a host stays skipped after its `skips`-th skip in a row: base, 2x base, ... up to cap."""
    return min(cap, base * 2.0 ** max(0, min(skips - 1, 32)))


class HostGate:
    """At most `concurrency` requests in flight per host, spaced by a jittered delay.

    Also counts consecutive failed fetches per host; after `failure_limit` the
    host is refused (StageError 'host_skipped') for a cool-off of `skip_base`
    seconds, doubling with each skip in a row up to `skip_cap`, so one dead
    site cannot eat a run's time budget. After the cool-off one fetch probes
    the host: a success forgets its failures, a failure skips it again.
    `clock` (monotonic seconds) is injectable for tests.
    """

    _shared: dict[tuple[float, ...], "HostGate"] = {}
    _shared_lock = threading.Lock()

    def __init__(
        self,
        delay: float = 1.0,
        concurrency: int = 1,
        failure_limit: int = 5,
        *,
        skip_base: float = 60.0,
        skip_cap: float = 900.0,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.delay = delay
        self.concurrency = concurrency
        self.failure_limit = failure_limit
        self.skip_base = skip_base
        self.skip_cap = skip_cap
        self._rng = rng or random.Random()
        self._clock = clock
        self._cond = threading.Condition()
        self._hosts: dict[str, _HostState] = {}
        self._prune_at = 1024  # host count that triggers the next sweep of idle hosts

    @classmethod
    def for_policy(cls, policy: FetchPolicy) -> "HostGate":
        return cls(policy.per_host_delay, policy.per_host_concurrency, policy.host_failure_limit,
                   skip_base=policy.host_skip_cool_off, skip_cap=policy.host_skip_cool_off_cap)

    @classmethod
    def shared(cls, policy: FetchPolicy) -> "HostGate":
        """The process-wide gate for this policy's politeness numbers."""
        key = (policy.per_host_delay, policy.per_host_concurrency, policy.host_failure_limit,
               policy.host_skip_cool_off, policy.host_skip_cool_off_cap)
        with cls._shared_lock:
            gate = cls._shared.get(key)
            if gate is None:
                gate = cls._shared[key] = cls.for_policy(policy)
            return gate

    def _state(self, host: str) -> _HostState:
        key = host.lower()
        st = self._hosts.get(key)
        if st is None:
            if len(self._hosts) >= self._prune_at:
                self._prune()
            st = self._hosts[key] = _HostState()
        return st

    def _prune(self) -> None:
        """Forget idle hosts, so a worker crawling for weeks does not keep every host it ever saw.
        Amortised: the next sweep waits until the table has doubled."""
        now = self._clock()
        self._hosts = {host: st for host, st in self._hosts.items() if not st.idle(now)}
        self._prune_at = max(1024, 2 * len(self._hosts))

    def hosts_tracked(self) -> int:
        with self._cond:
            return len(self._hosts)

    def delay_for(self, host: str) -> float:
        with self._cond:
            st = self._state(host)
            return max(self.delay, st.delay or 0.0)

    def set_delay(self, host: str, seconds: float | None) -> None:
        """Space requests to `host` by at least `seconds` (robots.txt Crawl-delay; None: the policy's)."""
        with self._cond:
            self._state(host).delay = seconds

    def push_back(self, host: str, seconds: float) -> None:
        """No request to `host` before `seconds` from now (the server's Retry-After)."""
        with self._cond:
            st = self._state(host)
            st.next_start = max(st.next_start, self._clock() + seconds)

    def defer(self, host: str, seconds: float) -> None:
        """Refuse `host` with retry_later for `seconds`: it asked for a long pause."""
        with self._cond:
            st = self._state(host)
            st.deferred_until = max(st.deferred_until, self._clock() + seconds)
            st.deferred_for = seconds

    def check(self, host: str) -> None:
        with self._cond:
            self._raise_if_skipped(host, self._state(host))

    def _raise_if_skipped(self, host: str, st: _HostState) -> None:
        now = self._clock()
        if st.skipped_because is not None and st.skipped_until > now:
            raise StageError(
                "host_skipped",
                f"skipped {host}: it failed {st.failures} fetches in a row "
                f"(last: {st.skipped_because}); it is tried again in {st.skipped_until - now:,.0f} s "
                "or on the next run",
            )
        if st.deferred_until > now:
            raise StageError(
                "retry_later",
                f"{host} asked to be left alone for {st.deferred_for:,.0f} s (Retry-After); "
                "deferred to the next run",
            )

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold one of the host's request slots, waiting for its turn first."""
        with self._cond:
            while True:
                st = self._state(host)  # looked up again after a wait: an idle state may have been pruned
                self._raise_if_skipped(host, st)
                if st.in_flight < self.concurrency:
                    break
                self._cond.wait()
            st.in_flight += 1
            now = self._clock()
            start = max(now, st.next_start)
            spacing = max(self.delay, st.delay or 0.0) * self._rng.uniform(0.5, 1.5)
            st.next_start = start + spacing
        try:
            if start > now:
                time.sleep(start - now)
            yield
        finally:
            with self._cond:
                st.in_flight -= 1
                self._cond.notify_all()

    def record_success(self, host: str) -> None:
        with self._cond:
            st = self._state(host)
            st.failures, st.skips, st.skipped_because = 0, 0, None

    def record_failure(self, host: str, reason: str) -> None:
        with self._cond:
            st = self._state(host)
            st.failures += 1
            now = self._clock()
            # A failure at the limit, or the probe after a cool-off, (re)starts a longer skip;
            # failures of requests already in flight during a skip do not stretch it.
            if st.failures >= self.failure_limit and st.skipped_until <= now:
                st.skips += 1
                st.skipped_because = reason
                st.skipped_until = now + skip_cool_off(st.skips, self.skip_base, self.skip_cap)
            self._cond.notify_all()  # waiters must see the skip

    def failures(self, host: str) -> int:
        with self._cond:
            return self._state(host).failures
