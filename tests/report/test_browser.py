"""The report in a real browser: Debian's headless Chromium opens the page from disk with every
non-file request blocked (and the browser offline), and every chart draws with no console error.
CI installs chromium (.ci/run): without it this test fails, it never skips."""

from __future__ import annotations

import pytest

from tests.report.browser import INSTALL_HINT, chromium_path, visit
from tests.report.pagecheck import SECTION_IDS


@pytest.fixture(scope="module")
def browser_ready() -> None:
    if chromium_path() is None:
        pytest.fail(f"the report's browser test needs Debian's chromium: {INSTALL_HINT}")


def check_visit(seen, charts: set[str]) -> None:
    assert seen.console_errors == []
    assert seen.failed_requests == []
    assert seen.blocked_requests == []  # nothing even tried to reach the network
    assert seen.sections == list(SECTION_IDS)
    assert set(seen.charts) == charts
    for name, chart in seen.charts.items():
        assert chart["rendered"] == "ok", name
        assert chart["kind"] == "svg" and chart["width"] > 100 and chart["height"] > 100, (name, chart)
        assert chart["marks"] > 0, name


def test_the_report_draws_every_chart_offline_and_runs_no_script_from_the_data(browser_ready, small_report, tmp_path):
    shot = tmp_path / "small.png"
    seen = visit(small_report, shot, probe="() => window.__pwned === undefined")
    check_visit(seen, {"articles", "failures", "casualties", "map", "entities"})
    assert seen.probe is True  # the hostile title's <script> stayed text
    assert shot.read_bytes()[:4] == b"\x89PNG" and shot.stat().st_size > 100_000


def test_the_check_sees_a_page_that_reaches_out_or_fails(browser_ready, tmp_path):
    """The same visit on a page that loads a CDN script and breaks: the check must see both."""
    page = tmp_path / "bad.html"
    page.write_text('<html><body><section id="x"><div data-chart="c"></div></section>'
                    '<script src="https://cdn.jsdelivr.net/npm/vega@6"></script>'
                    '<script>document.documentElement.setAttribute("data-charts", "done"); undefinedCall();</script>'
                    '</body></html>', encoding="utf-8")
    seen = visit(page)
    assert seen.blocked_requests == ["https://cdn.jsdelivr.net/npm/vega@6"]
    assert any("undefinedCall" in e for e in seen.console_errors)
    assert seen.charts["c"]["width"] == 0 and seen.charts["c"]["rendered"] is None
