"""The numbers the HTTP layer obeys, in one frozen, picklable value.

Defaults follow /work/shared/notes/fetching.md (Nutch, StormCrawler, Scrapy,
CC-NEWS, RFC 9309). Tests and the bundled demo loosen `allow_networks` to reach
loopback servers on purpose; the default never does.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

KiB = 1024
MiB = 1024 * KiB

DEFAULT_USER_AGENT = "wirebeam/0.1 (+https://github.com/wirebeam/wirebeam)"
FETCH_KINDS = ("page", "feed", "robots")


def _default_max_bytes() -> dict[str, int]:
    return {"page": 5 * MiB, "feed": 10 * MiB, "robots": 500 * KiB}


@dataclass(frozen=True)
class FetchPolicy:
    """How wirebeam fetches: timeouts, caps, retries, politeness, SSRF allow-list.

    Times are seconds. `deadline` is the wall-clock limit of one request
    attempt (connect + headers + body), on top of the per-socket-operation
    `connect_timeout`/`read_timeout`, so a server dripping one byte a second
    cannot hold a worker for hours.
    """

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    deadline: float = 60.0
    # Caps count bytes *after* decompression. Excluded from hashing (dicts are
    # unhashable); equality still compares it.
    max_bytes: dict[str, int] = field(default_factory=_default_max_bytes, hash=False)
    max_redirects: int = 5
    retries: int = 2  # extra attempts after the first: 3 in all
    backoff_base: float = 1.0  # 1 s, 2 s, ... each jittered 0.5-1.5x
    retry_after_cap: float = 120.0  # longer Retry-After -> retry_later (next run)
    # CIDRs reachable although not globally routable (tests, the demo, an
    # intranet crawl on purpose). An address in one of them may use any port.
    allow_networks: tuple[str, ...] = ()
    allowed_ports: tuple[int, ...] = (80, 443)
    obey_robots: bool = True
    per_host_delay: float = 1.0  # min seconds between requests to one host, jittered 0.5-1.5x
    per_host_concurrency: int = 1
    host_failure_limit: int = 5  # consecutive failed fetches before the host is skipped
    # A skipped host is probed again after this cool-off, doubled per skip in a row up to the cap:
    # a worker that lives for weeks (streaming) must not give up on a site for good.
    host_skip_cool_off: float = 60.0
    host_skip_cool_off_cap: float = 900.0
    max_url_length: int = 1024
    robots_crawl_delay_cap: float = 30.0
    # How long a robots.txt answer is used (RFC 9309 2.4: at most 24 h, which the cache enforces);
    # a robots.txt that could not be read (5xx, timeout) is asked for again sooner.
    robots_cache_ttl: float = 3600.0
    robots_error_ttl: float = 600.0

    def __post_init__(self) -> None:
        # Fail at construction (on the launcher), not on a worker mid-run.
        for cidr in self.allow_networks:
            ipaddress.ip_network(cidr, strict=False)
        missing = [k for k in FETCH_KINDS if k not in self.max_bytes]
        if missing:
            raise ValueError(f"max_bytes lacks a cap for: {', '.join(missing)}")
        if self.per_host_concurrency < 1:
            raise ValueError("per_host_concurrency must be at least 1")
        if self.retries < 0 or self.max_redirects < 0:
            raise ValueError("retries and max_redirects cannot be negative")
        if min(self.host_skip_cool_off, self.host_skip_cool_off_cap, self.robots_cache_ttl,
               self.robots_error_ttl) < 0:
            raise ValueError("cool-offs and cache lifetimes cannot be negative")

    def cap_for(self, kind: str) -> int:
        if kind not in FETCH_KINDS:
            raise ValueError(f"unknown fetch kind {kind!r}; expected one of {FETCH_KINDS}")
        return self.max_bytes[kind]

    @property
    def robots_token(self) -> str:
        """The product token robots.txt groups are matched against ("wirebeam")."""
        return self.user_agent.split("/", 1)[0].split()[0].strip() or "*"
