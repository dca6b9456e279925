"""A small hostile internet on loopback, for end-to-end fault runs of wirebeam.

Several `HostileServer`s (tests/fetch/hostile_server.py), each on its own port
and so a separate host for politeness, robots.txt and failure counting, plus a
`Canary` that must never be reached. `build_world` wires feeds whose items
point at good article pages and at every hostile route, and returns the
`Fault`s (the dead letters a run must produce) and the `Good` pages (the
articles that must land in the same run).

Why several hosts: a host that fails 5 fetches in a row is skipped, a
`Retry-After: 86400` defers the whole host and robots.txt verdicts are per
origin, so cases that would mask each other live apart.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import itertools
import socket
import ssl
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

from tests.fetch.hostile_server import HostileServer, Request, RobotsReply, gzip_bomb, send

MiB = 1024 * 1024

# --------------------------------------------------------------------------- content


_SENTENCES = (
    "Officials said on {day} that the {thing} would be reviewed by an independent panel before the end of the year.",
    "Residents of {place} told reporters they had waited months for a clear answer from the regional authorities.",
    "The ministry estimated the cost at {n} million euros, to be shared between the state and local councils.",
    "Opposition lawmakers called the plan overdue and asked for a public hearing in the spring session.",
    "A spokeswoman for the agency said the first results were expected within six weeks of the decision.",
    "Independent analysts cautioned that similar projects had run over budget in neighbouring districts.",
)
_PLACES = ("Zurich", "Lyon", "Porto", "Gdansk", "Tartu", "Bergen", "Ghent", "Brno", "Turin", "Cork")
_THINGS = ("bridge repair", "water network", "tram extension", "school plan", "harbour project", "power grid")


def article_text(seed: int) -> list[str]:
    """Four plain English paragraphs, different for each seed (over 100 words)."""
    place, thing = _PLACES[seed % len(_PLACES)], _THINGS[seed % len(_THINGS)]
    sentences = [
        s.format(day=("Monday", "Tuesday", "Friday")[seed % 3], place=place, thing=thing, n=10 + seed)
        for s in _SENTENCES
    ]
    return [" ".join(sentences[i : i + 2]) + f" Report number {seed}." for i in range(0, 6, 2)] + [
        f"The {thing} in {place} is the subject of case file {seed} at the regional court."
    ]


def article_html(title: str, seed: int, *, charset_meta: str | None = "utf-8", canonical: str | None = None,
                 extra_paragraph: str = "") -> str:
    """A realistic article page: head metadata, site chrome, one <article>."""
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in article_text(seed))
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    link = f'<link rel="canonical" href="{escape(canonical)}">' if canonical else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head>{meta}<title>{escape(title)}</title>{link}
<meta property="og:title" content="{escape(title)}">
<meta property="article:published_time" content="2024-05-{1 + seed % 27:02d}T10:00:00+00:00">
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<main><article><h1>{escape(title)}</h1>
{paragraphs}
{extra_paragraph}
</article></main>
<footer>Copyright 2024 Loopback Gazette</footer></body></html>"""


def rss(title: str, links: list[str], *, encoding: str = "utf-8") -> str:
    items = "\n".join(
        f"<item><title>Item {i}</title><link>{escape(link)}</link><guid isPermaLink=\"false\">{title}-{i}</guid>"
        f"<pubDate>Wed, 01 May 2024 0{i % 10}:00:00 GMT</pubDate><description>Summary {i}</description></item>"
        for i, link in enumerate(links)
    )
    return f"""<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0"><channel><title>{escape(title)}</title><link>http://127.0.0.1/</link>
<description>fault fixtures</description>
{items}
</channel></rss>"""


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>http://127.0.0.1/lol</link></item></channel></rss>"""


def external_entity_feed(system_id: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{system_id}">]>
<rss version="2.0"><channel><title>&xxe;</title>
<item><title>&xxe;</title><link>http://127.0.0.1/xxe</link></item></channel></rss>""".encode()


HTML_ERROR_PAGE = b"""<!DOCTYPE html>
<html><head><title>503 Service Unavailable</title></head>
<body><h1>Service Unavailable</h1><p>The feed is down for maintenance.</p></body></html>"""

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
NO_TEXT_PAGE = b"""<!DOCTYPE html><html><head><title>Loading</title></head>
<body><nav><a href="/">Home</a></nav><div id="app"></div><script>render()</script></body></html>"""


def nested_divs(depth: int, seed: int) -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in article_text(seed))
    return ("<html><body>" + "<div>" * depth + body + "</div>" * depth + "</body></html>").encode()


# --------------------------------------------------------------------------- expectations


@dataclass(frozen=True)
class Fault:
    """One hostile case and the dead letter(s) it must produce."""

    case: str  # what is hostile, as a person would say it
    stage: str
    error_type: str
    url: str  # the dead letter's url (the item link, feed URL, or final page URL)
    hint: str  # text the message must contain: what it was or what to do
    count: int = 1
    url_match: str = "exact"  # or "prefix": bad links are shortened, some are normalised by feedparser

    def matches(self, row: dict) -> bool:
        url = row["url"] or ""
        same = url == self.url if self.url_match == "exact" else url.startswith(self.url)
        return same and row["stage"] == self.stage and row["error_type"] == self.error_type


@dataclass(frozen=True)
class Good:
    """A page that must land as an article in the same run."""

    case: str
    link: str  # the feed item link (article.item_link)
    title: str
    must_contain: str = ""  # text the extracted article must contain


@dataclass
class World:
    feed_list: Path  # a text feed list naming every feed
    faults: list[Fault]
    goods: list[Good]
    servers: dict[str, HostileServer]  # by site name
    feed_warnings: dict[str, str] = field(default_factory=dict)  # feed URL -> text one of its warnings must contain


# --------------------------------------------------------------------------- servers


class Canary:
    """Listens on every local IPv4 and IPv6 address at one port and records who connected where.

    On 0.0.0.0 it catches 127.0.0.0/8 in every spelling and the machine's own
    addresses; on :: it catches ::1. It serves a feed (`feed_links`) at
    /feed*, 404 at /robots.txt and an article page anywhere else, so a leak
    would also show in the output; the connection record is the proof.
    """

    def __init__(self) -> None:
        self._sockets: list[socket.socket] = []
        self.connections: list[tuple[str, str]] = []  # (local address connected to, peer address)
        self.paths: list[str] = []  # request paths read
        self.feed_links: list[str] = []  # item links of the feed it serves at /feed*
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._held: list[socket.socket] = []  # see refusing_port
        for _ in range(20):  # find a port free on both families
            v4 = socket.create_server(("0.0.0.0", 0))
            self.port = v4.getsockname()[1]
            try:
                v6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
                v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                v6.bind(("::", self.port))
                v6.listen()
            except OSError:
                v4.close()
                continue
            self._sockets = [v4, v6]
            break
        else:
            raise RuntimeError("no port free on both 0.0.0.0 and ::")
        for s in self._sockets:
            s.settimeout(0.2)

    def refusing_port(self) -> int:
        """A loopback port that refuses connections until the canary closes.

        Bound but never listening: connecting gets a reset, and while it is held
        no server started meanwhile (another xdist worker's) can be given it.
        """
        held = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        held.bind(("127.0.0.1", 0))
        self._held.append(held)
        return held.getsockname()[1]

    def __enter__(self) -> "Canary":
        self._threads = [threading.Thread(target=self._accept, args=(s,), daemon=True) for s in self._sockets]
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=2)
        for s in self._sockets + self._held:
            s.close()

    def _accept(self, listener: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                conn, peer = listener.accept()
            except (socket.timeout, OSError):
                continue
            with self._lock:
                self.connections.append((conn.getsockname()[0], peer[0]))
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(2)
            head = b""
            while b"\r\n\r\n" not in head:
                data = conn.recv(65536)
                if not data:
                    return
                head += data
            path = head.split(b" ", 2)[1].decode("latin-1")
            with self._lock:
                self.paths.append(path)
            if path == "/robots.txt":
                send(conn, 404, b"", {"Connection": "close"})
            elif path.startswith("/feed"):
                body = rss("Canary feed", self.feed_links).encode()
                send(conn, 200, body, {"Content-Type": "application/rss+xml", "Connection": "close"})
            else:
                body = article_html(f"Canary page {path}", len(path)).encode()
                send(conn, 200, body, {"Content-Type": "text/html; charset=utf-8", "Connection": "close"})
        except OSError:
            pass
        finally:
            conn.close()

    def url(self, path: str, host: str) -> str:
        return f"http://{host}:{self.port}{path}"

    def close_unstarted(self) -> None:
        for s in self._sockets + self._held:
            s.close()

    def destinations(self) -> set[str]:
        with self._lock:
            return {local for local, _peer in self.connections}


def self_signed_context() -> ssl.SSLContext:
    """A server TLS context with a throwaway self-signed certificate for 127.0.0.1."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    with tempfile.TemporaryDirectory() as tmp:
        cert_path, key_path = Path(tmp, "cert.pem"), Path(tmp, "key.pem")
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert_path, key_path)
    return ctx


def static(body: bytes, content_type: str = "text/html; charset=utf-8", status: int = 200,
           headers: dict[str, str] | None = None) -> Callable[[socket.socket, Request], bool]:
    def route(sock: socket.socket, _req: Request) -> bool:
        return send(sock, status, body, {"Content-Type": content_type, **(headers or {})})

    return route


def fail_first(times: int, status: int, body: bytes, headers: dict[str, str] | None = None):
    """A route that answers `status` (with `headers`) `times` times, then the page."""
    calls = itertools.count(1)
    lock = threading.Lock()

    def route(sock: socket.socket, _req: Request) -> bool:
        with lock:
            n = next(calls)
        if n <= times:
            return send(sock, status, b"try again", headers or {})
        return send(sock, 200, body, {"Content-Type": "text/html; charset=utf-8"})

    return route


def redirect(location: str, body: bytes = b"", headers: dict[str, str] | None = None):
    def route(sock: socket.socket, _req: Request) -> bool:
        return send(sock, 302, body, {"Location": location, **(headers or {})})

    return route


def huge_text_node(total: int):
    """A chunked page whose one <p> holds `total` bytes of text (a 50 MB text node)."""

    def route(sock: socket.socket, _req: Request) -> bool:
        sock.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n")
        piece = b"word " * (64 * 1024 // 5)
        chunk = b"%x\r\n%s\r\n" % (len(piece), piece)
        head = b"<html><body><p>"
        sock.sendall(b"%x\r\n%s\r\n" % (len(head), head))
        sent = 0
        while sent < total:
            sock.sendall(chunk)
            sent += len(piece)
        sock.sendall(b"0\r\n\r\n")
        return False

    return route


class Site:
    """One HostileServer (one host) with helpers to register article pages."""

    def __init__(self, name: str, *, robots: RobotsReply | None = None, tls: ssl.SSLContext | None = None) -> None:
        self.name = name
        self.server = HostileServer(tls=tls)
        if robots is not None:
            self.server.robots = robots

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return self.server.url(path, host)

    def route(self, path: str, handler: Callable[[socket.socket, Request], bool]) -> str:
        self.server.extra_routes[path] = handler
        return self.url(path)

    def article(self, path: str, title: str, seed: int, **html_options) -> str:
        body = article_html(title, seed, **html_options).encode("utf-8")
        return self.route(path, static(body))

    def hits(self, prefix: str) -> int:
        return sum(1 for p in self.server.paths() if p.startswith(prefix))

    def close_unstarted(self) -> None:
        """Release the listening socket of a server that was never started."""
        self.server._listener.close()


# --------------------------------------------------------------------------- the world


def build_world(tmp: Path, canary: Canary) -> tuple[World, list[Site]]:
    """Define every site, route, feed, expected dead letter and expected article.

    Returns the world and its (not yet started) sites.
    """
    faults: list[Fault] = []
    goods: list[Good] = []
    seed = iter(range(1000))

    def good(site: Site, case: str, slug: str, *, entry: str | None = None,
             serve: Callable[[bytes], Callable] | None = None, **html_options) -> str:
        """Register the article page /a/<slug>; returns the item link (the page, or `entry` leading to it)."""
        title = f"Loopback Gazette {case} [{slug}]"
        body = article_html(title, next(seed), **html_options).encode("utf-8")
        page = site.route(f"/a/{slug}", (serve or static)(body))
        link = entry or page
        goods.append(Good(f"{case} [{slug}]", link, title))
        return link

    def fault(case: str, stage: str, error_type: str, url: str, hint: str, **kw) -> str:
        faults.append(Fault(case, stage, error_type, url, hint, **kw))
        return url

    feeds = Site("feeds")
    news = Site("news")  # robots.txt 404: everything allowed
    flaky = Site("flaky")
    deferring = Site("deferring")
    failing = Site("failing")
    drip = Site("drip")
    drip_head = Site("drip-head")
    silent = Site("silent")
    silent_feed = Site("silent-feed")  # only a feed: its hosts' page queues start later
    disallow = Site("robots-disallow", robots=RobotsReply(200, b"User-agent: *\nDisallow: /\n"))
    robots_5xx = Site("robots-5xx", robots=RobotsReply(500, b"oops"))
    robots_slow = Site("robots-timeout", robots=RobotsReply(200, b"User-agent: *\nAllow: /\n", delay_s=4.0))
    robots_huge = Site("robots-10mb", robots=RobotsReply(200, b"# padding\n" * (1024 * 1024)))
    crawl_delay = Site("crawl-delay", robots=RobotsReply(200, b"User-agent: *\nCrawl-delay: 3600\n"))
    tls = Site("self-signed-tls", tls=self_signed_context())
    sites = [feeds, news, flaky, deferring, failing, drip, drip_head, silent, silent_feed, disallow, robots_5xx,
             robots_slow, robots_huge, crawl_delay, tls]
    dead_port = canary.refusing_port()

    links: list[str] = []  # item links of the main feed
    add = links.append

    # ---- good pages, with and without trouble on the way ----------------------------
    for i in range(3):
        add(good(news, "plain good article", f"good-{i}"))
    add(good(flaky, "500 once, then the page (retried)", "flaky-500",
             serve=lambda body: fail_first(1, 500, body)))
    add(good(flaky, "429 Retry-After: 1, then the page (waited, retried)", "throttled",
             serve=lambda body: fail_first(1, 429, body, {"Retry-After": "1"})))
    for hop in range(1, 6):
        news.route(f"/hop5/{hop}", redirect(f"/hop5/{hop - 1}" if hop > 1 else "/a/after-five-hops"))
    add(good(news, "5-hop redirect chain (followed)", "after-five-hops", entry=news.url("/hop5/5")))
    news.route("/bomb-redirect", redirect("/a/after-bomb-redirect", gzip_bomb(64), {"Content-Encoding": "gzip"}))
    add(good(news, "redirect whose body is a gzip bomb (body never read)", "after-bomb-redirect",
             entry=news.url("/bomb-redirect")))
    add(good(crawl_delay, "robots.txt Crawl-delay: 3600 (capped at 30 s, page still fetched)", "crawl-delay"))

    # Charsets: header says Latin-1, <meta> says UTF-8, bytes are UTF-8: the valid UTF-8 wins.
    conflict_title = "Loopback Gazette conflicting charsets"
    conflict = article_html(conflict_title, next(seed), extra_paragraph="<p>Zürich café naïve façade señor.</p>")
    add(news.route("/a/charset-conflict", static(conflict.encode("utf-8"), "text/html; charset=iso-8859-1")))
    goods.append(Good("conflicting charsets (header Latin-1, meta UTF-8)", news.url("/a/charset-conflict"),
                      conflict_title, must_contain="Zürich café"))
    # Invalid UTF-8: a few stray bytes in a UTF-8 page become U+FFFD, the rest is kept.
    broken_title = "Loopback Gazette invalid UTF-8"
    broken = article_html(broken_title, next(seed), extra_paragraph="<p>Zürich café \xff\xfe bytes.</p>")
    broken_bytes = broken.encode("utf-8").replace("\xff\xfe".encode("utf-8"), b"\xff\xfe")
    add(news.route("/a/invalid-utf8", static(broken_bytes)))
    goods.append(Good("invalid UTF-8 bytes in a UTF-8 page", news.url("/a/invalid-utf8"), broken_title,
                      must_contain="Zürich café"))

    # One article behind tracking parameters, AMP and fragment variants, in two feeds.
    story_title = "Loopback Gazette one story, many links"
    story_body = article_html(story_title, next(seed)).encode("utf-8")
    for path in ("/a/story", "/a/story/amp"):
        news.route(path, static(story_body))  # /a/story?... is served by the /a/story route
    story_links = [news.url(p) for p in (
        "/a/story?utm_source=rss&utm_medium=feed", "/a/story/amp", "/a/story?amp=1", "/a/story#comments",
        "/a/story?fbclid=abc123", "/a/story")]
    links.extend(story_links)
    goods.append(Good("tracking-parameter, AMP and fragment variants of one article (one article, not six)",
                      news.url("/a/story"), story_title))

    # ---- page stage: HTTP --------------------------------------------------------------
    add(fault("page gone (404)", "page", "http_error", news.url("/status/404"), "gone"))
    add(fault("persistent 500 (3 attempts)", "page", "http_error", flaky.url("/status/500"), "try again later"))
    add(fault("503 Retry-After: 86400 (deferred, not waited for)", "page", "retry_later",
              deferring.url("/retry-after/86400"), "next run"))
    add(fault("second page of a host that asked for a day's pause", "page", "retry_later",
              deferring.url("/retry-after/86400?page=2"), "next run"))
    for n in range(7):  # 503s, each retried at once (Retry-After: 0): 5 failures, then the host is skipped
        add(failing.url(f"/retry-after/0?n={n}"))
    faults.append(Fault("host failing 5 fetches in a row: its failures", "page", "http_error",
                        failing.url("/retry-after/0?n="), "server error", count=5, url_match="prefix"))
    faults.append(Fault("host failing 5 fetches in a row: skipped for the rest of the run", "page",
                        "host_skipped", failing.url("/retry-after/0?n="), "next run", count=2, url_match="prefix"))

    # ---- page stage: redirects -----------------------------------------------------------
    for hop in range(1, 7):
        news.route(f"/hop6/{hop}", redirect(f"/hop6/{hop - 1}" if hop > 1 else "/a/never-reached"))
    news.article("/a/never-reached", "never reached", 999)
    add(fault("6-hop redirect chain", "page", "too_many_redirects", news.url("/hop6/6"), "more than 5"))
    add(fault("redirect loop", "page", "redirect_loop", news.url("/loop/a"), "loop"))
    add(fault("redirect to the metadata IP 169.254.169.254", "page", "blocked_address",
              news.route("/to-metadata", redirect("http://169.254.169.254/latest/meta-data/")), "--allow-hosts"))
    add(fault("redirect to file:///etc/passwd", "page", "bad_scheme",
              news.route("/to-file", redirect("file:///etc/passwd")), "only http and https"))
    add(fault("redirect to a public address on an odd port", "page", "blocked_port",
              news.route("/to-odd-port", redirect("http://8.8.8.8:8080/")), "only ports 80, 443"))
    add(fault("redirect to a loopback address outside --allow-hosts (the canary)", "page", "blocked_address",
              news.route("/to-canary", redirect(canary.url("/", "127.0.0.2"))), "--allow-hosts 127.0.0.2/32"))

    # ---- page stage: bodies ------------------------------------------------------------
    for coding in ("gzip", "br", "deflate", "gzip+br"):
        add(fault(f"{coding} decompression bomb (1 GiB of zeros)" if coding == "gzip" else
                  f"{coding} decompression bomb" + (" (stacked encodings)" if "+" in coding else ""),
                  "page", "too_large", news.url(f"/bomb/{coding}/{1024 if coding == 'gzip' else 64}"),
                  "once decompressed"))
    add(fault("endless chunked body", "page", "too_large", news.url("/endless-chunked"), "once decompressed"))
    add(fault("50 MB text node", "page", "too_large", news.route("/a/huge-text-node", huge_text_node(50 * MiB)),
              "once decompressed"))
    add(fault("Content-Length over the cap (declared 6 MiB)", "page", "too_large",
              news.route("/a/declared-huge", static(b"x" * (6 * MiB))), "declares"))
    add(fault("body that is not the gzip it claims", "page", "decode_error", news.url("/bad-gzip"), "content-encoding"))
    add(fault("unknown Content-Encoding", "page", "decode_error", news.url("/coding/x-snappy"), "does not decode"))
    add(fault("Content-Length longer than the body (connection closes early)", "page", "connect_error",
              news.url("/lie-long"), "broke off"))
    add(fault("Content-Length shorter than the body: 5 declared bytes are the page", "extract", "no_text",
              news.url("/lie-short"), "no article text"))
    add(fault("slow drip body (1 byte / 0.2 s)", "page", "timeout", drip.url("/drip/0.2"), "deadline"))
    add(fault("slow drip status line", "page", "timeout", drip_head.url("/drip-head/0.2"), "deadline"))
    add(fault("server accepts and never answers", "page", "timeout", silent.url("/silent"), "stalled"))
    add(fault("host refusing connections (robots.txt unreachable)", "page", "robots_unavailable",
              f"http://127.0.0.1:{dead_port}/a/anything", "connect_error"))
    add(fault("self-signed certificate (robots.txt cannot be read over TLS)", "page", "robots_unavailable",
              tls.url("/a/secret"), "certificate"))

    # ---- page stage: robots.txt ----------------------------------------------------------
    add(fault("robots.txt disallows everything", "page", "robots_disallowed", disallow.url("/a/private"),
              "asks not to be crawled"))
    add(fault("robots.txt answers 500", "page", "robots_unavailable", robots_5xx.url("/a/page"), "RFC 9309"))
    add(fault("robots.txt never answers (timeout)", "page", "robots_unavailable", robots_slow.url("/a/page"),
              "timeout"))
    add(fault("robots.txt of 10 MB", "page", "robots_unavailable", robots_huge.url("/a/page"), "500 KiB"))

    # ---- page stage: addresses (the run allows only 127.0.0.1/32) -------------------------
    for case, host in (
        ("item link to 127.0.0.2 (loopback outside --allow-hosts)", "127.0.0.2"),
        ("item link to IPv6 loopback [::1]", "[::1]"),
        ("item link to 127.0.0.2 spelt 0177.0.0.2", "0177.0.0.2"),
        ("item link to 127.0.0.2 spelt 2130706434", "2130706434"),
        ("item link to 127.0.0.2 spelt 127.2", "127.2"),
        ("item link to IPv4-mapped [::ffff:127.0.0.2]", "[::ffff:127.0.0.2]"),
        ("item link to 0.0.0.0", "0.0.0.0"),
    ):
        add(fault(case, "page", "blocked_address", canary.url("/article", host), "refused"))
    add(fault("item link to the metadata server 169.254.169.254", "page", "blocked_address",
              "http://169.254.169.254/latest/meta-data/iam/security-credentials/", "169.254.169.254"))
    add(fault("item link to metadata.google.internal", "page", "blocked_address",
              "http://metadata.google.internal/computeMetadata/v1/", "cloud metadata"))
    add(fault("item link to a private address 10.0.0.1", "page", "blocked_address", "http://10.0.0.1/admin",
              "private address"))
    add(fault("item link to a public address on an odd port", "page", "blocked_port", "http://8.8.8.8:8080/x",
              "only ports 80, 443"))

    # ---- extract stage ---------------------------------------------------------------
    add(fault("PDF served as text/html", "extract", "not_html", news.route("/a/report.pdf", static(PDF)), "PDF"))
    add(fault("PNG image served as text/html", "extract", "not_html", news.route("/a/image", static(PNG)), "PNG"))
    add(fault("100k-deep nested <div>s", "extract", "no_text",
              news.route("/a/nested", static(nested_divs(100_000, 7))), "no article text"))
    add(fault("page with no text (script-rendered)", "extract", "no_text",
              news.route("/a/empty", static(NO_TEXT_PAGE)), "no article text"))

    # ---- the feeds --------------------------------------------------------------------
    feed_urls: list[str] = []
    warnings: dict[str, str] = {}

    def feed(path: str, body: bytes, content_type: str = "application/rss+xml") -> str:
        url = feeds.route(path, static(body, content_type))
        feed_urls.append(url)
        return url

    feed("/feeds/news.xml", rss("Loopback Gazette", links).encode())
    # The same story again in a second feed: still one article.
    feed("/feeds/also.xml", rss("Loopback Also", [news.url("/a/story?utm_campaign=also"),
                                                  good(news, "plain good article in a second feed", "also")]).encode())

    bad_links = [
        ("javascript: item link", "javascript:alert(document.cookie)", "javascript:", "only http and https"),
        ("data: item link", "data:text/html,<script>alert(1)</script>", "data:", "only http and https"),
        ("file: item link", "file:///etc/passwd", "file:", "only http and https"),
        ("gopher: item link", "gopher://127.0.0.1:70/1", "gopher:", "only http and https"),
        ("user@host item link", "http://user@127.0.0.1/steal", "http://user@", "user information"),
        ("backslash item link", "http://evil.example\\@127.0.0.1/", "http://evil.example\\", "backslash"),
        ("5 KB item link", "http://example.com/" + "a" * 5000, "http://example.com/aaa", "longer than 1024"),
    ]
    links_feed_good = good(news, "good item beside bad links", "beside-bad-links")
    links_feed = feed("/feeds/bad-links.xml", rss("Bad links", [raw for _, raw, _, _ in bad_links]
                                                  + [links_feed_good, "//127.0.0.2:%d/protocol-relative" % canary.port]).encode())
    for case, _raw, prefix, hint in bad_links:
        faults.append(Fault(case, "feed", "bad_link", prefix, hint, url_match="prefix"))
    faults.append(Fault("protocol-relative //127.0.0.2 link (resolved, then refused)", "page", "blocked_address",
                        canary.url("/protocol-relative", "127.0.0.2"), "refused"))
    warnings[links_feed] = "refused 7 item links"

    fault("billion-laughs feed", "feed", "unsafe_xml", feed("/feeds/billion-laughs.xml", BILLION_LAUGHS), "DTD")
    fault("external-entity feed (file:///etc/passwd)", "feed", "unsafe_xml",
          feed("/feeds/xxe-file.xml", external_entity_feed("file:///etc/passwd")), "DTD")
    fault("external-entity feed (the metadata IP)", "feed", "unsafe_xml",
          feed("/feeds/xxe-metadata.xml", external_entity_feed("http://169.254.169.254/latest/meta-data/")), "DTD")
    fault("HTML error page served as a feed", "feed", "not_a_feed",
          feed("/feeds/html-error.xml", HTML_ERROR_PAGE, "text/html"), "HTML page")
    fault("empty feed body", "feed", "empty_feed", feed("/feeds/empty.xml", b"   \n"), "empty")
    fault("unreadable encoding declaration (found by the fuzzer)", "feed", "parse_error",
          feed("/feeds/garbled-encoding.xml", b'<?xml version="1.0" encoding="\xffutf-8"?><rss version="2.0"/>'),
          "encoding cannot be read")
    fault("feed gone (404)", "feed", "http_error", feeds.url("/status/404"), "gone")
    feed_urls.append(feeds.url("/status/404"))
    fault("feed server accepts and never answers", "feed", "timeout", silent_feed.url("/silent"), "stalled")
    feed_urls.append(silent_feed.url("/silent"))
    fault("gzip bomb served as a feed", "feed", "too_large", feeds.url("/bomb/gzip/1024"), "once decompressed")
    feed_urls.append(feeds.url("/bomb/gzip/1024"))

    # Feeds that are damaged but still yield items: the items land, the feed carries a warning.
    truncated_links = [good(news, "item of a truncated feed", f"truncated-{i}") for i in range(2)]
    truncated = rss("Truncated", truncated_links + [news.url("/a/lost")]).encode()
    url = feed("/feeds/truncated.xml", truncated[: truncated.index(b"/a/lost") - 30])
    warnings[url] = "malformed"
    nul_link = good(news, "item of a feed with NUL bytes", "nul-feed-item")
    url = feed("/feeds/nul.xml", rss("NUL\x00 bytes", [nul_link]).encode().replace(b"<description>", b"<description>\x00\x00"))
    warnings[url] = "control characters"
    wrong_link = good(news, "item of a feed declaring the wrong encoding", "wrong-encoding-item")
    wrong = rss("Caf\u00e9 Z\u00fcrich", [wrong_link]).encode("latin-1")  # says utf-8, is Latin-1
    url = feed("/feeds/wrong-encoding.xml", wrong)
    warnings[url] = "encoding"

    feed_list = tmp / "feeds.txt"
    feed_list.write_text("\n".join(feed_urls) + "\n")
    servers = {site.name: site.server for site in sites}
    return World(feed_list, faults, goods, servers, feed_warnings=warnings), sites


def fault_and_good_cases() -> tuple[list[str], list[str]]:
    """The case names, for test ids at collection time (builds the world without serving it)."""
    with tempfile.TemporaryDirectory() as tmp:
        canary = Canary()
        world, sites = build_world(Path(tmp), canary)
        for site in sites:
            site.close_unstarted()
        canary.close_unstarted()
    return [f.case for f in world.faults], [g.case for g in world.goods]
