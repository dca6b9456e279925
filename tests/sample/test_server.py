"""The loopback SampleServer: feeds, pages, validators, gzip, robots, logging, lifecycle."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from email.utils import format_datetime, parsedate_to_datetime
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
from protego import Protego

from pipeline.sample.corpus import load_expected
from pipeline.sample.server import SampleServer, accepts_gzip
from tests.sample.helpers import fetch

REPO = Path(__file__).resolve().parents[2]


def test_each_site_is_its_own_loopback_origin(sample_server: SampleServer) -> None:
    origins = sample_server.origins
    assert set(origins) == {"wire", "herald", "monitor", "alpine"}
    assert all(o.startswith("http://127.0.0.1:") for o in origins.values())
    assert len(set(origins.values())) == len(origins)
    assert sample_server.allow_hosts == "127.0.0.1/32"


def test_every_feed_parses_with_feedparser(sample_server: SampleServer) -> None:
    expected = sample_server.expected()
    for feed in expected["feeds"]:
        reply = fetch(sample_server.origins[feed["site"]] + feed["path"])
        assert reply.status == 200
        assert reply.headers["Content-Type"] == feed["content_type"]
        parsed = feedparser.parse(reply.body)
        assert not parsed.bozo, (feed["site"], parsed.get("bozo_exception"))
        assert parsed.version == feed["format"]
        assert parsed.feed.title == feed["title"]
        assert [e.link for e in parsed.entries] == feed["links"]
        for entry in parsed.entries:
            assert entry.title and entry.summary and entry.tags
            if feed["format"] != "rss092":  # RSS 0.92 items have no date, id or author
                assert entry.id and entry.author
                assert entry.get("published_parsed") or entry.get("updated_parsed")


def test_feed_dates_agree_with_expected_utc_times(sample_server: SampleServer) -> None:
    expected = sample_server.expected()
    by_link = {a["feed_link"]: a for a in expected["articles"]}
    seen = 0
    for site, url in sample_server.feed_urls.items():
        for entry in feedparser.parse(fetch(url).body).entries:
            stamp = entry.get("published_parsed") or entry.get("updated_parsed")
            if entry.link in by_link and stamp:
                assert time.strftime("%Y-%m-%dT%H:%M:%SZ", stamp) == by_link[entry.link]["published_utc"]
                seen += 1
    assert seen == sum(1 for a in expected["articles"] if a["site"] != "alpine")


def test_every_feed_link_resolves_except_the_deliberate_failure(sample_server: SampleServer) -> None:
    expected = sample_server.expected()
    failing = {sample_server.origins[f["site"]] + f["path"]: f["status"] for f in expected["failures"]}
    links = [link for feed in expected["feeds"] for link in feed["links"]]
    statuses = {link: fetch(link).status for link in links}
    assert {link for link, status in statuses.items() if status != 200} == set(failing)
    assert all(statuses[link] == status for link, status in failing.items())
    assert len(statuses) == len(expected["articles"]) + len(failing)


def test_pages_served_with_declared_charset_except_the_meta_only_page(sample_server: SampleServer) -> None:
    for article in sample_server.expected()["articles"]:
        reply = fetch(sample_server.url(article["site"], article["path"]))
        content_type = reply.headers["Content-Type"]
        if article["charset"] == "windows-1252":
            assert content_type == "text/html"  # only the <meta> names the charset
            text = reply.body.decode("cp1252")
            assert "Zürich" in text and "café" in text and 'charset=windows-1252' in text
            with pytest.raises(UnicodeDecodeError):
                reply.body.decode("utf-8")
        else:
            assert content_type == "text/html; charset=utf-8"
            assert article["title"] in reply.body.decode("utf-8").replace("&#x27;", "'")


def test_no_origin_token_is_left_in_any_served_file(sample_server: SampleServer) -> None:
    from pipeline.sample.corpus import load_manifest

    for site, routes in load_manifest()["routes"].items():
        for path in routes:
            body = fetch(sample_server.url(site, path)).body
            assert b"{{SITE_" not in body, (site, path)


def test_conditional_get_returns_304(sample_server: SampleServer) -> None:
    url = sample_server.feed_urls["herald"]
    first = fetch(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and modified

    assert fetch(url, {"If-None-Match": etag}).status == 304
    assert fetch(url, {"If-None-Match": f'"other", {etag}'}).status == 304
    assert fetch(url, {"If-Modified-Since": modified}).status == 304
    later = format_datetime(parsedate_to_datetime(modified) + timedelta(days=1), usegmt=True)
    assert fetch(url, {"If-Modified-Since": later}).status == 304

    earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
    assert fetch(url, {"If-Modified-Since": earlier}).status == 200
    # A stale ETag wins over a fresh date (RFC 9110: If-None-Match takes precedence).
    stale = fetch(url, {"If-None-Match": '"stale"', "If-Modified-Since": modified})
    assert stale.status == 200 and stale.body == first.body

    not_modified = fetch(url, {"If-None-Match": etag})
    assert not_modified.body == b"" and not_modified.headers["ETag"] == etag


def test_gzip_only_when_accepted(sample_server: SampleServer) -> None:
    url = sample_server.feed_urls["wire"]
    plain = fetch(url)
    zipped = fetch(url, {"Accept-Encoding": "gzip, deflate"})
    refused = fetch(url, {"Accept-Encoding": "gzip;q=0, identity"})
    assert plain.headers.get("Content-Encoding") is None
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert int(zipped.headers["Content-Length"]) == len(zipped.body) < len(plain.body)
    assert gzip.decompress(zipped.body) == plain.body
    assert refused.headers.get("Content-Encoding") is None
    # The gzip variant has its own ETag, and revalidating it gives 304.
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    assert fetch(url, {"If-None-Match": zipped.headers["ETag"], "Accept-Encoding": "gzip"}).status == 304


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, False), ("", False), ("gzip", True), ("br, gzip;q=0.5", True), ("gzip;q=0", False),
     ("*", True), ("deflate", False), ("GZIP", True)],
)
def test_accepts_gzip(header: str | None, expected: bool) -> None:
    assert accepts_gzip(header) is expected


def test_robots_txt_allows_articles_and_disallows_private(sample_server: SampleServer) -> None:
    expected = sample_server.expected()
    for site, origin in sample_server.origins.items():
        reply = fetch(origin + "/robots.txt")
        assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/plain")
        robots = Protego.parse(reply.body.decode())
        for article in (a for a in expected["articles"] if a["site"] == site):
            assert robots.can_fetch(origin + article["path"], "wirebeam")
        assert robots.can_fetch(origin + "/", "wirebeam")
        private = origin + expected["robots"]["disallowed_example"]
        assert not robots.can_fetch(private, "wirebeam")
        assert fetch(private).status == 200  # it exists: only robots.txt keeps a crawler out


def test_unknown_path_is_404_and_head_has_no_body(sample_server: SampleServer) -> None:
    assert fetch(sample_server.url("herald", "/no/such/page")).status == 404
    head = fetch(sample_server.feed_urls["monitor"], method="HEAD")
    get = fetch(sample_server.feed_urls["monitor"])
    assert head.status == 200 and head.body == b""
    assert int(head.headers["Content-Length"]) == len(get.body)


def test_query_strings_are_ignored_and_logged_without_query(sample_server: SampleServer) -> None:
    path = sample_server.expected()["articles"][10]["path"]
    site = sample_server.expected()["articles"][10]["site"]
    sample_server.clear_log()
    assert fetch(sample_server.url(site, path) + "?utm_source=rss&utm_medium=feed").status == 200
    assert sample_server.request_log == [(site, path, 200)]
    record = sample_server.requests[0]
    assert record.query == "utm_source=rss&utm_medium=feed" and record.method == "GET"


def test_request_log_and_concurrency(sample_server: SampleServer) -> None:
    articles = sample_server.expected()["articles"]
    urls = [sample_server.url(a["site"], a["path"]) for a in articles] * 3
    sample_server.clear_log()
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda u: fetch(u, {"User-Agent": "wirebeam-test"}).status, urls))
    assert statuses == [200] * len(urls)
    log = sample_server.request_log
    assert len(log) == len(urls)
    assert sorted(log) == sorted((a["site"], a["path"], 200) for a in articles for _ in range(3))
    assert {r.user_agent for r in sample_server.requests} == {"wirebeam-test"}


def test_serving_is_quiet(sample_server: SampleServer, capfd: pytest.CaptureFixture[str]) -> None:
    fetch(sample_server.feed_urls["wire"])
    fetch(sample_server.url("wire", "/missing"))
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_feed_lists_are_written_and_served(sample_server: SampleServer, tmp_path: Path) -> None:
    for fmt in ("opml", "yaml", "txt"):
        path = sample_server.feed_list_path(fmt, tmp_path / fmt)
        assert path.name == f"feeds.{fmt}" and path.exists()
        content = path.read_bytes()
        assert b"{{SITE_" not in content
        for url in sample_server.feed_urls.values():
            assert url.encode() in content
        served = fetch(sample_server.feed_list_url(fmt))
        assert served.status == 200 and served.body == content
    with pytest.raises(ValueError):
        sample_server.feed_list_url("csv")


def test_stop_closes_ports_and_is_idempotent() -> None:
    server = SampleServer().start()
    url = server.feed_urls["wire"]
    assert fetch(url).status == 200
    server.stop()
    server.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=2)
    with pytest.raises(RuntimeError):
        server.origins


def test_two_servers_run_side_by_side() -> None:
    with SampleServer() as one, SampleServer() as two:
        assert set(one.origins.values()).isdisjoint(two.origins.values())
        assert fetch(one.feed_urls["alpine"]).body.replace(
            one.origins["alpine"].encode(), b"X") == fetch(two.feed_urls["alpine"]).body.replace(
            two.origins["alpine"].encode(), b"X")


def test_command_line_server_writes_port_file(tmp_path: Path) -> None:
    port_file = tmp_path / "ports.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.sample.server", "--port-file", str(port_file)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while not port_file.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        info = json.loads(port_file.read_text())
        assert set(info) == {"origins", "feeds", "feed_lists", "allow_hosts"}
        assert fetch(info["feeds"]["wire"]).status == 200
        assert fetch(info["feed_lists"]["opml"]).status == 200
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
        assert proc.stderr is not None and proc.stderr.read() == b""


def test_runs_from_a_zipped_package(tmp_path: Path) -> None:
    """Data is read through importlib.resources, so it works wherever the package is installed."""
    import zipfile

    archive = tmp_path / "wirebeam.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in (REPO / "pipeline").rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, path.relative_to(REPO).as_posix())
    script = (
        "import urllib.request, pipeline.sample.server as s\n"
        "assert '.zip' in s.__file__\n"
        "with s.SampleServer() as srv:\n"
        "    body = urllib.request.urlopen(srv.feed_urls['monitor'], timeout=5).read()\n"
        "    print(len(srv.expected()['articles']), b'rdf:RDF' in body)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env={"PYTHONPATH": str(archive)},
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(len(load_expected()["articles"])), "True"]


def test_burst_of_connections_is_served_without_backlog_stalls(sample_server: SampleServer) -> None:
    url = sample_server.feed_urls["wire"]
    with ThreadPoolExecutor(max_workers=48) as pool:
        statuses = list(pool.map(lambda _: fetch(url).status, range(96)))
    assert statuses == [200] * 96
    # The stdlib's listen backlog of 5 drops SYNs under such a burst (each retried
    # a second later); the sample server listens with a deep one.
    assert all(server.request_queue_size >= 64 for server in sample_server._servers.values())


def test_failed_start_releases_every_port(monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.sample.server as server_module

    def broken(_origins: object) -> None:
        raise OSError("corpus unreadable")

    monkeypatch.setattr(server_module, "load_resources", broken)
    server = SampleServer()
    with pytest.raises(OSError, match="corpus unreadable"):
        server.start()
    assert server._servers == {} and server._threads == {}
    with pytest.raises(RuntimeError):
        server.origins
