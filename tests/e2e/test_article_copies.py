"""Two URLs of one article (the second page's rel=canonical names the first) on
a real loopback site, through the real job twice: one row, the copy counted,
and the next run fetches neither URL again."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest

from pipeline.cli import main
from tests.faults.world import article_html, rss

pytestmark = pytest.mark.slow


class Site:
    """/feed.xml lists /story and /story-print; the print page says it is /story."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                site.requests.append(self.path)
                body = site.pages().get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                data = body.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml" if self.path.endswith(".xml") else "text/html")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def pages(self) -> dict[str, str]:
        story = article_html("Flood waters reach the old town", 3, canonical=f"{self.origin}/story")
        return {
            "/feed.xml": rss("Loopback Gazette", [f"{self.origin}/story", f"{self.origin}/story-print"]),
            "/story": story,
            "/story-print": story.replace("</article>", "<p>Printed from the Loopback Gazette.</p></article>"),
            "/robots.txt": "User-agent: *\nAllow: /\n",
        }

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def run_job(site: Site, out, run_id: str) -> dict:
    code = main(["run", "--feeds", f"{site.origin}/feed.xml", "--output", str(out), "--run-id", run_id,
                 "--allow-hosts", "127.0.0.1/32", "--per-host-delay", "0", "--no-enrich",
                 "--direct_num_workers", "1"])
    assert code == 0
    return json.loads((out / "runs" / f"{run_id}.json").read_text())["counters"]


def test_one_row_per_article_and_no_copy_is_fetched_again(tmp_path):
    site = Site()
    try:
        first = run_job(site, tmp_path / "out", "first")
        asked_first = list(site.requests)
        second = run_job(site, tmp_path / "out", "second")
        asked_second = site.requests[len(asked_first):]
    finally:
        site.close()

    assert sorted(p for p in asked_first if p.startswith("/story")) == ["/story", "/story-print"]
    assert (first["extracted"], first["distinct_articles"], first["duplicate_copies"], first["written"]) == (2, 1, 1, 1)
    rows = duckdb.connect().execute(
        f"SELECT url, canonical_url FROM read_parquet('{tmp_path}/out/articles/*/*.parquet', hive_partitioning = true)"
    ).fetchall()
    assert rows == [(f"{site.origin}/story", f"{site.origin}/story")]  # the page at its canonical URL wins

    # The copy's URL went into the seen state too: the next run fetches neither page.
    assert "/feed.xml" in asked_second and not [p for p in asked_second if p.startswith("/story")]
    assert (second["items_already_written"], second["pages_fetched"], second["written"]) == (2, 0, 0)
