"""A loopback HTTP server that misbehaves on purpose, for testing HTTP clients.

Raw sockets rather than http.server, so routes can lie about lengths, drip
bytes, hang, or stream forever. Every accepted connection and every request is
recorded, so a test can assert that a refused fetch never reached the server.

    with HostileServer() as srv:
        srv.url("/status/404")

Routes (also listed in ROUTES_HELP):
  /ok, /html                   200 small HTML page
  /status/<code>               that status, small body
  /flaky/<key>/<n>[/<st>[/<ra>]]  status st (500) with optional Retry-After ra
                               for the first n requests of <key>, then 200
  /slow/<seconds>              200 after a pause; handling spans recorded
  /conditional                 200 with ETag "v1"; 304 to If-None-Match: "v1"
  /retry-after/<value>         503 with Retry-After: <value>
  /redirect/<n>                n redirects in a row, ending at /ok
  /loop/a, /loop/b             302 to each other
  /redirect-to?url=<u>         302 to <u> (percent-decoded)
  /bomb/<coding>[/<mib>]       a decompression bomb: gzip, deflate, br, or
                               gzip+br (stacked); default 1024 MiB of zeros
  /stacked                     small HTML sent as Content-Encoding: gzip, br
  /bad-gzip                    Content-Encoding: gzip, body is not gzip
  /coding/<name>               Content-Encoding: <name> on plain text
  /lie-short                   Content-Length: 5 but 25 bytes sent (keep-alive)
  /lie-long                    Content-Length: 1000, 10 bytes, then close
  /endless-chunked             chunked body that never ends
  /drip[/<interval>]           headers, then one byte per interval forever
  /drip-head[/<interval>]      the status line itself, one byte per interval
  /silent                      reads the request, never answers
  /big/<bytes>                 plain body of that many bytes
  /robots.txt                  from `robots` (default 404); see RobotsReply
"""

from __future__ import annotations

import gzip
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable
from urllib.parse import unquote

import brotli

MiB = 1024 * 1024
HTML = b"<html><head><title>ok</title></head><body><p>hello from the hostile server</p></body></html>"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    at: float  # time.monotonic() when the request head was read


@dataclass
class RobotsReply:
    """What /robots.txt answers. `delay_s` stalls before answering (timeouts)."""

    status: int = 404
    body: bytes = b""
    delay_s: float = 0.0


# ----------------------------------------------------------------------------- bombs


@lru_cache(maxsize=None)
def gzip_bomb(mib: int) -> bytes:
    """`mib` MiB of zeros as concatenated gzip members (~1 KiB each, legal HTTP gzip)."""
    member = gzip.compress(bytes(MiB), compresslevel=9)
    return member * mib


@lru_cache(maxsize=None)
def deflate_bomb(mib: int) -> bytes:
    """`mib` MiB of zeros as one zlib stream (what HTTP calls deflate)."""
    comp = zlib.compressobj(9)
    zeros = bytes(MiB)
    return b"".join(comp.compress(zeros) for _ in range(mib)) + comp.flush()


@lru_cache(maxsize=None)
def brotli_bomb(mib: int) -> bytes:
    comp = brotli.Compressor(quality=5)
    zeros = bytes(MiB)
    return b"".join(comp.process(zeros) for _ in range(mib)) + comp.finish()


@lru_cache(maxsize=None)
def stacked_bomb(mib: int) -> bytes:
    """br(gzip(zeros)): sent as Content-Encoding: gzip, br."""
    return brotli.compress(gzip_bomb(mib), quality=5)


BOMBS: dict[str, tuple[str, Callable[[int], bytes]]] = {
    "gzip": ("gzip", gzip_bomb),
    "deflate": ("deflate", deflate_bomb),
    "br": ("br", brotli_bomb),
    "gzip+br": ("gzip, br", stacked_bomb),
}


# ----------------------------------------------------------------------------- server


class HostileServer:
    """Threaded raw-socket HTTP/1.1 server on 127.0.0.1 (optionally TLS)."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.5)
        self.port: int = self._listener.getsockname()[1]
        self.scheme = "https" if tls else "http"
        self._tls = tls
        self.robots = RobotsReply()
        self.requests: list[Request] = []
        self.connections = 0  # TCP connections accepted
        self.extra_routes: dict[str, Callable[[socket.socket, Request], bool]] = {}
        self._lock = threading.Lock()
        self._counters: dict[str, int] = {}
        self.spans: list[tuple[float, float]] = []  # (start, end) of each /slow request
        self._stop = threading.Event()
        self._live: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []

    # --------------------------------------------------------------- lifecycle

    def __enter__(self) -> "HostileServer":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        t = threading.Thread(target=self._accept_loop, name=f"hostile-{self.port}", daemon=True)
        t.start()
        self._threads.append(t)

    def stop(self) -> None:
        self._stop.set()
        try:  # wake accept() now rather than at its next timeout
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        except OSError:
            pass
        with self._lock:
            live = list(self._live)
        for s in live:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for t in list(self._threads):
            t.join(timeout=2)
        self._listener.close()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def hits(self, path: str) -> int:
        return sum(1 for p in self.paths() if p == path)

    # --------------------------------------------------------------- plumbing

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (socket.timeout, OSError):
                continue
            if self._stop.is_set():  # the wake-up call from stop()
                conn.close()
                break
            with self._lock:
                self.connections += 1
                self._live.add(conn)
            t = threading.Thread(target=self._serve_conn, args=(conn,), daemon=True)
            t.start()
            self._threads.append(t)

    def _serve_conn(self, conn: socket.socket) -> None:
        sock = conn
        try:
            if self._tls is not None:
                sock = self._tls.wrap_socket(conn, server_side=True)
            sock.settimeout(5)
            buf = b""
            while not self._stop.is_set():
                while b"\r\n\r\n" not in buf:
                    data = sock.recv(65536)
                    if not data:
                        return
                    buf += data
                head, buf = buf.split(b"\r\n\r\n", 1)
                req = _parse_head(head)
                with self._lock:
                    self.requests.append(req)
                if not self._dispatch(sock, req):
                    return
        except (OSError, ssl.SSLError):
            return
        finally:
            with self._lock:
                self._live.discard(conn)
            try:
                sock.close()
            except OSError:
                pass

    def _count(self, key: str) -> int:
        with self._lock:
            self._counters[key] = self._counters.get(key, 0) + 1
            return self._counters[key]

    def _wait(self, seconds: float) -> bool:
        """Sleep unless the server stops; True if it is still running."""
        return not self._stop.wait(seconds)

    # --------------------------------------------------------------- routes

    def _dispatch(self, s: socket.socket, req: Request) -> bool:
        """Answer one request; return True to keep the connection for another."""
        path = req.path.split("?", 1)[0]
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if path in self.extra_routes:
            return self.extra_routes[path](s, req)
        head, *rest = parts + [""]
        if path in ("/ok", "/html"):
            return send(s, 200, HTML, {"Content-Type": "text/html; charset=utf-8"})
        if head == "status":
            code = int(rest[0])
            return send(s, code, f"status {code}".encode(), {"Content-Type": "text/plain"})
        if head == "flaky":
            key, failures = rest[0], int(rest[1])
            status = int(rest[2]) if len(rest) > 2 and rest[2] else 500
            extra = {"Retry-After": rest[3]} if len(rest) > 3 else {}
            if self._count("flaky/" + key) <= failures:
                return send(s, status, b"try again", extra)
            return send(s, 200, HTML, {"Content-Type": "text/html"})
        if head == "slow":
            start = time.monotonic()
            self._wait(float(rest[0]))
            with self._lock:
                self.spans.append((start, time.monotonic()))
            return send(s, 200, HTML, {"Content-Type": "text/html"})
        if path == "/conditional":
            if req.headers.get("if-none-match") == '"v1"':
                s.sendall(b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n')
                return True
            return send(s, 200, HTML, {"ETag": '"v1"', "Content-Type": "text/html"})
        if head == "retry-after":
            return send(s, 503, b"busy", {"Retry-After": rest[0]})
        if head == "redirect":
            n = int(rest[0])
            return send(s, 302, b"", {"Location": "/ok" if n <= 1 else f"/redirect/{n - 1}"})
        if head == "loop":
            return send(s, 302, b"", {"Location": "/loop/b" if rest[0] == "a" else "/loop/a"})
        if head == "redirect-to":
            target = unquote(req.path.split("url=", 1)[1])
            return send(s, 302, b"", {"Location": target})
        if head == "bomb":
            coding, make = BOMBS[rest[0]]
            mib = int(rest[1]) if len(rest) > 1 and rest[1] else 1024
            return send(s, 200, make(mib), {"Content-Encoding": coding, "Content-Type": "text/html"})
        if path == "/stacked":
            body = brotli.compress(gzip.compress(HTML))
            return send(s, 200, body, {"Content-Encoding": "gzip, br", "Content-Type": "text/html"})
        if path == "/bad-gzip":
            return send(s, 200, b"this is not gzip at all" * 10, {"Content-Encoding": "gzip"})
        if head == "coding":
            return send(s, 200, HTML, {"Content-Encoding": rest[0]})
        if path == "/lie-short":
            s.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello<<junk after the body>>")
            return True
        if path == "/lie-long":
            s.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")
            return False
        if path == "/endless-chunked":
            s.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n")
            chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"a" * 64 * 1024)
            while not self._stop.is_set():
                s.sendall(chunk)
            return False
        if head == "drip":
            interval = float(rest[0]) if rest[0] else 1.0
            s.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
            while self._wait(interval):
                s.sendall(b"x")
            return False
        if head == "drip-head":
            interval = float(rest[0]) if rest[0] else 1.0
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 1000000:
                if not self._wait(interval):
                    break
                s.sendall(bytes([byte]))
            return False
        if path == "/silent":
            self._stop.wait(30)
            return False
        if head == "big":
            return send(s, 200, b"b" * int(rest[0]), {"Content-Type": "text/plain"})
        if path == "/robots.txt":
            reply = self.robots
            if reply.delay_s and not self._wait(reply.delay_s):
                return False
            return send(s, reply.status, reply.body, {"Content-Type": "text/plain"})
        return send(s, 404, b"no such route")


def _parse_head(head: bytes) -> Request:
    lines = head.decode("latin-1").split("\r\n")
    method, target, *_ = lines[0].split(" ") + ["", ""]
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    return Request(method=method, path=target, headers=headers, at=time.monotonic())


_REASONS = {200: "OK", 302: "Found", 304: "Not Modified", 404: "Not Found", 500: "Internal Server Error", 503: "Service Unavailable"}


def send(s: socket.socket, status: int, body: bytes, headers: dict[str, str] | None = None) -> bool:
    """Write a complete keep-alive response."""
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Whatever')}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
    return True


ROUTES_HELP = __doc__
