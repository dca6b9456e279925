"""The transport under wirebeam's HTTP client: connections that open only to checked addresses.

Every address connected to must pass the SSRF check, so DNS is resolved here and the
socket opened to exactly the checked IP, with Host/SNI/certificate still the host name
(DNS rebinding cannot slip past). One request attempt runs inside a `RequestAttempt`,
which carries the policy to the connections urllib3 builds and enforces the attempt's
deadline.
"""

from __future__ import annotations

import socket
import threading
import time

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from pipeline.fetch.policy import FetchPolicy
from pipeline.fetch.ssrf import Resolver, check_resolved
from pipeline.records import StageError

_local = threading.local()


class RequestAttempt:
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

    def __enter__(self) -> "RequestAttempt":
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


def _current_attempt() -> RequestAttempt:
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
