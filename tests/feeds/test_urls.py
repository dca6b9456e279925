"""URL shape checks shared by feed lists and item links."""

from __future__ import annotations

import pytest

from pipeline.feeds.urls import UrlRefused, check_http_url, url_identity


@pytest.mark.parametrize(
    ("raw", "base", "expected"),
    [
        ("HTTPS://News.Example/A?b=1#c", None, "https://news.example/A?b=1#c"),  # path keeps its case
        ("https://news.example", None, "https://news.example/"),
        ("//cdn.example/x", "https://news.example/feed", "https://cdn.example/x"),
        ("?page=2", "https://news.example/feed", "https://news.example/feed?page=2"),
        ("http://[2001:db8::1]:8080/x", None, "http://[2001:db8::1]:8080/x"),
        ("\n  https://news.example/a b\t", None, "https://news.example/a%20b"),
    ],
)
def test_accepted_urls(raw: str, base: str | None, expected: str):
    assert check_http_url(raw, base) == expected


@pytest.mark.parametrize(
    ("raw", "reason_part"),
    [
        ("", "empty"),
        ("relative/path", "scheme (none)"),
        ("https://news.example:0/", "port 0"),
        ("https://news.example/\x00x", "control character"),
        ("https://news.example/\x7f", "control character"),
        ("https://@news.example/", "user information"),
        ("https://news.example/" + "x" * 1010, "longer than 1024"),
    ],
)
def test_refused_urls(raw: str, reason_part: str):
    with pytest.raises(UrlRefused) as caught:
        check_http_url(raw)
    assert reason_part in caught.value.reason


def test_length_is_checked_again_after_resolution():
    with pytest.raises(UrlRefused) as caught:
        check_http_url("x" * 30, "https://news.example/" + "y" * 1000 + "/")
    assert "once resolved" in caught.value.reason


def test_url_identity_ignores_case_default_port_and_fragment_only():
    assert url_identity("HTTPS://A.example:443/p?q#f") == url_identity("https://a.example/p?q")
    assert url_identity("http://a.example:80") == url_identity("http://a.example/")
    assert url_identity("https://a.example/P") != url_identity("https://a.example/p")
    assert url_identity("https://a.example:8443/") != url_identity("https://a.example/")
