"""wirebeam's HTTP client: safe, bounded, polite GETs on urllib3.

Why not plain urllib3 (or feedparser/trafilatura's downloaders): every address
connected to must pass the SSRF check (so DNS is resolved here and the socket
opened to exactly the checked IP, with Host/SNI/certificate still the host
name), redirects are followed by hand so every hop is re-checked, bodies are
capped after decompression, and one request can never outlive its deadline.

Thread-safe: one client may serve a DoFn's whole thread pool. Build it in
DoFn.setup(); pickling it keeps only the policy.
"""

from __future__ import annotations

import email.utils
import random
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping
from urllib.parse import urljoin

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from pipeline.fetch.policy import FetchPolicy
from pipeline.fetch.politeness import HostGate
from pipeline.fetch.robots import RobotsCache, RobotsRules, rules_from_body, rules_from_error
from pipeline.fetch.ssrf import Resolver, Target, check_resolved, check_url, system_resolver
from pipeline.records import StageError

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
RETRYABLE_ERRORS = frozenset({"timeout", "connect_error"})
# Errors that say the host is in trouble (not that one page is gone).
HOST_FAILURE_ERRORS = frozenset({"timeout", "connect_error", "dns_error", "tls_error"})
SUPPORTED_ENCODINGS = frozenset({"gzip", "x-gzip", "deflate", "br", "identity"})
READ_CHUNK = 64 * 1024
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


# --------------------------------------------------------------------------- one attempt

_local = threading.local()


class _Attempt:
    """One request attempt on this thread: its SSRF guard and its deadline watchdog.

    The connection classes below find it through a thread-local: urllib3 builds
    connections itself, so this is how the policy reaches `_new_conn`. Outside
    an attempt, connections refuse to open (fail closed).

    At the deadline a timer shuts the attempt's sockets down, which wakes any
    blocked read (a slow drip beats per-read timeouts; this does not).
    """

    def __init__(self, policy: FetchPolicy, resolver: Resolver) -> None:
        self.policy = policy
        self.resolver = resolver
        self.expires_at = time.monotonic() + policy.deadline
        self.expired = False
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(policy.deadline, self._expire)
        self._timer.daemon = True

    def remaining(self) -> float:
        return max(0.0, self.expires_at - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if self.expired:
                _shutdown(sock)
            else:
                self._socks.append(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._socks:
                _shutdown(sock)

    def __enter__(self) -> "_Attempt":
        _local.attempt = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _local.attempt = None
        with self._lock:
            self._socks.clear()


def _shutdown(sock: socket.socket) -> None:
    try:
        # The plain-socket method even for an SSLSocket: it only touches the fd,
        # so it is safe while another thread is blocked reading it.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


def _current_attempt() -> _Attempt:
    attempt = getattr(_local, "attempt", None)
    if attempt is None:
        raise RuntimeError("wirebeam connections may only be opened by HttpClient.fetch")
    return attempt


def _open_checked_socket(conn: HTTPConnection) -> socket.socket:
    """Resolve, refuse if ANY address is blocked, then connect to a checked address."""
    attempt = _current_attempt()
    host, port = conn._dns_host, conn.port
    try:
        addresses = attempt.resolver(host, port)
    except (socket.gaierror, UnicodeError) as exc:
        raise StageError(
            "dns_error", f"cannot resolve {host}: {exc}; check the host name, or the resolver if every host fails"
        ) from exc
    ips = check_resolved(host, port, addresses, attempt.policy)
    timeout = min(attempt.policy.connect_timeout, attempt.remaining() or 0.001)
    last_error: OSError | None = None
    for ip in ips:
        family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        attempt.watch(sock)
        try:
            for opt in conn.socket_options or ():
                sock.setsockopt(*opt)
            sock.settimeout(timeout)
            sock.connect((str(ip), port))
            return sock
        except OSError as exc:
            sock.close()
            last_error = exc
    if isinstance(last_error, TimeoutError):
        raise ConnectTimeoutError(conn, f"connecting to {host}:{port} timed out after {timeout:g} s")
    raise NewConnectionError(conn, f"cannot connect to {host}:{port}: {last_error}")


class _GuardedConnectionMixin:
    def _new_conn(self) -> socket.socket:  # type: ignore[override]
        return _open_checked_socket(self)  # type: ignore[arg-type]

    def request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # A pooled connection being reused: put it under this attempt's deadline.
        if self.sock is not None:  # type: ignore[attr-defined]
            _current_attempt().watch(self.sock)  # type: ignore[attr-defined]
        return super().request(*args, **kwargs)  # type: ignore[misc]


class GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


# --------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class _Reply:
    status: int
    headers: dict[str, str]
    body: bytes | None  # None for redirects and errors: never read


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def backoff_delay(attempt: int, base: float, rng: random.Random) -> float:
    """Exponential backoff (base, 2*base, 4*base...) jittered 0.5-1.5x."""
    return base * (2 ** (attempt - 1)) * rng.uniform(0.5, 1.5)


def _content_codings(headers: Mapping[str, str]) -> list[str]:
    value = headers.get("content-encoding", "")
    return [c.strip().lower() for c in value.split(",") if c.strip()]


def _read_capped(resp: urllib3.BaseHTTPResponse, cap: int, url: str) -> bytes:
    """The decompressed body, refusing it as soon as it passes `cap` bytes.

    urllib3 (>= 2.6) inflates at most READ_CHUNK bytes per read, through every
    stacked coding, so a bomb is refused after cap + 64 KiB of output, never
    inflated whole.
    """
    parts: list[bytes] = []
    total = 0
    for chunk in resp.stream(READ_CHUNK, decode_content=True):
        total += len(chunk)
        if total > cap:
            raise StageError(
                "too_large",
                f"{url} is larger than {cap:,} bytes once decompressed; refused "
                "(raise FetchPolicy.max_bytes if such pages are wanted)",
            )
        parts.append(chunk)
    return b"".join(parts)


def _deadline_error(attempt: _Attempt, url: str) -> StageError:
    return StageError(
        "timeout", f"{url} took longer than the {attempt.policy.deadline:g} s deadline for one request; gave up"
    )


def _raise_if_expired(attempt: _Attempt, url: str) -> None:
    if attempt.expired:
        raise _deadline_error(attempt, url)


def _classify(exc: BaseException, attempt: _Attempt, url: str) -> StageError:
    """Turn a network exception into a StageError with a stable code."""
    if isinstance(exc, StageError):
        return exc
    if attempt.expired:
        return _deadline_error(attempt, url)
    if isinstance(exc, DecodeError):
        return StageError("decode_error", f"{url}: body does not match its content-encoding ({exc})")
    if isinstance(exc, NewConnectionError):  # checked first: urllib3 makes it a ConnectTimeoutError subclass
        return StageError("connect_error", f"{url}: cannot connect ({exc}); is the site down?")
    if isinstance(exc, ConnectTimeoutError):
        return StageError("timeout", f"{url}: connect timed out ({exc})")
    if isinstance(exc, (ReadTimeoutError, TimeoutError)):
        return StageError(
            "timeout", f"{url}: no data for {attempt.policy.read_timeout:g} s (read timeout); the server stalled"
        )
    if isinstance(exc, (SSLError, ssl.SSLError, ssl.CertificateError)):
        return StageError(
            "tls_error",
            f"{url}: TLS failed ({exc}); certificates are always verified, so a self-signed or "
            "expired certificate cannot be fetched",
        )
    if isinstance(exc, ProtocolError) and exc.args and isinstance(exc.args[-1], (TimeoutError, socket.timeout)):
        return StageError("timeout", f"{url}: read timed out ({exc})")
    if isinstance(exc, (ProtocolError, NewConnectionError, OSError)):
        return StageError("connect_error", f"{url}: connection failed or broke off ({exc})")
    return StageError("connect_error", f"{url}: {type(exc).__name__}: {exc}")


def _with_attempts(err: StageError, attempts: int, prefix: str = "") -> StageError:
    return StageError(err.error_type, prefix + err.message, http_status=err.http_status, attempts=attempts)


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
                    raise _with_attempts(err, attempts, f"redirect from {target.url}: ") from None
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
                if self._retryable(err) and attempt_no <= policy.retries:
                    self._gate.push_back(host, backoff_delay(attempt_no, policy.backoff_base, self._rng))
                    continue
                if err.error_type in HOST_FAILURE_ERRORS:
                    self._gate.record_failure(host, err.error_type)
                raise _with_attempts(err, attempt_no) from None

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
                self._http_error_message(target.url, reply.status, attempt_no),
                http_status=reply.status,
                attempts=attempt_no,
            )

    @staticmethod
    def _retryable(err: StageError) -> bool:
        if err.error_type in RETRYABLE_ERRORS:
            return True
        cause = err.__cause__
        # Only a temporary resolver failure is worth another try, not NXDOMAIN.
        return err.error_type == "dns_error" and isinstance(cause, socket.gaierror) and cause.errno == socket.EAI_AGAIN

    @staticmethod
    def _http_error_message(url: str, status: int, attempts: int) -> str:
        if status >= 500:
            return f"{url} answered HTTP {status} (server error) after {attempts} attempt(s); try again later"
        if status in (401, 403):
            return f"{url} answered HTTP {status}: access refused; the page needs a login or blocks crawlers"
        if status == 429:
            return f"{url} answered HTTP 429 (too many requests) after {attempts} attempt(s); raise --per-host-delay"
        if status in (404, 410):
            return f"{url} answered HTTP {status}: the page is gone; drop or fix the link"
        return f"{url} answered HTTP {status}"

    # ---------------------------------------------------------------- one attempt

    def _attempt(self, target: Target, headers: dict[str, str], cap: int) -> _Reply:
        policy = self.policy
        with _Attempt(policy, self._resolver) as attempt:
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
                    _discard(resp)
                    resp = None
                    _raise_if_expired(attempt, target.url)
                    return _Reply(status, reply_headers, None)
                self._check_declared(target, reply_headers, cap)
                # urllib3 would read "identity" inside a chain as deflate: drop it.
                codings = [c for c in _content_codings(reply_headers) if c != "identity"]
                if codings:
                    resp.headers["content-encoding"] = ", ".join(codings)
                elif "content-encoding" in resp.headers:
                    del resp.headers["content-encoding"]
                body = _read_capped(resp, cap, target.url)
                # A deadline shutdown can look like a clean end of body: trust nothing then.
                _raise_if_expired(attempt, target.url)
                resp.release_conn()
                return _Reply(status, reply_headers, body)
            except StageError:
                _discard(resp)
                raise
            except Exception as exc:
                _discard(resp)
                raise _classify(exc, attempt, target.url) from exc

    @staticmethod
    def _check_declared(target: Target, headers: Mapping[str, str], cap: int) -> None:
        unknown = [c for c in _content_codings(headers) if c not in SUPPORTED_ENCODINGS]
        if unknown:
            raise StageError(
                "decode_error",
                f"{target.url} is sent with content-encoding {', '.join(unknown)}, which wirebeam "
                "does not decode (it asks for gzip, deflate or br)",
            )
        length = headers.get("content-length", "").strip()
        if length.isdigit() and int(length) > cap:
            raise StageError(
                "too_large", f"{target.url} declares {int(length):,} bytes, over the {cap:,} byte cap; not read"
            )


def _discard(resp: urllib3.BaseHTTPResponse | None) -> None:
    """Close a response without reading its body; the connection is not reused."""
    if resp is None:
        return
    try:
        resp.close()
    finally:
        resp.release_conn()
