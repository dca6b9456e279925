"""Vega-Lite specs (built with Altair) for the report's charts: pure functions from aggregated rows
(JSON-ready dicts, a few hundred at most) to a spec dict.

Every mark is named, so a test (or anyone reading the Vega scenegraph) can count what was drawn:
the mark `NAME` of a spec shows up in the scenegraph as `NAME_marks`.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from pipeline.report.queries import CATEGORIES, ENTITY_KIND_ORDER

WIDTH = 560
OUTLINES = "country_outlines"
GRAIN_TITLES = {"day": "day (UTC)", "week": "week starting (UTC)", "month": "month (UTC)"}


def _finish(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """One look for every chart; to_dict() validates the spec against the Vega-Lite schema."""
    return (chart.configure_view(stroke=None)
            .configure_axis(labelFontSize=11, titleFontSize=11, gridColor="#eceff3")
            .configure_legend(labelFontSize=11, titleFontSize=11, labelLimit=220)
            .configure_range(category={"scheme": "tableau10"})
            .to_dict())


def articles_chart(rows: list[dict[str, Any]], grain: str) -> dict[str, Any]:
    """Stacked bars: articles per day (bucket), one segment per source."""
    bars = alt.Chart(alt.Data(values=rows), name="articles", width=WIDTH, height=220).mark_bar().encode(
        x=alt.X("day:T", timeUnit="utcyearmonthdate", title=GRAIN_TITLES[grain], axis=alt.Axis(format="%b %d")),
        y=alt.Y("articles:Q", title="articles", stack="zero", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("source:N", title="source"),
        tooltip=[alt.Tooltip("day:T", timeUnit="utcyearmonthdate", title=grain), "source:N", "articles:Q"],
    )
    return _finish(bars)


def failures_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Stacked bars: dead letters per run (oldest left), one segment per stage:reason."""
    runs = len({r["run_id"] for r in rows})
    bars = alt.Chart(alt.Data(values=rows), name="failures", width=min(WIDTH, max(160, 40 * runs)),
                     height=220).mark_bar().encode(
        x=alt.X("run_id:N", title="run", sort=alt.EncodingSortField("run_order", op="min"),
                axis=alt.Axis(labelAngle=-40, labelLimit=140)),
        y=alt.Y("failures:Q", title="dead letters", stack="zero", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("reason:N", title="stage:reason"),
        tooltip=["run_id:N", "started:N", "reason:N", "failures:Q"],
    )
    return _finish(bars)


def events_chart(rows: list[dict[str, Any]], grain: str) -> dict[str, Any]:
    """One panel per category (own scale). Bars: the lower bounds per day, stacked by country (lower
    bounds add up). Over each day a range to the summed upper bounds, and a triangle on top where some
    story gave no upper bound ("at least")."""
    day = alt.X("day:T", timeUnit="utcyearmonthdate", title=GRAIN_TITLES[grain], axis=alt.Axis(format="%b %d"))
    lows = alt.Chart(name="lows").mark_bar().transform_filter("datum.low > 0").encode(
        x=day, y=alt.Y("low:Q", stack="zero", title="people"),
        color=alt.Color("country:N", title="country"),
        tooltip=["day:N", "country:N", "category:N", alt.Tooltip("low:Q", format=",", title="at least"),
                 alt.Tooltip("high:Q", format=",", title="at most"),
                 alt.Tooltip("open_high:Q", title="stories with no upper bound"), alt.Tooltip("stories:Q")],
    )
    per_day = alt.Chart().transform_aggregate(
        low="sum(low)", high="sum(high)", open_high="sum(open_high)", stories="sum(stories)", groupby=["day"],
    ).encode(x=alt.X("day:T", timeUnit="utcyearmonthdate", bandPosition=0.5),
             tooltip=["day:N", alt.Tooltip("low:Q", format=",", title="all countries: at least"),
                      alt.Tooltip("high:Q", format=",", title="at most"),
                      alt.Tooltip("open_high:Q", title="stories with no upper bound"), alt.Tooltip("stories:Q")])
    ranges = per_day.mark_rule(color="#1f2933", strokeWidth=1.5).transform_filter("datum.high > datum.low").encode(
        y="low:Q", y2="high:Q").properties(name="ranges")
    opens = per_day.mark_point(shape="triangle-up", filled=True, size=36, color="#1f2933").transform_filter(
        "datum.open_high > 0").encode(y="high:Q").properties(name="open_bounds")
    layered = alt.layer(lows, ranges, opens, data=alt.Data(values=rows)).properties(width=WIDTH, height=110)
    faceted = layered.facet(
        row=alt.Row("category:N", title=None, sort=list(CATEGORIES),
                    header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold")),
    ).resolve_scale(y="independent")
    return _finish(faceted)


def map_chart(points: list[dict[str, Any]], countries: list[dict[str, Any]], outlines: dict[str, Any]) -> dict[str, Any]:
    """Countries shaded by their stories (grey: none), and a circle per place with stories, sized by them."""
    # The outlines join the spec after Altair has built it: walking 170 countries' coordinates through
    # Altair's validation would take a second and check nothing of ours.
    shading = alt.Chart(
        alt.NamedData(name=OUTLINES, format=alt.DataFormat(property="features", type="json")), name="countries",
    ).mark_geoshape(stroke="#ffffff", strokeWidth=0.4).transform_lookup(
        lookup="properties.code", from_=alt.LookupData(alt.Data(values=countries), key="country", fields=["stories"]),
        default="0",  # without it, Vega-Lite drops the countries that have no story
    ).encode(
        color=alt.when("datum.stories > 0").then(
            alt.Color("stories:Q", title="stories in the country", scale=alt.Scale(scheme="blues", domainMin=0),
                      legend=alt.Legend(format="d", tickMinStep=1))
        ).otherwise(alt.value("#e6e8eb")),
        tooltip=[alt.Tooltip("properties.name:N", title="country"), alt.Tooltip("stories:Q", title="stories")],
    )
    places = alt.Chart(alt.Data(values=points), name="places").mark_circle(
        color="#c2410c", opacity=0.8, stroke="#ffffff", strokeWidth=0.8,
    ).encode(
        longitude="lon:Q", latitude="lat:Q",
        size=alt.Size("stories:Q", title="stories at the place", scale=alt.Scale(range=[30, 600], zero=False),
                      legend=alt.Legend(format="d", tickMinStep=1)),
        tooltip=["place:N", "country:N", "stories:Q", alt.Tooltip("killed:Q", title="killed (lower bounds)"),
                 alt.Tooltip("example:N", title="e.g.")],
    )
    layers = [shading, places] if points else [shading]  # no circles, no legend for them
    layered = alt.layer(*layers).properties(width=WIDTH, height=340).project(type="equalEarth")
    spec = _finish(layered)
    spec.setdefault("datasets", {})[OUTLINES] = outlines
    return spec


def entities_chart(series: list[dict[str, Any]], grain: str) -> dict[str, Any]:
    """Side by side for people, organisations and places: stories mentioning each top name, per day."""
    panels = []
    for kind in ENTITY_KIND_ORDER:
        rows = [r for r in series if r["kind"] == kind]
        if not rows:
            continue
        panels.append(alt.Chart(alt.Data(values=rows), name=f"{kind}_lines", title=kind, width=190, height=170)
                      .mark_line(point=True, strokeWidth=2).encode(
                          x=alt.X("day:T", timeUnit="utcyearmonthdate", title=GRAIN_TITLES[grain],
                                  axis=alt.Axis(format="%b %d", labelAngle=-40)),
                          y=alt.Y("stories:Q", title="stories mentioning", axis=alt.Axis(tickMinStep=1)),
                          color=alt.Color("name:N", title=kind, legend=alt.Legend(orient="bottom", columns=1)),
                          tooltip=["name:N", alt.Tooltip("day:T", timeUnit="utcyearmonthdate", title=grain),
                                   "stories:Q"]))
    return _finish(alt.hconcat(*panels).resolve_scale(color="independent"))
