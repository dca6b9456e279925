"""HttpClient against real misbehaving servers on 127.0.0.1."""

from __future__ import annotations

import ipaddress
import pickle
import threading
import time
import tracemalloc
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.fetch import FetchPolicy, HttpClient
from pipeline.fetch.politeness import HostGate
from pipeline.fetch.retries import parse_retry_after
from pipeline.fetch.robots import RobotsCache
from pipeline.fetch.transport import GuardedHTTPConnection
from pipeline.records import StageError
from tests.fetch.conftest import FAST
from tests.fetch.hostile_server import BOMBS, HTML, MiB, HostileServer
from tests.fetch.strategies import spelling


def fails(client: HttpClient, url: str, kind: str = "page") -> StageError:
    with pytest.raises(StageError) as info:
        client.fetch(url, kind=kind)
    return info.value


def redirect_to(server: HostileServer, url: str) -> str:
    return server.url("/redirect-to?url=" + quote(url, safe=""))


# ------------------------------------------------------------------ SSRF canaries


CANARY_HOSTS = ["127.0.0.1", "2130706433", "0177.0.0.1", "127.1", "0x7f.1", "[::ffff:127.0.0.1]", "localhost"]


@pytest.mark.parametrize("host", CANARY_HOSTS)
def test_default_policy_refuses_loopback_and_server_sees_nothing(server, host):
    # The server's own port is allowed so that the *address* check alone must refuse.
    policy = FetchPolicy(allowed_ports=(80, 443, server.port), per_host_delay=0.0, obey_robots=False)
    client = HttpClient(policy, gate=HostGate.for_policy(policy), robots=RobotsCache())
    err = fails(client, server.url("/ok", host=host))
    assert err.error_type == "blocked_address"
    assert "--allow-hosts" in err.message
    assert server.connections == 0 and server.requests == []


def test_default_policy_refuses_loopback_on_odd_port_too(server):
    client = HttpClient(FetchPolicy(), gate=HostGate(), robots=RobotsCache())
    assert fails(client, server.url("/ok")).error_type == "blocked_address"
    assert fails(client, server.url("/ok", host="localhost")).error_type == "blocked_port"
    assert server.connections == 0


def test_allow_networks_opens_loopback(server, client):
    resp = client.fetch(server.url("/ok"))
    assert (resp.status, resp.body, resp.attempts, resp.not_modified) == (200, HTML, 1, False)
    assert resp.url == server.url("/ok")
    assert resp.headers["content-type"] == "text/html; charset=utf-8"
    assert resp.fetched_at.tzinfo is not None
    assert server.requests[0].headers["user-agent"] == FAST.user_agent


def test_public_name_resolving_to_private_address_is_refused(server, make_client):
    # A resolver that answers like a hostile DNS server would: a public name, a private address.
    client = make_client(FetchPolicy(allowed_ports=(server.port,), per_host_delay=0, obey_robots=False))
    client._resolver = lambda host, port: ["93.184.216.34", "127.0.0.1"]
    err = fails(client, server.url("/ok", host="news.example.com"))
    assert err.error_type == "blocked_address" and "127.0.0.1" in err.message
    assert server.connections == 0


def test_connects_to_the_checked_address_but_keeps_the_host_name(server, client):
    client._resolver = lambda host, port: ["127.0.0.1"]
    resp = client.fetch(server.url("/ok", host="news.example.test"))
    assert resp.status == 200
    assert server.requests[0].headers["host"] == f"news.example.test:{server.port}"


def test_unresolvable_name_is_a_dns_error(server, client):
    err = fails(client, server.url("/ok", host="no-such-host.invalid"))
    assert err.error_type == "dns_error" and "no-such-host.invalid" in err.message


def test_connections_refuse_to_open_outside_a_fetch():
    conn = GuardedHTTPConnection("127.0.0.1", 9)
    with pytest.raises(RuntimeError, match="HttpClient.fetch"):
        conn.connect()


# ------------------------------------------------------------------ status codes and retries


def test_404_is_an_http_error_without_retry(server, client):
    err = fails(client, server.url("/status/404"))
    assert (err.error_type, err.http_status, err.attempts) == ("http_error", 404, 1)
    assert "404" in err.message and "gone" in err.message
    assert server.hits("/status/404") == 1


def test_500_then_success_is_retried(server, client):
    resp = client.fetch(server.url("/flaky/a/2"))
    assert (resp.status, resp.attempts) == (200, 3)
    assert server.hits("/flaky/a/2") == 3


def test_persistent_500_gives_up_after_three_attempts(server, client):
    err = fails(client, server.url("/status/500"))
    assert (err.error_type, err.http_status, err.attempts) == ("http_error", 500, 3)
    assert server.hits("/status/500") == 3


def test_retry_after_is_honoured(server, client):
    started = time.monotonic()
    resp = client.fetch(server.url("/flaky/ra/1/503/1"))
    assert (resp.status, resp.attempts) == (200, 2)
    assert time.monotonic() - started >= 0.9  # waited the server's 1 s, not our 0.01 s backoff


def test_long_retry_after_defers_the_host_to_the_next_run(server, client):
    started = time.monotonic()
    err = fails(client, server.url("/retry-after/86400"))
    assert (err.error_type, err.http_status, err.attempts) == ("retry_later", 503, 1)
    assert "86,400" in err.message and "next run" in err.message
    # The host asked for a day off: later URLs of it are deferred without asking it.
    assert fails(client, server.url("/ok")).error_type == "retry_later"
    assert server.paths() == ["/retry-after/86400"]
    assert time.monotonic() - started < 10  # no wait at all (honouring it would take a day; the cap is 120 s)


def test_parse_retry_after():
    from datetime import datetime, timezone

    now = datetime(2025, 1, 1, tzinfo=timezone.utc)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 01 Jan 2025 00:01:00 GMT", now) == 60.0
    assert parse_retry_after("Tue, 31 Dec 2024 00:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_conditional_get_returns_not_modified(server, client):
    first = client.fetch(server.url("/conditional"))
    again = client.fetch(server.url("/conditional"), headers={"If-None-Match": first.headers["etag"]})
    assert (again.status, again.not_modified, again.body) == (304, True, b"")


# ------------------------------------------------------------------ redirects


def test_five_redirects_are_followed(server, client):
    resp = client.fetch(server.url("/redirect/5"))
    assert (resp.status, resp.url, resp.body) == (200, server.url("/ok"), HTML)


def test_six_redirects_are_too_many(server, client):
    err = fails(client, server.url("/redirect/6"))
    assert err.error_type == "too_many_redirects"
    assert server.hits("/ok") == 0


def test_redirect_loop(server, client):
    err = fails(client, server.url("/loop/a"))
    assert err.error_type == "redirect_loop"
    assert server.paths() == ["/loop/a", "/loop/b"]


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("http://169.254.169.254/computeMetadata/v1/", "blocked_address"),
        ("http://metadata.google.internal/", "blocked_address"),
        ("http://127.0.0.2/", "blocked_address"),  # loopback, but not the allowed /32
        ("file:///etc/passwd", "bad_scheme"),
        ("http://8.8.8.8:8080/", "blocked_port"),
    ],
)
def test_every_redirect_hop_is_rechecked(server, client, target, code):
    err = fails(client, redirect_to(server, target))
    assert err.error_type == code
    assert err.message.startswith("redirect from ")
    assert server.connections == 1  # only the first hop reached anything


def test_redirect_body_is_never_read(server, client):
    # A 302 whose body is a bomb: the client follows Location and ignores the body.
    def bomb_redirect(sock, req):
        from tests.fetch.hostile_server import gzip_bomb, send

        return send(sock, 302, gzip_bomb(1024), {"Location": "/ok", "Content-Encoding": "gzip"})

    server.extra_routes["/bomb-redirect"] = bomb_redirect
    resp = client.fetch(server.url("/bomb-redirect"))
    assert resp.body == HTML


# ------------------------------------------------------------------ size caps and bombs


@pytest.mark.parametrize("coding", ["gzip", "br", "deflate", "gzip+br"])
def test_decompression_bombs_are_refused(server, client, coding):
    BOMBS[coding][1](32)  # build this coding's bomb before the request: the server must answer fast
    err = fails(client, server.url(f"/bomb/{coding}/32"))
    assert err.error_type == "too_large" and "decompressed" in err.message
    assert err.attempts == 1


def test_gigabyte_bomb_is_refused_without_inflating_it(server, make_client):
    client = make_client(max_bytes=FetchPolicy().max_bytes, deadline=10.0, read_timeout=5.0)
    url = server.url("/bomb/gzip/1024")  # 1 GiB of zeros in ~1 MB on the wire
    client.fetch(server.url("/ok"))  # warm up the pool outside the measurement
    tracemalloc.start()
    try:
        err = fails(client, url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert err.error_type == "too_large"
    assert peak < 24 * MiB, f"peak {peak / MiB:.1f} MiB while refusing a 1 GiB bomb (cap 5 MiB)"


def test_stacked_encodings_are_decoded(server, client):
    resp = client.fetch(server.url("/stacked"))
    assert resp.body == HTML
    assert resp.headers["content-encoding"] == "gzip, br"


def test_corrupt_and_unknown_encodings_are_decode_errors(server, client):
    assert fails(client, server.url("/bad-gzip")).error_type == "decode_error"
    err = fails(client, server.url("/coding/compress"))
    assert err.error_type == "decode_error" and "compress" in err.message


def test_cap_is_exact(server, client):
    cap = FAST.max_bytes["page"]
    assert len(client.fetch(server.url(f"/big/{cap}")).body) == cap
    assert fails(client, server.url(f"/big/{cap + 1}")).error_type == "too_large"
    assert len(client.fetch(server.url(f"/big/{cap + 1}"), kind="feed").body) == cap + 1


def test_endless_chunked_body_is_cut_at_the_cap(server, client):
    err = fails(client, server.url("/endless-chunked"))
    assert err.error_type == "too_large"


def test_content_length_lying_short_yields_declared_bytes_and_a_clean_pool(server, client):
    assert client.fetch(server.url("/lie-short")).body == b"hello"
    # The junk after the body must not be read as the next response.
    assert client.fetch(server.url("/lie-short")).body == b"hello"
    assert client.fetch(server.url("/ok")).body == HTML


def test_content_length_lying_long_is_a_broken_connection(server, client):
    err = fails(client, server.url("/lie-long"))
    assert err.error_type == "connect_error" and "IncompleteRead" in err.message
    assert err.attempts == 3


# ------------------------------------------------------------------ slow servers


def test_slow_drip_body_hits_the_deadline(server, make_client):
    client = make_client(retries=0, deadline=0.6)
    started = time.monotonic()
    err = fails(client, server.url("/drip/0.05"))
    elapsed = time.monotonic() - started
    assert err.error_type == "timeout" and "deadline" in err.message
    assert 0.55 <= elapsed < 10  # the drip never ends: returning at all is the deadline working


def test_slow_drip_status_line_hits_the_deadline(server, make_client):
    client = make_client(retries=0, deadline=0.6)
    started = time.monotonic()
    err = fails(client, server.url("/drip-head/0.05"))
    assert err.error_type == "timeout"
    assert time.monotonic() - started < 10  # the status line never ends either


def test_server_that_never_answers_times_out_and_is_retried(server, make_client):
    client = make_client(read_timeout=0.2)
    started = time.monotonic()
    err = fails(client, server.url("/silent"))
    assert (err.error_type, err.attempts) == ("timeout", 3)
    # The server logs a request when it has read it, which may be just after the client gave up on it.
    deadline = time.monotonic() + 5
    while server.hits("/silent") < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.hits("/silent") == 3
    assert time.monotonic() - started < 10  # three 0.2 s timeouts and short backoffs, on a busy machine


def test_self_signed_certificate_is_a_tls_error_never_retried(tls_server, client):
    err = fails(client, tls_server.url("/ok"))
    assert (err.error_type, err.attempts) == ("tls_error", 1)
    assert "verified" in err.message
    assert tls_server.requests == []  # no request was sent over the unverified channel


# ------------------------------------------------------------------ politeness


def test_per_host_delay_spaces_requests(server, make_client):
    client = make_client(per_host_delay=0.1)
    for _ in range(10):
        client.fetch(server.url("/ok"))
    times = [r.at for r in server.requests]
    gaps = [b - a for a, b in zip(times, times[1:])]
    # 0.1 s jittered by 0.5-1.5x, start to start. The server stamps arrivals, and on a busy
    # machine one stamp can be tens of ms late, which shortens one gap (CI saw 0.027 s); the
    # mean barely moves, since the gaps sum to last stamp - first stamp.
    # never back to back (no delay: every gap ~1 ms); one late stamp can shorten one gap to a few ms
    assert sorted(gaps)[1] >= 0.01
    assert sum(gaps) / len(gaps) >= 0.06  # mean ~0.1; 0.06 is ~4 sigma below


def test_one_request_in_flight_per_host(server, make_client):
    client = make_client(per_host_concurrency=1)
    threads = [threading.Thread(target=client.fetch, args=(server.url("/slow/0.1"),)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    spans = sorted(server.spans)
    assert len(spans) == 4
    assert all(prev_end <= start for (_, prev_end), (start, _) in zip(spans, spans[1:]))


def test_concurrency_two_overlaps(server, make_client):
    client = make_client(per_host_concurrency=2)
    threads = [threading.Thread(target=client.fetch, args=(server.url("/slow/0.2"),)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    (s1, e1), (s2, e2) = sorted(server.spans)
    assert s2 < e1  # the two requests were served at the same time


def test_failing_host_is_skipped_after_five_failures(server, make_client):
    client = make_client(retries=0)
    for _ in range(5):
        assert fails(client, server.url("/status/502")).error_type == "http_error"
    err = fails(client, server.url("/ok"))
    assert err.error_type == "host_skipped" and "5 fetches" in err.message
    assert server.hits("/ok") == 0 and server.hits("/status/502") == 5


def test_a_success_resets_the_failure_count(server, make_client):
    client = make_client(retries=0)
    for _ in range(4):
        fails(client, server.url("/status/500"))
    client.fetch(server.url("/ok"))
    for _ in range(4):
        fails(client, server.url("/status/500"))
    assert client.fetch(server.url("/ok")).status == 200


def test_404s_do_not_count_against_the_host(server, make_client):
    client = make_client(retries=0)
    for _ in range(7):
        fails(client, server.url("/status/404"))
    assert client.fetch(server.url("/ok")).status == 200


# ------------------------------------------------------------------ threads and pickling


def test_client_is_thread_safe(server, make_client):
    client = make_client(per_host_concurrency=4)
    results: list[bytes] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(5):
            body = client.fetch(server.url("/ok")).body
            with lock:
                results.append(body)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [HTML] * 40


def test_client_pickles_to_a_working_client(server, client):
    copy = pickle.loads(pickle.dumps(client))
    assert copy.policy == client.policy
    assert copy.fetch(server.url("/ok")).body == HTML


def test_unknown_kind_is_a_programming_error(server, client):
    with pytest.raises(ValueError):
        client.fetch(server.url("/ok"), kind="video")


def test_servers_on_different_ports_are_different_hosts(make_client):
    # One failing server must not get another (same address, other port) skipped.
    client = make_client(retries=0, host_failure_limit=2)
    with HostileServer() as bad, HostileServer() as good:
        for _ in range(2):
            fails(client, bad.url("/status/500"))
        assert fails(client, bad.url("/ok")).error_type == "host_skipped"
        assert client.fetch(good.url("/ok")).status == 200


def test_chunked_gzip_bomb_is_refused(server, client):
    # The chunked path of urllib3 decodes separately from the Content-Length path.
    def chunked_bomb(sock, req):
        from tests.fetch.hostile_server import gzip_bomb

        sock.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n")
        body = gzip_bomb(64)
        for i in range(0, len(body), 4096):
            piece = body[i : i + 4096]
            sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
        sock.sendall(b"0\r\n\r\n")
        return False

    server.extra_routes["/chunked-bomb"] = chunked_bomb
    err = fails(client, server.url("/chunked-bomb"))
    assert err.error_type == "too_large"


@pytest.fixture(scope="module")
def canary_server():
    with HostileServer() as srv:
        yield srv


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_no_spelling_of_loopback_reaches_the_server(canary_server, data):
    host = data.draw(spelling(int(ipaddress.IPv4Address("127.0.0.1"))))
    policy = FetchPolicy(allowed_ports=(80, 443, canary_server.port), per_host_delay=0.0, obey_robots=False)
    client = HttpClient(policy, gate=HostGate.for_policy(policy), robots=RobotsCache())
    assert fails(client, canary_server.url("/ok", host=host)).error_type == "blocked_address"
    assert canary_server.connections == 0
