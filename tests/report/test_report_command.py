"""`wirebeam report` as a command: what it writes, what it says, and its exit codes for folders that
are not wirebeam output (2), damaged files (5), empty and old outputs (a report that says so)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.cli import run_command
from pipeline.errors import EXIT_DATA, EXIT_OK, EXIT_USAGE
from tests.report.conftest import HOSTILE_TITLE
from tests.report.pagecheck import SECTION_IDS, read_page, remote_references

MANIFEST = {"run_id": "20261201T000000Z", "started_at": "2026-12-01T00:00:00+00:00",
            "finished_at": "2026-12-01T00:00:09+00:00", "mode": "batch", "status": "finished",
            "counters": {"feeds_ok": 1, "feeds_failed": 0, "article_rows_written": 0, "dead_lettered": 0},
            "feeds": [], "files": {"articles": [], "dead_letters": []}}


def report(capsys, *args: str) -> tuple[int, str, str]:
    code = run_command("report", list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_writes_one_page_and_says_where(small_output, tmp_path, capsys):
    folder, truth = small_output
    code, out, _ = report(capsys, "--output", str(folder), "--out", str(tmp_path / "r.html"))
    assert code == EXIT_OK
    assert out.strip().splitlines()[0].startswith(f"report        {tmp_path / 'r.html'}  ({truth.articles:,} articles")
    assert len(out.strip().splitlines()) == 1  # `make run` stays short
    page = read_page(tmp_path / "r.html")
    assert page.sections == list(SECTION_IDS)
    assert remote_references(page) == []
    assert "default-src 'none'" in page.csp


def test_default_file_is_in_the_output_folder(old_output, capsys):
    folder, _ = old_output
    assert report(capsys, "--output", str(folder))[0] == EXIT_OK
    assert (folder / "report.html").stat().st_size > 500_000  # the inlined Vega JavaScript alone is ~900 KB


def test_text_from_the_web_is_escaped_everywhere(small_report):
    html = small_report.read_text(encoding="utf-8")
    assert HOSTILE_TITLE not in html and "window.__pwned = 1</script>" not in html
    assert "Blast &lt;/script&gt;&lt;script&gt;window.__pwned = 1&lt;/script&gt; &amp; &lt;b&gt;" in html


def test_the_page_holds_aggregates_not_rows(small_output, small_report):
    """400 articles of ~40 sentences each: none of their text is in the page, and the page is small."""
    html = small_report.read_text(encoding="utf-8")
    assert "Witnesses described scenes of chaos" not in html
    assert small_report.stat().st_size < 2_000_000


def test_a_period_that_holds_nothing_gives_a_report_that_says_so(small_output, tmp_path, capsys):
    folder, _ = small_output
    code, _, _ = report(capsys, "--output", str(folder), "--since", "2030-01-01", "--out", str(tmp_path / "r.html"))
    assert code == EXIT_OK
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "No articles in this period" in html and "No failures in this period" in html
    assert read_page(tmp_path / "r.html").specs == {}  # nothing to chart: no empty charts either


def test_an_output_with_a_run_and_nothing_else(tmp_path, capsys):
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "20261201T000000Z.json").write_text(json.dumps(MANIFEST), encoding="utf-8")
    code, out, _ = report(capsys, "--output", str(tmp_path))
    assert code == EXIT_OK and "(0 articles, 0 stories, 0 dead letters, 1 runs" in out
    page = read_page(tmp_path / "report.html")
    assert page.sections == list(SECTION_IDS)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "No articles in this period" in html and "20261201T000000Z" in html


def test_an_output_from_before_places_says_country_unknown_and_why_there_is_no_map(old_output, tmp_path, capsys):
    folder, _ = old_output
    assert report(capsys, "--output", str(folder), "--out", str(tmp_path / "r.html"))[0] == EXIT_OK
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "country unknown" in html and "written before places were added" in html
    assert "map" not in read_page(tmp_path / "r.html").specs


@pytest.fixture
def no_outlines_package(monkeypatch):
    """The report without the package the map's outlines come from (installed without the report extra)."""
    from pipeline.report import geo

    caches = (geo._countries, geo.world_outlines, geo._names)
    for cache in caches:
        cache.cache_clear()
    monkeypatch.setattr(geo, "PACKAGE", "no_such_outlines_package")
    yield
    for cache in caches:
        cache.cache_clear()


def test_without_the_outlines_package_the_map_section_says_so_and_the_rest_is_there(small_output, tmp_path, capsys,
                                                                                   no_outlines_package):
    folder, _ = small_output
    assert report(capsys, "--output", str(folder), "--out", str(tmp_path / "r.html"))[0] == EXIT_OK
    page = read_page(tmp_path / "r.html")
    assert "map" not in page.specs and set(page.specs) == {"articles", "failures", "casualties", "entities"}
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "No map: the map&#39;s country outlines come from the no_such_outlines_package package" in html
    assert all(f'id="{section}"' in html for section in SECTION_IDS)


@pytest.mark.parametrize("args", [["--since", "2026-11-10", "--until", "2026-11-01"], ["--since", "yesterday"]])
def test_a_bad_period_is_a_usage_error(small_output, capsys, args):
    folder, _ = small_output
    code, _, err = report(capsys, "--output", str(folder), *args)
    assert code == EXIT_USAGE and ("--since" in err)


def test_a_folder_that_is_not_wirebeam_output_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    code, _, err = report(capsys, "--output", str(tmp_path))
    assert code == EXIT_USAGE
    assert "is not a wirebeam output folder" in err and "wirebeam run --output" in err
    assert not (tmp_path / "report.html").exists()


@pytest.mark.parametrize("folder", ["/no/such/folder", "gs://bucket/news"])
def test_a_missing_or_remote_folder_is_a_usage_error(capsys, folder):
    code, _, err = report(capsys, "--output", folder)
    assert code == EXIT_USAGE and folder in err


def test_a_damaged_parquet_file_exits_5_and_names_it(small_output, tmp_path, capsys):
    folder, _ = small_output
    copy = tmp_path / "out"
    shutil.copytree(folder, copy)
    damaged = next(copy.glob("articles/date=*/*.parquet"))
    damaged.write_bytes(b"PAR1 this is not parquet PAR1")
    code, _, err = report(capsys, "--output", str(copy))
    assert code == EXIT_DATA
    assert damaged.name in err


def test_a_damaged_manifest_exits_5_and_names_it(small_output, tmp_path, capsys):
    folder, _ = small_output
    copy = tmp_path / "out"
    shutil.copytree(folder, copy)
    damaged = sorted(copy.glob("runs/*.json"))[-1]
    damaged.write_text("{ not json", encoding="utf-8")
    code, _, err = report(capsys, "--output", str(copy))
    assert code == EXIT_DATA and str(damaged) in err and "move it aside" in err


def test_format_svg_writes_the_page_and_every_chart_as_an_image(small_output, tmp_path, capsys):
    folder, _ = small_output
    code, out, _ = report(capsys, "--output", str(folder), "--out", str(tmp_path / "r.html"), "--format", "svg")
    assert code == EXIT_OK and "r-charts/ (5 images)" in out
    images = sorted(p.name for p in (tmp_path / "r-charts").iterdir())
    assert images == ["articles.svg", "casualties.svg", "entities.svg", "failures.svg", "map.svg"]
    assert all(b"<svg" in (tmp_path / "r-charts" / name).read_bytes()[:300] for name in images)
    assert Path(tmp_path / "r.html").exists()


def test_the_page_is_readable_by_all_whatever_the_umask_and_left_whole(tmp_path):
    """0644 from a fixed mode: the umask is never set to read it (that changes it for every thread at once)."""
    import os
    import stat

    from pipeline.report.build import write_atomically

    before = os.umask(0o077)
    try:
        write_atomically(tmp_path / "r.html", "<html></html>")
    finally:
        os.umask(before)
    assert stat.S_IMODE((tmp_path / "r.html").stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]  # no temp file left beside it
