"""A loopback HTTP server for WARC files, as Common Crawl serves CC-NEWS: byte ranges (`Range: bytes=A-` or
`A-B`, answered 206 with Content-Range), keep-alive, and the failures a long download meets: a server
that ignores Range (200 and the whole file), a connection dropped part-way through a body, a file
replaced between two requests (a new ETag: a Range with the old one in If-Range gets the whole new
file, as RFC 9110 has it), a status it keeps answering. It records every request's path and Range
header, and how many connections are open."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_RANGE = re.compile(r"bytes=(\d+)-(\d*)$")


@dataclass
class Behaviour:
    ranges: bool = True  # False: Range is ignored, every answer is 200 and the whole file
    drop_after: list[int] = field(default_factory=list)  # for the next GETs: close after this many body bytes
    status: int | None = None  # answer every request with this status (and no body)
    etags: list[str] = field(default_factory=lambda: ['"v1"'])  # the file's ETag at each GET; the last stays


class FileServer:
    def __init__(self, folder: Path, behaviour: Behaviour | None = None) -> None:
        self.folder = folder
        self.behaviour = behaviour or Behaviour()
        self.requests: list[tuple[str, str | None]] = []  # (method path, Range header)
        self.open_connections = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/{name}"

    def ranges_asked(self) -> list[str | None]:
        return [rng for request, rng in self.requests if request.startswith("GET")]

    def wait_until_no_connection_is_open(self, seconds: float = 5.0) -> int:
        deadline = time.monotonic() + seconds
        while self.open_connections and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.open_connections

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real file server

            def log_message(self, *args) -> None:
                pass

            def setup(self) -> None:
                super().setup()
                with server._lock:
                    server.open_connections += 1

            def finish(self) -> None:
                try:
                    super().finish()
                finally:
                    with server._lock:
                        server.open_connections -= 1

            def do_HEAD(self) -> None:  # noqa: N802 (http.server's naming)
                self._answer(body=False)

            def do_GET(self) -> None:  # noqa: N802
                self._answer(body=True)

            def _answer(self, body: bool) -> None:
                rng = self.headers.get("Range")
                with server._lock:
                    server.requests.append((f"{self.command} {self.path}", rng))
                    drop = server.behaviour.drop_after.pop(0) if body and server.behaviour.drop_after else None
                    etags = server.behaviour.etags
                    etag = etags.pop(0) if body and len(etags) > 1 else etags[0]
                behaviour = server.behaviour
                if behaviour.status is not None:
                    self._head(behaviour.status, 0)
                    return
                path = server.folder / self.path.lstrip("/")
                if not path.is_file():
                    self._head(404, 0)
                    return
                data = path.read_bytes()
                status, start, end, extra = 200, 0, len(data), {"Accept-Ranges": "bytes"}
                if_range = self.headers.get("If-Range")
                found = _RANGE.match(rng or "") if behaviour.ranges and if_range in (None, etag) else None
                if not behaviour.ranges:
                    extra = {}
                if found:
                    start = int(found.group(1))
                    end = min(len(data), int(found.group(2)) + 1) if found.group(2) else len(data)
                    if start >= len(data):
                        self._head(416, 0, {"Content-Range": f"bytes */{len(data)}"})
                        return
                    status, extra = 206, {**extra, "Content-Range": f"bytes {start}-{end - 1}/{len(data)}"}
                self._head(status, end - start, {**extra, "ETag": etag})
                if not body:
                    return
                payload = data[start:end]
                if drop is not None:  # the network drops: part of the body, then the connection closes
                    self.wfile.write(payload[:drop])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(payload)

            def _head(self, status: int, length: int, extra: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(length))
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.end_headers()

        return Handler
