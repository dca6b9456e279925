from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.urls import article_id, canonicalize_url, choose_canonical, registered_domain

BASE = "https://example.com/world/2024/03/24/iraq-talks"


@pytest.mark.parametrize(
    "variant",
    [
        BASE,
        "http://example.com/world/2024/03/24/iraq-talks",
        "https://www.example.com/world/2024/03/24/iraq-talks",
        "HTTPS://WWW.EXAMPLE.COM/world/2024/03/24/iraq-talks",
        "https://example.com:443/world/2024/03/24/iraq-talks",
        "http://www.example.com:80/world/2024/03/24/iraq-talks#comments",
        BASE + "?utm_source=twitter&utm_medium=social&utm_campaign=spring",
        BASE + "?fbclid=IwAR0abc",
        BASE + "?gclid=xyz&msclkid=1",
        BASE + "?mc_cid=1&mc_eid=2&_ga=3",
        BASE + "/amp",
        "https://example.com/amp/world/2024/03/24/iraq-talks",
        BASE + "?amp=1",
        BASE + "?amp",
        BASE + "?outputType=amp",
        "https://amp.example.com/world/2024/03/24/iraq-talks",
        BASE + ".amp",
        "https://example.com/world/2024/03/./24/x/../iraq-talks",
        "https://user:secret@example.com/world/2024/03/24/iraq-talks",
    ],
)
def test_variants_collapse_to_one_article(variant: str):
    assert canonicalize_url(variant) == BASE
    assert article_id(canonicalize_url(variant)) == article_id(BASE)


def test_meaningful_query_is_kept_and_sorted():
    assert canonicalize_url("https://example.com/story?page=2&id=7&utm_source=x") == "https://example.com/story?id=7&page=2"


def test_non_default_port_keeps_scheme_and_port():
    assert canonicalize_url("http://127.0.0.1:8080/a?x=1#f") == "http://127.0.0.1:8080/a?x=1"
    assert canonicalize_url("https://Example.com:8443/a") == "https://example.com:8443/a"


def test_amp_suffix_before_html_extension():
    assert canonicalize_url("https://example.com/news/story.amp.html") == "https://example.com/news/story.html"


def test_trailing_slash_and_amp_segment():
    assert canonicalize_url("https://example.com/news/story/amp/") == "https://example.com/news/story/"


def test_words_containing_amp_are_not_touched():
    assert canonicalize_url("https://example.com/news/campaign-amplifier") == "https://example.com/news/campaign-amplifier"
    assert canonicalize_url("https://example.com/lamp/") == "https://example.com/lamp/"


def test_empty_path_becomes_slash():
    assert canonicalize_url("https://example.com") == "https://example.com/"


@pytest.mark.parametrize("bad", ["ftp://example.com/a", "javascript:alert(1)", "/relative/path", "mailto:a@b.c", ""])
def test_non_http_urls_are_refused(bad: str):
    with pytest.raises(ValueError):
        canonicalize_url(bad)


def test_article_id_is_32_hex_and_stable():
    ident = article_id(BASE)
    assert len(ident) == 32 and int(ident, 16) >= 0
    assert ident == article_id(BASE)
    assert ident != article_id(BASE + "-2")


def test_registered_domain():
    assert registered_domain("https://www.bbc.co.uk/news") == "bbc.co.uk"
    assert registered_domain("https://edition.cnn.com/x") == "cnn.com"
    # on an IP address or a single-label host, the port tells sites apart
    assert registered_domain("http://127.0.0.1:8000/x") == "127.0.0.1:8000"
    assert registered_domain("http://127.0.0.1:8001/x") != registered_domain("http://127.0.0.1:8000/x")
    assert registered_domain("http://localhost/x") == "localhost"


class TestChooseCanonical:
    def test_canonical_on_another_loopback_site_is_ignored(self):
        got = choose_canonical("http://127.0.0.1:8001/copy", "http://127.0.0.1:8000/original")
        assert got == "http://127.0.0.1:8001/copy"

    def test_same_site_canonical_is_used(self):
        got = choose_canonical("https://m.example.com/s/123?utm_source=x", "https://www.example.com/news/story-123")
        assert got == "https://example.com/news/story-123"

    def test_relative_canonical_is_resolved(self):
        assert choose_canonical("https://example.com/a/b?ref=rss", "/news/b") == "https://example.com/news/b"

    def test_other_domain_canonical_is_ignored(self):
        # A syndicator pointing at the original cannot take the original's id (nor the reverse).
        got = choose_canonical("https://syndicator.net/copy/99", "https://www.example.com/news/story-123")
        assert got == "https://syndicator.net/copy/99"

    def test_lookalike_suffix_domain_is_ignored(self):
        got = choose_canonical("https://example.co.uk/a", "https://evil.co.uk/a")
        assert got == "https://example.co.uk/a"

    def test_home_page_canonical_for_an_article_is_ignored(self):
        assert choose_canonical("https://example.com/news/story", "https://example.com/") == "https://example.com/news/story"

    @pytest.mark.parametrize("value", [None, "", "   ", "javascript:void(0)", "ftp://example.com/x"])
    def test_missing_or_unusable_canonical_falls_back(self, value):
        assert choose_canonical("https://example.com/news/story?fbclid=1", value) == "https://example.com/news/story"


# --- property tests -------------------------------------------------------------

_label = st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True)
_host = st.builds(lambda labels, tld: ".".join([*labels, tld]), st.lists(_label, min_size=1, max_size=3), st.sampled_from(["com", "org", "co.uk", "de", "news"]))
_segment = st.from_regex(r"[A-Za-z0-9._~%-]{1,12}", fullmatch=True)
_path = st.lists(_segment, max_size=5).map(lambda segs: "/" + "/".join(segs))
_param = st.tuples(st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True), st.from_regex(r"[A-Za-z0-9]{0,6}", fullmatch=True))
_trackers = st.lists(
    st.tuples(st.sampled_from(["utm_source", "utm_medium", "utm_campaign", "fbclid", "gclid", "msclkid", "mc_eid"]), st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True)),
    min_size=1, max_size=3,
)
_url = st.builds(
    lambda scheme, www, host, path, params: f"{scheme}://{www}{host}{path}" + ("?" + "&".join(f"{k}={v}" for k, v in params) if params else ""),
    st.sampled_from(["http", "https", "HTTPS"]), st.sampled_from(["", "www."]), _host, _path, st.lists(_param, max_size=3),
)


def test_query_names_that_look_like_html_entities_are_kept():
    # "&sect", "&copy", "&not", "&uml" are legacy HTML entities that need no semicolon.
    url = "https://news.example/story?id=7&section=world&copy=1&notes=2&uml=0"
    assert canonicalize_url(url) == "https://news.example/story?copy=1&id=7&notes=2&section=world&uml=0"
    assert canonicalize_url(canonicalize_url(url)) == canonicalize_url(url)


@settings(max_examples=150, deadline=None)
@given(_url)
def test_canonicalize_is_idempotent(url: str):
    once = canonicalize_url(url)
    assert canonicalize_url(once) == once


@settings(max_examples=150, deadline=None)
@given(_url, _trackers, st.sampled_from(["", "#section-2"]))
def test_tracking_params_and_fragment_are_removed(url: str, trackers, fragment: str):
    sep = "&" if "?" in url else "?"
    tracked = url + sep + "&".join(f"{k}={v}" for k, v in trackers) + fragment
    canonical = canonicalize_url(tracked)
    assert canonical == canonicalize_url(url)
    for key, _ in trackers:
        assert f"{key}=" not in canonical
    assert "#" not in canonical


@settings(max_examples=150, deadline=None)
@given(_host, _path, st.sampled_from(["{s}://{h}{p}/amp", "{s}://{h}{p}?amp=1", "{s}://amp.{h}{p}", "{s}://www.{h}{p}"]), st.sampled_from(["http", "https"]))
def test_scheme_www_and_amp_variants_collapse(host: str, path: str, template: str, scheme: str):
    path = path.rstrip("/") or "/story"
    if path.lower().endswith(".amp") or "/amp" in path.lower():
        path = "/story"
    variant = template.format(s=scheme, h=host, p=path)
    assert canonicalize_url(variant) == canonicalize_url(f"https://{host}{path}")
