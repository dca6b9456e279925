"""A news site on 127.0.0.1 whose page B fails (503) until its feed has been polled twice.

Two feeds: /a.xml lists page A, /b.xml lists page B. A streaming test polls
both in its first window (B fails there) and /b.xml alone in the next (B
succeeds there); a batch run afterwards polls both again.
"""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources

PAGES = {
    "/a.html": "car-bomb-kills-at-least-12-at-baghdad-market-idUSKBN3A1.html",
    "/b.html": "death-toll-from-western-nepal-earthquake-rises-to-137-idUSKBN3A0.html",
}
FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Flaky {name}</title><link>{origin}/</link><description>test</description>
<item><title>Story {name}</title><link>{origin}/{name}.html</link><guid>{origin}/{name}.html</guid>
<pubDate>Mon, 24 Mar 2025 10:05:00 +0000</pubDate></item></channel></rss>"""


def page_body(name: str) -> bytes:
    folder = resources.files("pipeline.sample") / "data" / "sites" / "wire" / "pages"
    return (folder / name).read_bytes()


class FlakySite:
    def __init__(self, failing_polls: int = 1) -> None:
        self.requests: Counter[str] = Counter()
        self.failing_polls = failing_polls
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                with site._lock:
                    site.requests[self.path] += 1
                    b_polls = site.requests["/b.xml"]
                status, content_type, body = 404, "text/plain", b"not found"
                if self.path in ("/a.xml", "/b.xml"):
                    status, content_type = 200, "application/rss+xml"
                    body = FEED.format(name=self.path[1], origin=site.origin).encode()
                elif self.path == "/b.html" and b_polls <= site.failing_polls:
                    status, body = 503, b"try later"
                elif self.path in PAGES:
                    status, content_type, body = 200, "text/html; charset=utf-8", page_body(PAGES[self.path])
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "FlakySite":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
