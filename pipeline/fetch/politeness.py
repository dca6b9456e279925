"""Per-host politeness shared by every client in a process.

A Beam worker runs many DoFn threads; each builds its own HttpClient in setup().
They must still behave as one polite crawler towards each host, so the gate is
process-wide (`HostGate.shared`) and thread-safe. It is never pickled: clients
look it up on the worker.
"""

from __future__ import annotations

import random
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from pipeline.fetch.policy import FetchPolicy
from pipeline.records import StageError


@dataclass
class _HostState:
    in_flight: int = 0
    next_start: float = 0.0  # monotonic time before which no request may start
    delay: float | None = None  # robots Crawl-delay when longer than the policy's
    failures: int = 0  # consecutive failed fetches
    skipped_because: str | None = None
    deferred_until: float = 0.0  # monotonic; the host asked us to stay away (Retry-After)
    deferred_for: float = 0.0


class HostGate:
    """At most `concurrency` requests in flight per host, spaced by a jittered delay.

    Also counts consecutive failed fetches per host; after `failure_limit` the
    host is refused (StageError 'host_skipped') for the rest of the process,
    so one dead site cannot eat a run's time budget.
    """

    _shared: dict[tuple[float, int, int], "HostGate"] = {}
    _shared_lock = threading.Lock()

    def __init__(
        self,
        delay: float = 1.0,
        concurrency: int = 1,
        failure_limit: int = 5,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self.delay = delay
        self.concurrency = concurrency
        self.failure_limit = failure_limit
        self._rng = rng or random.Random()
        self._cond = threading.Condition()
        self._hosts: dict[str, _HostState] = {}

    @classmethod
    def for_policy(cls, policy: FetchPolicy) -> "HostGate":
        return cls(policy.per_host_delay, policy.per_host_concurrency, policy.host_failure_limit)

    @classmethod
    def shared(cls, policy: FetchPolicy) -> "HostGate":
        """The process-wide gate for this policy's politeness numbers."""
        key = (policy.per_host_delay, policy.per_host_concurrency, policy.host_failure_limit)
        with cls._shared_lock:
            gate = cls._shared.get(key)
            if gate is None:
                gate = cls._shared[key] = cls.for_policy(policy)
            return gate

    def _state(self, host: str) -> _HostState:
        return self._hosts.setdefault(host.lower(), _HostState())

    def delay_for(self, host: str) -> float:
        with self._cond:
            st = self._state(host)
            return max(self.delay, st.delay or 0.0)

    def set_delay(self, host: str, seconds: float) -> None:
        """Space requests to `host` by at least `seconds` (robots.txt Crawl-delay)."""
        with self._cond:
            self._state(host).delay = seconds

    def push_back(self, host: str, seconds: float) -> None:
        """No request to `host` before `seconds` from now (the server's Retry-After)."""
        with self._cond:
            st = self._state(host)
            st.next_start = max(st.next_start, time.monotonic() + seconds)

    def defer(self, host: str, seconds: float) -> None:
        """Refuse `host` with retry_later for `seconds`: it asked for a long pause."""
        with self._cond:
            st = self._state(host)
            st.deferred_until = max(st.deferred_until, time.monotonic() + seconds)
            st.deferred_for = seconds

    def check(self, host: str) -> None:
        with self._cond:
            self._raise_if_skipped(host, self._state(host))

    def _raise_if_skipped(self, host: str, st: _HostState) -> None:
        if st.skipped_because is not None:
            raise StageError(
                "host_skipped",
                f"skipped {host}: it failed {self.failure_limit} fetches in a row this run "
                f"(last: {st.skipped_because}); it is tried again on the next run",
            )
        if st.deferred_until > time.monotonic():
            raise StageError(
                "retry_later",
                f"{host} asked to be left alone for {st.deferred_for:,.0f} s (Retry-After); "
                "deferred to the next run",
            )

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold one of the host's request slots, waiting for its turn first."""
        with self._cond:
            st = self._state(host)
            while True:
                self._raise_if_skipped(host, st)
                if st.in_flight < self.concurrency:
                    break
                self._cond.wait()
            st.in_flight += 1
            now = time.monotonic()
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
            self._state(host).failures = 0

    def record_failure(self, host: str, reason: str) -> None:
        with self._cond:
            st = self._state(host)
            st.failures += 1
            if st.failures >= self.failure_limit and st.skipped_because is None:
                st.skipped_because = reason
            self._cond.notify_all()  # waiters must see the skip

    def failures(self, host: str) -> int:
        with self._cond:
            return self._state(host).failures
