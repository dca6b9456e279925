"""The words and small tables of the report, and the page model's escaping: pure functions on small rows."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from pipeline.report import sections
from pipeline.report.page import Link, Table, render_page, spec_json
from tests.report.pagecheck import read_page, remote_references


@pytest.mark.parametrize(("low", "high", "open_high", "text"), [
    (12, 12, False, "12"),
    (9, 14, False, "9–14"),
    (31, None, False, "31+"),
    (31, 31, True, "31+"),
    (2500, 2600, True, "2,500–2,600+"),
    (None, 50, False, "up to 50"),
    (None, None, False, "–"),
])
def test_people_range(low, high, open_high, text):
    assert sections.people_range(low, high, open_high) == text


def test_story_counts_show_the_latest_figure_and_what_reports_said():
    counts = [
        {"category": "killed", "low": 14, "high": 14, "min_reported": 9, "max_reported": 14, "n_reports": 2},
        {"category": "wounded", "low": 22, "high": None, "min_reported": 22, "max_reported": 22, "n_reports": 1},
        {"category": "missing", "low": None, "high": None},
    ]
    assert sections.story_counts(counts) == "killed 14 (reports 9–14 over 2); wounded 22+"
    assert sections.story_counts([]) == "–"


@pytest.mark.parametrize(("seconds", "text"), [(12.4, "12 s"), (185, "3 min 5 s"), (3 * 3600 + 120, "3 h 2 min")])
def test_duration(seconds, text):
    assert sections.duration(timedelta(seconds=seconds)) == text


def test_per_day_table_totals_each_day_and_names_its_busiest_source():
    rows = [{"day": date(2026, 1, 1), "source": "A", "articles": 3}, {"day": date(2026, 1, 1), "source": "B",
                                                                       "articles": 5},
            {"day": date(2026, 1, 1), "source": "other sources", "grouped": True, "articles": 9},
            {"day": date(2026, 1, 2), "source": "A", "articles": 1},
            {"day": date(2026, 1, 2), "source": "other news", "grouped": False, "articles": 4}]  # a real source
    assert sections.per_day_table(rows) == [["2026-01-01", 17, "B (5)"], ["2026-01-02", 5, "other news (4)"]]


def test_per_country_table_sums_bounds_and_keeps_open_ones_open():
    rows = [{"category": "killed", "country": "Sudan (SD)", "low": 10, "high": 12, "open_high": 0, "stories": 2},
            {"category": "killed", "country": "Sudan (SD)", "low": 5, "high": 5, "open_high": 1, "stories": 1},
            {"category": "wounded", "country": "Iraq (IQ)", "low": 3, "high": 3, "open_high": 0, "stories": 1},
            {"category": "killed", "country": "Iraq (IQ)", "low": 40, "high": 40, "open_high": 0, "stories": 1}]
    assert sections.per_country_table(rows) == [
        ["killed", "Iraq (IQ)", "40", 1], ["killed", "Sudan (SD)", "15–17+", 3], ["wounded", "Iraq (IQ)", "3", 1]]


def test_country_labels_name_the_country():
    assert sections.country_label("SD") == "Sudan (SD)"
    assert sections.country_label(None) == "country unknown"
    assert sections.country_label("other countries") == "other countries"


def test_advice_covers_the_dead_letter_reasons_of_the_fault_table():
    advice = sections.advice()
    for error_type in ("http_error", "timeout", "connect_error", "tls_error", "too_large", "robots_disallowed",
                       "robots_unavailable", "blocked_address", "not_a_feed", "no_text", "not_html", "unsafe_xml",
                       "retry_later", "host_skipped", "bad_link"):
        assert isinstance(advice[error_type], str) and len(advice[error_type]) > 20


def test_advice_follows_the_stage_where_it_differs():
    assert "--extract-timeout" in sections.what_to_do("extract:timeout")
    assert "--read-timeout" in sections.what_to_do("page:timeout")
    assert "recompress" in sections.what_to_do("warc:not_per_record")
    assert all(not sections.what_to_do(f"warc:{kind}").startswith("See the messages") for kind in (
        "corrupt", "truncated", "bad_length", "bad_record", "not_per_record", "not_warc", "read_error", "too_large"))
    assert sections.what_to_do("page:something_new").startswith("See the messages")


def test_spec_json_cannot_end_its_script_element():
    text = spec_json({"title": "</script><script>alert(1)</script> & more"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["title"] == "</script><script>alert(1)</script> & more"


def test_only_http_links_stay_links():
    table = Table(["title"], [[Link("ok", "https://example.org/a")], [Link("bad", "javascript:alert(1)")],
                              [Link("data", "data:text/html,hi")]])
    assert table.rows == [[Link("ok", "https://example.org/a")], ["bad"], ["data"]]


def test_the_page_escapes_text_from_the_web(tmp_path):
    section = sections.Section("stories", "Latest stories", tables=[Table(
        ["title"], [[Link('<img src=x onerror=alert(1)>', 'https://e.org/"><script>')]])])
    html = render_page(title="t", header={"output": "o", "period": "p", "generated": "g", "tiles": [], "notes": []},
                       sections=[section])
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="https://e.org/&#34;&gt;&lt;script&gt;"' in html
    page_file = tmp_path / "p.html"
    page_file.write_text(html, encoding="utf-8")
    assert remote_references(read_page(page_file)) == []


def test_remote_references_finds_what_a_page_would_fetch(tmp_path):
    """The check the report's tests rely on, shown to catch each kind of remote load."""
    page_file = tmp_path / "bad.html"
    page_file.write_text(
        '<html><head><link rel="stylesheet" href="https://cdn.example/x.css"><style>@import "//cdn.example/y.css";'
        '</style><script src="https://cdn.jsdelivr.net/npm/vega@6"></script></head><body>'
        '<a href="https://example.org/fine">a link to click is fine</a><img src="http://example.org/i.png">'
        '<script type="application/json" id="spec-x">{"data": {"url": "https://example.org/d.json"}}</script>'
        '</body></html>', encoding="utf-8")
    found = remote_references(read_page(page_file))
    assert len(found) == 5, found
    assert not any("fine" in f for f in found)
