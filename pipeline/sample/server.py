"""A loopback HTTP server for the demo corpus: one origin per sample site.

    with SampleServer() as server:
        feeds_txt = server.feed_list_path("txt", tmp_dir)
        run_pipeline(feeds_txt, allow_hosts=server.allow_hosts)
        assert ("wire", "/robots.txt", 200) in server.request_log

Each site gets its own ThreadingHTTPServer on 127.0.0.1 with an OS-chosen port,
so sites are distinct origins. Responses behave like a well-run news site:
correct Content-Type (the windows-1252 page deliberately names no charset),
ETag and Last-Modified with 304 on conditional GET, gzip when accepted,
robots.txt, and 404 for anything not in the corpus (including the one feed item
whose page is gone).

Run standalone for manual testing:

    python -m pipeline.sample.server --port-file /tmp/wirebeam-sample.json
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import signal
import sys
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from pipeline.sample.corpus import (
    load_expected,
    load_manifest,
    normalise_list_format,
    read_data,
    substitute,
)

LOOPBACK = "127.0.0.1"
_NOT_FOUND = b"<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Page not found</h1></body></html>\n"


@dataclass(frozen=True)
class Resource:
    """One served file, with origins filled in and its validators precomputed."""

    body: bytes
    gzip_body: bytes
    content_type: str
    etag: str  # quoted strong validator of the identity body
    last_modified: datetime

    @property
    def last_modified_http(self) -> str:
        return format_datetime(self.last_modified, usegmt=True)


@dataclass(frozen=True)
class RequestRecord:
    site: str
    method: str
    path: str  # without the query string
    query: str
    status: int
    user_agent: str | None
    accept_encoding: str | None
    conditional: bool  # carried If-None-Match or If-Modified-Since


def make_resource(body: bytes, content_type: str, last_modified: datetime) -> Resource:
    digest = hashlib.sha256(body).hexdigest()[:20]
    # mtime=0 keeps gzip bytes (and so tests) deterministic.
    return Resource(body, gzip.compress(body, mtime=0), content_type, f'"{digest}"', last_modified)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """True if the Accept-Encoding header lists gzip (or *) with a non-zero q."""
    if not accept_encoding:
        return False
    for part in accept_encoding.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        q = params.strip().lower()
        if q.startswith("q="):
            try:
                return float(q[2:]) > 0
            except ValueError:
                return False
        return True
    return False


def _bare_tag(tag: str) -> str:
    tag = tag.strip()
    if tag.startswith("W/"):
        tag = tag[2:]
    return tag.replace("-gzip\"", "\"")


def not_modified(resource: Resource, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """RFC 9110 §13.2.2: If-None-Match wins; else If-Modified-Since compared by seconds."""
    if if_none_match is not None:
        tags = [t for t in if_none_match.split(",") if t.strip()]
        return any(t.strip() == "*" or _bare_tag(t) == resource.etag for t in tags)
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        return resource.last_modified <= since
    return False


def load_resources(origins: Mapping[str, str]) -> dict[str, dict[str, Resource]]:
    """Every site's routes from the manifest, tokens replaced by the given origins."""
    manifest = load_manifest()
    out: dict[str, dict[str, Resource]] = {}
    for site, routes in manifest["routes"].items():
        out[site] = {
            path: make_resource(
                substitute(read_data(info["file"]), origins),
                info["content_type"],
                datetime.fromisoformat(info["last_modified"].replace("Z", "+00:00")),
            )
            for path, info in routes.items()
        }
    return out


class _SiteHTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a client's idle keep-alive connection must not block stop()
    allow_reuse_address = True
    # The stdlib default backlog (5) drops SYNs when many workers connect at once,
    # which shows up as 1 s client retries; a news crawl opens connections in bursts.
    request_queue_size = 128

    def __init__(self, site: str, owner: "SampleServer") -> None:
        super().__init__((LOOPBACK, 0), _SiteHandler)
        self.site = site
        self.owner = owner
        self.resources: dict[str, Resource] = {}

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up early (timeouts in fetch tests) are normal here; stay quiet.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class _SiteHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "wirebeam-sample/1"
    timeout = 30  # idle keep-alive connections are closed after this
    server: _SiteHTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # quiet: tests read request_log instead

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def _respond(self, send_body: bool) -> None:
        split = urlsplit(self.path)
        path = split.path or "/"
        resource = self.server.resources.get(path)
        inm, ims = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        if resource is None:
            status, body, headers = 404, _NOT_FOUND, {"Content-Type": "text/html; charset=utf-8"}
        elif not_modified(resource, inm, ims):
            status, body, headers = 304, b"", {}
        else:
            status, body, headers = 200, resource.body, {"Content-Type": resource.content_type}
            if accepts_gzip(self.headers.get("Accept-Encoding")):
                body = resource.gzip_body
                headers["Content-Encoding"] = "gzip"
        if resource is not None:
            gzipped = headers.get("Content-Encoding") == "gzip"
            headers["ETag"] = resource.etag[:-1] + '-gzip"' if gzipped else resource.etag
            headers["Last-Modified"] = resource.last_modified_http
            headers["Vary"] = "Accept-Encoding"
            headers["Cache-Control"] = "public, max-age=60"
        self.server.owner._record(RequestRecord(
            site=self.server.site, method=self.command, path=path, query=split.query, status=status,
            user_agent=self.headers.get("User-Agent"), accept_encoding=self.headers.get("Accept-Encoding"),
            conditional=inm is not None or ims is not None,
        ))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and status != 304:
            self.wfile.write(body)


class SampleServer:
    """The demo corpus on loopback: one HTTP server (origin) per sample site.

    Use as a context manager, or call start() and stop(). Thread-safe: many
    clients may fetch concurrently; request_log can be read at any time.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []
        self._servers: dict[str, _SiteHTTPServer] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._origins: dict[str, str] = {}
        self._manifest = load_manifest()

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> "SampleServer":
        if self._servers:
            return self
        try:
            # Bind every site first: origins must be known before any file is rendered.
            for site in self._manifest["sites"]:
                self._servers[site] = _SiteHTTPServer(site, self)
            self._origins = {site: f"http://{LOOPBACK}:{srv.server_address[1]}"
                             for site, srv in self._servers.items()}
            resources = load_resources(self._origins)
            for site, srv in self._servers.items():
                srv.resources = resources[site]
                thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1},
                                          name=f"sample-{site}", daemon=True)
                thread.start()
                self._threads[site] = thread
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop every site server; safe to call twice."""
        servers, self._servers = self._servers, {}
        threads, self._threads = self._threads, {}
        for site, srv in servers.items():
            if site in threads:  # shutdown() would wait forever on a server never started
                srv.shutdown()
            srv.server_close()
        for thread in threads.values():
            thread.join(timeout=5)

    def __enter__(self) -> "SampleServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---------------------------------------------------------------- addresses
    @property
    def origins(self) -> dict[str, str]:
        """Site key (wire, herald, monitor, alpine) -> "http://127.0.0.1:PORT"."""
        self._require_started()
        return dict(self._origins)

    @property
    def allow_hosts(self) -> str:
        """The address range to allow in the fetcher's SSRF guard for this server."""
        return f"{LOOPBACK}/32"

    def url(self, site: str, path: str) -> str:
        return self.origins[site] + path

    @property
    def feed_urls(self) -> dict[str, str]:
        """Site key -> its feed URL."""
        return {f["site"]: self.origins[f["site"]] + f["path"] for f in self.expected()["feeds"]}

    def feed_list_url(self, fmt: str) -> str:
        """URL of the served feed list in fmt (opml | yaml | txt)."""
        info = self._manifest["feed_lists"][normalise_list_format(fmt)]
        return self.origins[info["site"]] + info["path"]

    def feed_list_path(self, fmt: str, dest_dir: Path) -> Path:
        """Write the feed list in fmt (opml | yaml | txt), origins filled in, into dest_dir."""
        fmt = normalise_list_format(fmt)
        info = self._manifest["feed_lists"][fmt]
        dest_dir = Path(dest_dir)
        dest_dir.mkdir(parents=True, exist_ok=True)
        target = dest_dir / f"feeds.{fmt}"
        target.write_bytes(substitute(read_data(info["file"]), self.origins))
        return target

    def expected(self) -> dict[str, Any]:
        """expected.json with this server's origins in every URL."""
        return load_expected(self.origins)

    # ---------------------------------------------------------------- request log
    def _record(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    @property
    def request_log(self) -> list[tuple[str, str, int]]:
        """(site, path without query, status) of every request so far, in arrival order."""
        with self._lock:
            return [(r.site, r.path, r.status) for r in self._records]

    @property
    def requests(self) -> list[RequestRecord]:
        """Full records (method, query, user agent, conditional...) of every request so far."""
        with self._lock:
            return list(self._records)

    def clear_log(self) -> None:
        with self._lock:
            self._records.clear()

    def _require_started(self) -> None:
        if not self._origins or not self._servers:
            raise RuntimeError("SampleServer is not running; use it as a context manager or call start()")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the wirebeam demo corpus on loopback.")
    parser.add_argument("--port-file", type=Path,
                        help="write origins, feed URLs and feed-list URLs here as JSON once serving")
    args = parser.parse_args(argv)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with SampleServer() as server:
        info = {
            "origins": server.origins,
            "feeds": server.feed_urls,
            "feed_lists": {fmt: server.feed_list_url(fmt) for fmt in ("opml", "yaml", "txt")},
            "allow_hosts": server.allow_hosts,
        }
        if args.port_file:
            tmp = args.port_file.with_suffix(args.port_file.suffix + ".tmp")
            tmp.write_text(json.dumps(info, indent=2) + "\n")
            tmp.replace(args.port_file)  # readers never see a half-written file
        print(json.dumps(info, indent=2), flush=True)
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
