"""robots.txt per RFC 9309, parsed by protego, cached per origin in the process.

Verdicts (RFC 9309 section 2.3.1, stricter than Scrapy where the notes say so):
- 2xx: obey the rules; Crawl-delay is honoured up to `robots_crawl_delay_cap`.
- 4xx (except 429): no usable robots.txt -> everything allowed.
- 5xx, 429, timeout, unreachable, over 500 KiB, broken redirects: the site may
  not want us and we cannot tell -> nothing fetched from it until it is asked again.

A verdict is used for the policy's `robots_cache_ttl` (never over the 24 h of
RFC 9309 section 2.4), an unreadable robots.txt only for `robots_error_ttl`:
a worker process may live for weeks, and sites change their rules.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

from protego import Protego

from pipeline.records import StageError

RFC_MAX_TTL = 24 * 3600.0  # RFC 9309 2.4: a cached robots.txt should not be used longer

# Errors about the origin itself, not about its robots.txt: the page would fail
# the same way, so they are passed on unchanged (and not cached).
PASS_THROUGH_ERRORS = frozenset({"dns_error", "blocked_address", "blocked_port", "host_skipped", "retry_later"})


@dataclass(frozen=True)
class RobotsRules:
    """What one origin's robots.txt says, or why it could not be read."""

    origin: str
    parser: Protego | None = None  # None with unavailable=None: allow everything
    unavailable: str | None = None  # set: refuse every URL of the origin this run
    crawl_delay: float | None = None

    def check(self, url: str, token: str) -> None:
        """Raise robots_unavailable / robots_disallowed unless `url` may be fetched."""
        if self.unavailable is not None:
            raise StageError(
                "robots_unavailable",
                f"not fetching {url}: {self.origin}/robots.txt could not be read "
                f"({self.unavailable}); RFC 9309 says to assume the site is off limits, "
                "it is asked again later or on the next run",
            )
        if self.parser is not None and not self.parser.can_fetch(url, token):
            raise StageError(
                "robots_disallowed",
                f"{self.origin}/robots.txt disallows {url} for {token}; the site asks not to be crawled there",
            )


def rules_from_body(origin: str, body: bytes, token: str) -> RobotsRules:
    parser = Protego.parse(body.decode("utf-8", errors="replace"))
    delay = parser.crawl_delay(token)
    return RobotsRules(origin=origin, parser=parser, crawl_delay=float(delay) if delay else None)


def rules_from_error(origin: str, err: StageError) -> RobotsRules:
    """The verdict for a robots.txt fetch that failed with `err` (may re-raise it)."""
    if err.error_type in PASS_THROUGH_ERRORS:
        raise err
    status = err.http_status
    if err.error_type == "http_error" and status is not None and 400 <= status < 500 and status != 429:
        return RobotsRules(origin=origin)  # no robots.txt: allowed
    if err.error_type == "too_large":
        return RobotsRules(origin=origin, unavailable="it is larger than the 500 KiB RFC 9309 asks crawlers to read")
    return RobotsRules(origin=origin, unavailable=f"{err.error_type}: {err.message}")


def verdict_lifetime(rules: RobotsRules, ttl: float, error_ttl: float) -> float:
    """Seconds a cached verdict may be used: `ttl` capped at RFC 9309's 24 h; an
    unreadable robots.txt no longer than `error_ttl` (the site may be back)."""
    lifetime = min(ttl, RFC_MAX_TTL)
    return min(lifetime, error_ttl) if rules.unavailable is not None else lifetime


def is_fresh(loaded_at: float, now: float, lifetime: float) -> bool:
    return now - loaded_at < lifetime


class RobotsCache:
    """Thread-safe cache of RobotsRules per origin; one load per origin at a time.

    Entries remember when they were loaded; freshness is judged on every
    lookup, with the lookup's lifetimes (the caller's policy) or the cache's.
    `clock` (monotonic seconds) is injectable for tests.
    """

    _shared: "RobotsCache | None" = None
    _shared_lock = threading.Lock()

    def __init__(
        self,
        ttl: float = 3600.0,
        error_ttl: float = 600.0,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.error_ttl = error_ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, RobotsRules]] = {}  # origin -> (loaded at, rules)
        self._loading: dict[str, threading.Lock] = {}
        self._prune_at = 1024  # entry count that triggers the next sweep of expired entries

    @classmethod
    def shared(cls) -> "RobotsCache":
        """The process-wide cache; callers pass their policy's lifetimes to `get`."""
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _fresh(self, origin: str, ttl: float, error_ttl: float) -> RobotsRules | None:
        entry = self._entries.get(origin)
        if entry is None:
            return None
        loaded_at, rules = entry
        return rules if is_fresh(loaded_at, self._clock(), verdict_lifetime(rules, ttl, error_ttl)) else None

    def _store(self, origin: str, rules: RobotsRules) -> None:
        now = self._clock()
        if len(self._entries) >= self._prune_at:
            # Past 24 h no caller may use an entry: drop those, so a long-lived worker does not
            # keep every origin it ever saw. Amortised: the next sweep waits for the table to double.
            self._entries = {o: e for o, e in self._entries.items() if is_fresh(e[0], now, RFC_MAX_TTL)}
            self._prune_at = max(1024, 2 * len(self._entries))
        self._entries[origin] = (now, rules)

    def get(
        self,
        origin: str,
        load: Callable[[], RobotsRules],
        *,
        ttl: float | None = None,
        error_ttl: float | None = None,
    ) -> RobotsRules:
        """The rules for `origin`, calling `load` (once, across threads) when missing or stale.

        `ttl` / `error_ttl` default to the cache's own.
        """
        ttl = self.ttl if ttl is None else ttl
        error_ttl = self.error_ttl if error_ttl is None else error_ttl
        with self._lock:
            rules = self._fresh(origin, ttl, error_ttl)
            if rules is not None:
                return rules
            origin_lock = self._loading.setdefault(origin, threading.Lock())
        with origin_lock:
            with self._lock:
                rules = self._fresh(origin, ttl, error_ttl)
                if rules is not None:
                    return rules
            try:
                rules = load()  # may raise a pass-through error: nothing cached then
                with self._lock:
                    self._store(origin, rules)
                return rules
            finally:
                with self._lock:
                    self._loading.pop(origin, None)
