"""Outputs the report tests read: synthetic ones written with the real schemas (bench/report_output.py),
small enough to build in a second or two."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.report_output import OutputSpec, Truth, write_output

# A title from the web that tries to end the spec's <script> and run its own.
HOSTILE_TITLE = 'Blast </script><script>window.__pwned = 1</script> & <b>"quotes"</b>'
SMALL = OutputSpec(articles=400, days=12, sources=8, runs_per_day=2, seed=3, first_title=HOSTILE_TITLE)


@pytest.fixture(scope="session")
def small_output(tmp_path_factory) -> tuple[Path, Truth]:
    folder = tmp_path_factory.mktemp("report-small")
    return folder, write_output(folder, SMALL)


@pytest.fixture(scope="session")
def old_output(tmp_path_factory) -> tuple[Path, Truth]:
    """An output from before places: no countries on articles, no place columns on stories."""
    folder = tmp_path_factory.mktemp("report-old")
    return folder, write_output(folder, OutputSpec(articles=120, days=5, sources=4, runs_per_day=2, seed=5,
                                                   places=False))


@pytest.fixture(scope="session")
def small_report(small_output, tmp_path_factory) -> Path:
    from pipeline.report.build import build_report

    folder, _ = small_output
    return build_report(str(folder), out_file=str(tmp_path_factory.mktemp("pages") / "small.html")).path
