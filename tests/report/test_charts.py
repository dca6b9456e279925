"""Every chart of the report: a valid Vega-Lite spec that Vega (vl-convert, offline) draws with one mark
per row of the data it was given: one bar per day and source, one range per day with a spread, one
circle per place, one line per name."""

from __future__ import annotations

from collections import defaultdict

import pytest

from pipeline.report import queries
from pipeline.report.build import report_sections
from pipeline.report.dataset import Period, open_output
from pipeline.report.export import export_charts
from pipeline.report.geo import world_outlines
from pipeline.report.sections import chart_specs
from tests.report.pagecheck import drawn_marks, schema_errors


@pytest.fixture(scope="module")
def built(small_output):
    folder, truth = small_output
    out = open_output(str(folder), Period())
    _, page = report_sections(out, Period())
    return out, chart_specs(page)


def test_the_report_has_its_five_charts(built):
    _, specs = built
    assert list(specs) == ["articles", "failures", "casualties", "map", "entities"]


@pytest.mark.parametrize("name", ["articles", "failures", "casualties", "map", "entities"])
def test_each_spec_is_valid_vega_lite(built, name):
    _, specs = built
    assert specs[name]["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
    assert schema_errors(specs[name]) == []


def test_one_bar_per_day_and_source(built):
    out, specs = built
    pairs = out.value("SELECT count(*) FROM (SELECT DISTINCT date, source FROM articles)")
    assert pairs > 20
    assert drawn_marks(specs["articles"])["articles_marks"] == pairs  # 8 sources: none grouped as 'other'


def test_one_bar_per_run_and_reason(built):
    out, specs = built
    rows = queries.failures_by_run(out, Period())
    assert drawn_marks(specs["failures"])["failures_marks"] == len(rows) > 0


def test_casualties_draw_a_bar_per_day_and_country_and_a_range_where_bounds_differ(built):
    out, specs = built
    rows = queries.event_totals(out, Period(), "day")
    per_day: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in rows:
        total = per_day[(r["day"], r["category"])]
        total[0] += r["low"]
        total[1] += r["high"]
        total[2] += r["open_high"]
    drawn = drawn_marks(specs["casualties"])
    assert drawn["lows_marks"] == sum(1 for r in rows if r["low"] > 0)
    assert drawn["ranges_marks"] == sum(1 for low, high, _ in per_day.values() if high > low) > 0
    assert drawn["open_bounds_marks"] == sum(1 for *_, n in per_day.values() if n > 0) > 0
    assert drawn["cell"] == len({r["category"] for r in rows})


def test_the_map_draws_every_country_outline_and_a_circle_per_place(built):
    out, specs = built
    drawn = drawn_marks(specs["map"])
    assert drawn["countries_marks"] == len(world_outlines()["features"]) > 150
    assert drawn["places_marks"] == len(queries.story_places(out, Period())["points"]) == 16


def test_one_line_per_top_name(built):
    out, specs = built
    ranking = queries.top_entities(out, Period(), "day")["ranking"]
    drawn = drawn_marks(specs["entities"])
    for kind in ("people", "organisations", "places"):
        assert drawn[f"{kind}_lines_pathgroup"] == sum(1 for r in ranking if r["kind"] == kind) > 0


def test_outlines_wind_as_vega_draws_them():
    """d3-geo reads a counter-clockwise outer ring as the whole globe but the country."""
    from pipeline.report.geo import _ring_area

    for feature in world_outlines()["features"]:
        polygons = feature["geometry"]["coordinates"]
        if feature["geometry"]["type"] == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            assert _ring_area(polygon[0]) < 0, feature["properties"]["name"]


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_charts_export_as_images(built, tmp_path, fmt):
    _, specs = built
    written = export_charts({"articles": specs["articles"], "map": specs["map"]}, tmp_path, fmt)
    assert [p.name for p in written] == [f"articles.{fmt}", f"map.{fmt}"]
    head = written[0].read_bytes()[:200]
    assert head.startswith(b"\x89PNG") if fmt == "png" else b"<svg" in head


def test_a_map_of_countries_alone_has_no_circles_and_no_legend_for_them():
    from pipeline.report.charts import map_chart

    spec = map_chart([], [{"country": "SD", "stories": 2}], world_outlines())
    assert schema_errors(spec) == []
    drawn = drawn_marks(spec)
    assert drawn["countries_marks"] == len(world_outlines()["features"]) and "places_marks" not in drawn
