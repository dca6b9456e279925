"""The report of the bundled demo, as `make run` writes it: a real run on the sample corpus, then
`wirebeam report` on its output. Every section is there, nothing would be fetched, every chart is
valid Vega-Lite and draws offline (vl-convert) one bar per day and source, and in Chromium with the
network off every chart draws with no console error; a full-page screenshot is taken (the README's
docs/report.png is this screenshot, refreshed with `python -m tests.report.browser`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.report.browser import INSTALL_HINT, chromium_path, visit
from tests.report.pagecheck import SECTION_IDS, drawn_marks, read_page, remote_references, schema_errors

pytestmark = pytest.mark.slow


def wirebeam(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory) -> tuple[Path, Path, str]:
    out = tmp_path_factory.mktemp("demo")
    run = wirebeam("demo", "--output", str(out))
    assert run.returncode == 0, run.stderr[-3000:]
    made = wirebeam("report", "--output", str(out))
    assert made.returncode == 0, made.stderr[-3000:]
    return out, out / "report.html", made.stdout


def test_the_command_says_where_the_report_is(demo_report):
    out, page, stdout = demo_report
    assert stdout.startswith(f"report        {page}  (")
    assert "1 dead letters, 1 runs" in stdout


def test_every_section_is_there_and_nothing_is_fetched(demo_report):
    _, page_path, _ = demo_report
    page = read_page(page_path)
    assert page.sections == list(SECTION_IDS)
    assert remote_references(page) == []
    assert page_path.stat().st_size < 5_000_000


def test_each_chart_is_valid_and_draws_offline(demo_report):
    out, page_path, _ = demo_report
    specs = read_page(page_path).specs
    assert {"articles", "failures", "casualties", "entities"} <= set(specs)
    for name, spec in specs.items():
        assert schema_errors(spec) == [], name
        assert any(n.endswith("_marks") and count > 0 for n, count in drawn_marks(spec).items()), name
    pairs = duckdb.connect().execute(
        f"SELECT count(*) FROM (SELECT DISTINCT date, source FROM read_parquet('{out}/articles/*/*.parquet', "
        "hive_partitioning = true))").fetchone()[0]
    assert drawn_marks(specs["articles"])["articles_marks"] == pairs > 4
    assert drawn_marks(specs["failures"])["failures_marks"] == 1  # one run, one reason: page:http_error


def test_the_demo_report_in_chromium(demo_report, tmp_path):
    if chromium_path() is None:
        pytest.fail(f"the report's browser test needs Debian's chromium: {INSTALL_HINT}")
    _, page_path, _ = demo_report
    shot = tmp_path / "report.png"
    seen = visit(page_path, shot)
    assert (seen.console_errors, seen.failed_requests, seen.blocked_requests) == ([], [], [])
    assert seen.sections == list(SECTION_IDS)
    assert set(seen.charts) == set(read_page(page_path).specs)
    for name, chart in seen.charts.items():
        assert chart["rendered"] == "ok" and chart["width"] > 100 and chart["height"] > 100, (name, chart)
    assert shot.read_bytes()[:4] == b"\x89PNG" and seen.page_height > 2000
