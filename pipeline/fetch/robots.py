"""robots.txt per RFC 9309, parsed by protego, cached per origin for the process.

Verdicts (RFC 9309 section 2.3.1, stricter than Scrapy where the notes say so):
- 2xx: obey the rules; Crawl-delay is honoured up to `robots_crawl_delay_cap`.
- 4xx (except 429): no usable robots.txt -> everything allowed.
- 5xx, 429, timeout, unreachable, over 500 KiB, broken redirects: the site may
  not want us and we cannot tell -> nothing fetched from it for this run.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

from protego import Protego

from pipeline.records import StageError

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
                "it is tried again on the next run",
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


class RobotsCache:
    """Thread-safe cache of RobotsRules per origin; one load per origin at a time."""

    _shared: "RobotsCache | None" = None
    _shared_lock = threading.Lock()

    def __init__(self, ttl: float = 24 * 3600.0) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, RobotsRules]] = {}
        self._loading: dict[str, threading.Lock] = {}

    @classmethod
    def shared(cls, ttl: float = 24 * 3600.0) -> "RobotsCache":
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls(ttl)
            return cls._shared

    def _fresh(self, origin: str) -> RobotsRules | None:
        entry = self._entries.get(origin)
        if entry is not None and entry[0] > time.monotonic():
            return entry[1]
        return None

    def get(self, origin: str, load: Callable[[], RobotsRules]) -> RobotsRules:
        """The cached rules for `origin`, calling `load` (once, across threads) when stale."""
        with self._lock:
            rules = self._fresh(origin)
            if rules is not None:
                return rules
            origin_lock = self._loading.setdefault(origin, threading.Lock())
        with origin_lock:
            with self._lock:
                rules = self._fresh(origin)
                if rules is not None:
                    return rules
            rules = load()  # may raise a pass-through error: nothing cached then
            with self._lock:
                self._entries[origin] = (time.monotonic() + self.ttl, rules)
                self._loading.pop(origin, None)
            return rules
