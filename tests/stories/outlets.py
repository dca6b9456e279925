"""News outlets on 127.0.0.1 (one port each) carrying copies of wire stories, for the stories tests.

Copies are made by the labelled pair set's generator (bench/stories_pairs.py): the
edits outlets make (new headline, trimmed or extended ending, credit lines, an
inserted paragraph, curly quotes, their own furniture). Each outlet serves
`/feed.xml` and its pages, with its name in og:site_name.
"""

from __future__ import annotations

import html
import random
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.stories_pairs import Article, Base, copy_of, load_bases, load_parts

PUBLISHED = "Mon, 24 Mar 2025 10:05:00 +0000"


def base(story_id: str) -> Base:
    return next(b for b in load_bases("dev") if b.id == story_id)


def copies(story: Base, kinds: list[str], seed: int = 7) -> list[Article]:
    rng, parts = random.Random(seed), load_parts()
    return [copy_of(story, kind, rng, parts, other_title="Other news of the day") for kind in kinds]


def page(article: Article, site: str) -> bytes:
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in article.text.split("\n") if p.strip())
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(article.title)}</title><meta property="og:site_name" content="{html.escape(site)}">
<meta property="og:title" content="{html.escape(article.title)}">
<meta property="article:published_time" content="2025-03-24T10:05:00Z"></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<article><h1>{html.escape(article.title)}</h1>{paragraphs}</article>
<footer>(c) {html.escape(site)}</footer></body></html>""".encode()


@dataclass
class Outlet:
    name: str
    articles: dict[str, Article] = field(default_factory=dict)  # path -> article
    updated: dict[str, str] = field(default_factory=dict)  # path -> when the outlet revised it (ISO 8601)

    def feed(self, origin: str) -> bytes:
        def revised(path: str) -> str:
            return f"<atom:updated>{self.updated[path]}</atom:updated>" if path in self.updated else ""

        items = "".join(
            f"<item><title>{html.escape(a.title)}</title><link>{origin}{path}</link><guid>{origin}{path}</guid>"
            f"<pubDate>{PUBLISHED}</pubDate>{revised(path)}</item>"
            for path, a in sorted(self.articles.items())
        )
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
                f"<channel><title>{html.escape(self.name)}</title><link>{origin}/</link><description>news</description>"
                f"{items}</channel></rss>").encode()


class Outlets:
    """Serves each Outlet on its own port; `feed_urls` in order."""

    def __init__(self, outlets: list[Outlet]) -> None:
        self.outlets = outlets
        self._servers: list[ThreadingHTTPServer] = []

    def __enter__(self) -> "Outlets":
        for outlet in self.outlets:
            self._servers.append(self._serve(outlet))
        return self

    def _serve(self, outlet: Outlet) -> ThreadingHTTPServer:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                origin = f"http://127.0.0.1:{self.server.server_address[1]}"
                if self.path == "/feed.xml":
                    status, kind, body = 200, "application/rss+xml", outlet.feed(origin)
                elif self.path in outlet.articles:
                    status, kind, body = 200, "text/html; charset=utf-8", page(outlet.articles[self.path], outlet.name)
                else:
                    status, kind, body = 404, "text/plain", b"not found"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    @property
    def feed_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{s.server_address[1]}/feed.xml" for s in self._servers]

    def __exit__(self, *exc: object) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
