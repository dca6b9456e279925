"""wirebeam's HTTP client: safe, bounded, polite GETs on urllib3.

Why not plain urllib3 (or feedparser/trafilatura's downloaders): every address
connected to must pass the SSRF check (so DNS is resolved here and the socket
opened to exactly the checked IP, with Host/SNI/certificate still the host
name), redirects are followed by hand so every hop is re-checked, bodies are
capped after decompression, and one request can never outlive its deadline.

This module is the public API (`HttpClient.fetch`, `HttpResponse`): redirects,
robots.txt, the retry loop and one attempt. Beside it: `transport` (connections
opened only to checked addresses, the attempt's deadline), `body` (codings and size
caps), `retries` (what is retried, backoff, Retry-After) and `failures` (errors as
StageErrors with stable codes).

Thread-safe: one client may serve a DoFn's whole thread pool. Build it in
DoFn.setup(); pickling it keeps only the policy.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping
from urllib.parse import urljoin

import urllib3

from pipeline.fetch.body import check_declared, discard, drop_identity_coding, read_capped
from pipeline.fetch.failures import classify, http_error_message, raise_if_expired, with_attempts
from pipeline.fetch.policy import FetchPolicy
from pipeline.fetch.politeness import HostGate
from pipeline.fetch.retries import (
    HOST_FAILURE_ERRORS,
    RETRY_STATUSES,
    backoff_delay,
    parse_retry_after,
    retryable,
)
from pipeline.fetch.robots import RobotsCache, RobotsRules, rules_from_body, rules_from_error
from pipeline.fetch.ssrf import Resolver, Target, check_url, system_resolver
from pipeline.fetch.transport import GuardedHTTPConnectionPool, GuardedHTTPSConnectionPool, RequestAttempt
from pipeline.records import StageError

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ACCEPT = {
    "page": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
    "feed": "application/rss+xml,application/atom+xml,application/feed+json,"
    "application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5",
    "robots": "text/plain,*/*;q=0.5",
}
# Caller headers never forwarded: we own these.
_RESERVED_HEADERS = frozenset({"host", "accept-encoding", "connection", "content-length", "transfer-encoding"})



@dataclass(frozen=True)
class HttpResponse:
    """A successful (2xx or 304) response with its whole, decompressed body."""

    url: str  # final URL, after redirects
    status: int
    headers: dict[str, str]  # lower-cased names; repeated headers joined with ", "
    body: bytes  # decompressed; the content-encoding header still says how it was sent
    attempts: int  # requests made for the final URL (1 + retries used)
    fetched_at: datetime  # UTC
    not_modified: bool = False  # 304 to a conditional GET: body is empty

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")




@dataclass(frozen=True)
class _Reply:
    status: int
    headers: dict[str, str]
    body: bytes | None  # None for redirects and errors: never read


# --------------------------------------------------------------------------- the client


class HttpClient:
    """Fetch http(s) URLs under a FetchPolicy; see the module docstring.

    `gate` and `robots` default to process-wide shared instances so that every
    client in a worker is polite as one; `resolver` (host, port) -> addresses
    defaults to getaddrinfo. Tests pass their own.
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        gate: HostGate | None = None,
        robots: RobotsCache | None = None,
        resolver: Resolver = system_resolver,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._resolver = resolver
        self._gate = gate or HostGate.shared(self.policy)
        self._robots = robots or RobotsCache.shared()
        self._rng = rng or random.Random()
        self._pool = urllib3.PoolManager(
            num_pools=256,
            maxsize=self.policy.per_host_concurrency,
            block=False,
            cert_reqs="CERT_REQUIRED",
            retries=False,
        )
        self._pool.pool_classes_by_scheme = {  # type: ignore[assignment]
            "http": GuardedHTTPConnectionPool,
            "https": GuardedHTTPSConnectionPool,
        }

    # Pickling keeps the policy and resolver; pools, gate and cache are per process.
    def __getstate__(self) -> dict:
        return {"policy": self.policy, "resolver": self._resolver}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["policy"], resolver=state["resolver"])  # type: ignore[misc]

    def close(self) -> None:
        self._pool.clear()

    def __enter__(self) -> "HttpClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def gate(self) -> HostGate:
        return self._gate

    # ---------------------------------------------------------------- public

    def fetch(self, url: str, kind: str = "page", headers: Mapping[str, str] | None = None) -> HttpResponse:
        """GET `url`, following up to max_redirects redirects, each hop re-checked.

        `kind` (page | feed | robots) picks the size cap and Accept header; for
        page and feed, robots.txt is obeyed first when the policy says so.
        Returns a 2xx or 304 response; raises StageError otherwise.
        """
        cap = self.policy.cap_for(kind)
        target = check_url(url, self.policy)
        first_origin = target.origin
        visited = {target.url}
        redirects = 0
        while True:
            if kind != "robots" and self.policy.obey_robots:
                self._check_robots(target)
            same_origin = target.origin == first_origin
            request_headers = self._headers(kind, headers if same_origin else None)
            reply, attempts = self._request(target, request_headers, cap)
            if reply.status in REDIRECT_STATUSES:
                location = reply.headers.get("location")
                if not location:
                    raise StageError(
                        "http_error",
                        f"{target.url} answered {reply.status} without a Location header",
                        http_status=reply.status,
                        attempts=attempts,
                    )
                redirects += 1
                # Some servers send raw spaces in Location; browsers encode them.
                next_url = urljoin(target.url, location.strip().replace(" ", "%20"))
                if redirects > self.policy.max_redirects:
                    raise StageError(
                        "too_many_redirects",
                        f"{url} redirected more than {self.policy.max_redirects} times "
                        f"(last to {next_url[:200]}); giving up",
                        http_status=reply.status,
                        attempts=attempts,
                    )
                try:
                    target = check_url(next_url, self.policy)
                except StageError as err:
                    raise with_attempts(err, attempts, f"redirect from {target.url}: ") from None
                if target.url in visited:
                    raise StageError(
                        "redirect_loop",
                        f"{url} redirects in a loop (back to {target.url}); the site is misconfigured",
                        http_status=reply.status,
                        attempts=attempts,
                    )
                visited.add(target.url)
                continue
            return HttpResponse(
                url=target.url,
                status=reply.status,
                headers=reply.headers,
                body=reply.body or b"",
                attempts=attempts,
                fetched_at=datetime.now(timezone.utc),
                not_modified=reply.status == 304,
            )

    # ---------------------------------------------------------------- robots

    def _check_robots(self, target: Target) -> None:
        policy = self.policy
        rules = self._robots.get(target.origin, lambda: self._load_robots(target.origin),
                                 ttl=policy.robots_cache_ttl, error_ttl=policy.robots_error_ttl)
        rules.check(target.url, policy.robots_token)
        # Set on every check, so a Crawl-delay dropped from a re-read robots.txt stops applying.
        delay = rules.crawl_delay if rules.crawl_delay and rules.crawl_delay > policy.per_host_delay else None
        self._gate.set_delay(target.host_key, None if delay is None else min(delay, policy.robots_crawl_delay_cap))

    def _load_robots(self, origin: str) -> RobotsRules:
        try:
            resp = self.fetch(origin + "/robots.txt", kind="robots")
        except StageError as err:
            return rules_from_error(origin, err)
        return rules_from_body(origin, resp.body, self.policy.robots_token)

    # ---------------------------------------------------------------- one URL, with retries

    def _headers(self, kind: str, extra: Mapping[str, str] | None) -> dict[str, str]:
        headers = {
            "User-Agent": self.policy.user_agent,
            "Accept": ACCEPT[kind],
            "Accept-Encoding": "gzip, deflate, br",
        }
        for name, value in (extra or {}).items():
            if name.lower() not in _RESERVED_HEADERS:
                headers[name] = value
        return headers

    def _request(self, target: Target, headers: dict[str, str], cap: int) -> tuple[_Reply, int]:
        """One URL with retries; returns the reply (2xx, 304 or redirect) and attempts used."""
        policy, host = self.policy, target.host_key
        attempt_no = 0
        while True:
            attempt_no += 1
            try:
                self._gate.check(host)
                with self._gate.slot(host):
                    reply = self._attempt(target, headers, cap)
            except StageError as err:
                if err.error_type in ("host_skipped", "retry_later"):
                    raise
                if retryable(err) and attempt_no <= policy.retries:
                    self._gate.push_back(host, backoff_delay(attempt_no, policy.backoff_base, self._rng))
                    continue
                if err.error_type in HOST_FAILURE_ERRORS:
                    self._gate.record_failure(host, err.error_type)
                raise with_attempts(err, attempt_no) from None

            if reply.status in RETRY_STATUSES:
                wait = parse_retry_after(reply.headers.get("retry-after"))
                if wait is not None and wait > policy.retry_after_cap:
                    self._gate.defer(host, wait)
                    raise StageError(
                        "retry_later",
                        f"{target.url} answered {reply.status} asking to retry in {wait:,.0f} s "
                        f"(over the {policy.retry_after_cap:g} s we wait); deferred to the next run",
                        http_status=reply.status,
                        attempts=attempt_no,
                    )
                if attempt_no <= policy.retries:
                    if wait is None:
                        wait = backoff_delay(attempt_no, policy.backoff_base, self._rng)
                    self._gate.push_back(host, wait)
                    continue
            if reply.status >= 500:
                self._gate.record_failure(host, f"HTTP {reply.status}")
            else:
                self._gate.record_success(host)
            if reply.status in REDIRECT_STATUSES or 200 <= reply.status < 300 or reply.status == 304:
                return reply, attempt_no
            raise StageError(
                "http_error",
                http_error_message(target.url, reply.status, attempt_no),
                http_status=reply.status,
                attempts=attempt_no,
            )

    # ---------------------------------------------------------------- one attempt

    def _attempt(self, target: Target, headers: dict[str, str], cap: int) -> _Reply:
        policy = self.policy
        with RequestAttempt(policy, self._resolver) as attempt:
            resp = None
            try:
                timeout = urllib3.Timeout(
                    connect=policy.connect_timeout, read=min(policy.read_timeout, policy.deadline)
                )
                resp = self._pool.urlopen(
                    "GET",
                    target.url,
                    headers=headers,
                    redirect=False,
                    retries=False,
                    preload_content=False,
                    decode_content=True,
                    timeout=timeout,
                )
                reply_headers = {k.lower(): v for k, v in resp.headers.itermerged()}
                status = resp.status
                if not 200 <= status < 300:
                    # Redirect and error bodies are never read (a bomb may hide there).
                    discard(resp)
                    resp = None
                    raise_if_expired(attempt, target.url)
                    return _Reply(status, reply_headers, None)
                check_declared(target.url, reply_headers, cap)
                drop_identity_coding(resp, reply_headers)
                body = read_capped(resp, cap, target.url)
                # A deadline shutdown can look like a clean end of body: trust nothing then.
                raise_if_expired(attempt, target.url)
                resp.release_conn()
                return _Reply(status, reply_headers, body)
            except StageError:
                discard(resp)
                raise
            except Exception as exc:
                discard(resp)
                raise classify(exc, attempt, target.url) from exc
