"""The report's content: query results (queries.py) turned into sections of words, charts (charts.py)
and the tables beside them. Pure functions of their inputs, so each can be tested on small rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from pipeline.report import charts
from pipeline.report.geo import country_name
from pipeline.report.page import Figure, Link, Section, Table
from pipeline.report.queries import CATEGORIES, UNKNOWN_COUNTRY

TINY = 10  # fewer articles than this: say the trends mean little
MAP_TABLE_ROWS = 25


@lru_cache(maxsize=1)
def advice() -> dict[str, str]:
    """error_type -> what to do, from the data file shipped with the package."""
    text = (resources.files("pipeline.report") / "data" / "advice.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def jsonable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for a spec: dates as ISO days, times as ISO strings, everything else as JSON has it."""
    def value(v: Any) -> Any:
        if isinstance(v, datetime):
            return v.isoformat()
        if isinstance(v, date):
            return v.isoformat()
        return v
    return [{k: value(v) for k, v in row.items()} for row in rows]


def what_to_do(reason: str) -> str:
    """Advice for a `stage:error_type`: the stage's own when it has one (an extraction timeout is not a
    slow server), else the error type's."""
    found = advice().get(reason) or advice().get(reason.split(":", 1)[-1])
    return found or "See the messages: wirebeam failures --output DIR."


# ---------------------------------------------------------------- formatting

def people_range(low: int | None, high: int | None, open_high: bool = False) -> str:
    """'12', '9–14', '31+' (no upper bound), 'up to 50' (no lower bound)."""
    if low is None and high is None:
        return "–"
    if low is None:
        return f"up to {high:,}"
    text = f"{low:,}" if high in (None, low) else f"{low:,}–{high:,}"
    return text + ("+" if open_high or high is None else "")


def story_counts(counts: list[dict[str, Any]] | None) -> str:
    """'killed 14 (reports 9–14 over 2)' per category, latest figure first."""
    parts = []
    for c in counts or []:
        if c.get("low") is None and c.get("high") is None:
            continue
        text = f"{c['category']} {people_range(c.get('low'), c.get('high'))}"
        if c.get("min_reported") is not None and c.get("min_reported") != c.get("max_reported"):
            text += f" (reports {c['min_reported']:,}–{c['max_reported']:,} over {c.get('n_reports', 0)})"
        parts.append(text)
    return "; ".join(parts) or "–"


def duration(span: timedelta | None) -> str:
    if span is None:
        return "–"
    seconds = int(span.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 120:
        return f"{minutes} min {seconds} s"
    return f"{minutes // 60} h {minutes % 60} min"


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "–"


def country_label(code: str | None) -> str:
    if not code or code == UNKNOWN_COUNTRY or " " in code:
        return code or UNKNOWN_COUNTRY
    name = country_name(code)
    return f"{name} ({code})" if name and name != code else code


def _link(text: str | None, href: str | None) -> Any:
    text = text or "(no title)"
    return Link(text, href) if href else text


# ---------------------------------------------------------------- the small tables beside the charts

def per_day_table(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """Articles per day (bucket), with the day's busiest source."""
    days: dict[Any, list[dict[str, Any]]] = {}
    for r in rows:
        days.setdefault(r["day"], []).append(r)
    table = []
    for day, parts in sorted(days.items()):
        busiest = max((p for p in parts if not p.get("grouped")), key=lambda p: p["articles"], default=None)
        table.append([str(day), sum(p["articles"] for p in parts),
                      f"{busiest['source']} ({busiest['articles']})" if busiest else "–"])
    return table


def per_run_table(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """Dead letters per run, newest first, with its reasons."""
    runs: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        runs.setdefault(r["run_id"], []).append(r)
    ordered = sorted(runs.values(), key=lambda parts: parts[0]["run_order"], reverse=True)
    return [[parts[0]["run_id"], parts[0]["started"], sum(p["failures"] for p in parts),
             ", ".join(f"{p['reason']} ×{p['failures']}" for p in sorted(parts, key=lambda p: -p["failures"]))]
            for parts in ordered]


def per_country_table(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """People per category and country over the period: summed bounds, and the stories behind them."""
    totals: dict[tuple[str, str], list[int]] = {}
    for r in rows:
        t = totals.setdefault((r["category"], r["country"]), [0, 0, 0, 0])
        t[0] += r["low"]
        t[1] += r["high"]
        t[2] += r["open_high"]
        t[3] += r["stories"]
    order = {c: i for i, c in enumerate(CATEGORIES)}
    return [[category, country, people_range(low, high, open_high > 0), stories]
            for (category, country), (low, high, open_high, stories)
            in sorted(totals.items(), key=lambda kv: (order.get(kv[0][0], 99), -kv[1][0], kv[0][1]))]


# ---------------------------------------------------------------- header

def header(output: str, period_label: str, generated: datetime, totals: dict[str, Any],
           unfinished: dict[str, int]) -> dict[str, Any]:
    notes = []
    if totals["articles"] == 0:
        notes.append("No articles in this period. Runs write articles once feeds deliver pages that extract; "
                     "see Failures and Runs below for what happened.")
    elif totals["articles"] < TINY:
        notes.append(f"Only {totals['articles']} article(s) in this period: too few for trends, "
                     "so read the charts as a list of what came in.")
    left_out = {kind: n for kind, n in unfinished.items() if n}
    if left_out:
        notes.append("Left out, as their runs have no manifest yet (still running, or killed and not yet moved "
                     "aside): " + ", ".join(f"{n:,} {kind.replace('_', ' ')} row(s)" for kind, n in left_out.items())
                     + ".")
    span = (f"{totals['first_day']} to {totals['last_day']}" if totals.get("first_day") else "no articles")
    return {
        "output": output, "period": f"{period_label} (articles published {span})",
        "generated": generated.strftime("%Y-%m-%d %H:%M UTC"),
        "tiles": [("articles", totals["articles"]), ("sources", totals["sources"]), ("stories", totals["stories"]),
                  ("dead letters", totals["dead_letters"]), ("runs", totals["runs"])],
        "notes": notes,
    }


# ---------------------------------------------------------------- sections

def articles_section(rows: list[dict[str, Any]], quiet: list[dict[str, Any]], totals: dict[str, Any],
                     grain: str) -> Section:
    section = Section("articles", "Articles per day and source",
                      lead=f"{totals['articles']:,} articles from {totals['sources']:,} sources, by publication "
                           f"{grain} (UTC). Sources past the ten busiest are grouped as 'other sources'.")
    if not rows:
        section.empty = "No articles in this period."
    else:
        section.figures.append(Figure(
            "articles", charts.articles_chart(jsonable(rows), grain),
            Table([grain, "articles", "busiest source"], per_day_table(rows), numeric=frozenset({1})),
            caption="One bar segment per source and " + grain + "; the table gives each " + grain + "'s total.",
            description=f"Stacked bars of articles per {grain} and source"))
    quiet_rows = [[q["feed_title"] or q["source"] or q["feed_url"], q["feed_url"], when(q["last_article"]),
                   duration(q["silent_for"]), duration(q["usual_gap"]), q["articles"], q["last_poll"]] for q in quiet]
    if quiet_rows:
        section.tables.append(Table(
            ["feed", "feed URL", "last new article", "silent for", "usual gap", "articles before", "last run says"],
            quiet_rows, caption="Feeds that went quiet", numeric=frozenset({5}),
            more="Quiet: a feed that delivered new articles in two or more runs, then none for longer than three "
                 "of its usual gaps between deliveries (and at least a day), up to the period's last run."))
    else:
        section.notes.append("No feed went quiet: every feed that delivered before is still delivering at its usual "
                             "pace (quiet = no new article for three of its usual gaps, and at least a day).")
    return section


def failures_section(by_run: list[dict[str, Any]], hosts: list[dict[str, Any]], totals: dict[str, Any],
                     output: str) -> Section:
    section = Section("failures", "Failures",
                      lead=f"{totals['dead_letters']:,} dead letters in this period (one per failed feed, page or "
                           f"document; each run retries them). Every one, with its message: "
                           f"wirebeam failures --output {output}")
    if not by_run:
        section.empty = "No failures in this period."
        return section
    section.figures.append(Figure(
        "failures", charts.failures_chart(jsonable(by_run)),
        Table(["run", "started (UTC)", "dead letters", "reasons"], per_run_table(by_run), numeric=frozenset({2})),
        caption="Dead letters per run (the last 30 runs that had any), by stage and reason.",
        description="Stacked bars of dead letters per run by stage and reason"))
    section.tables.append(Table(
        ["host or file", "dead letters", "URLs", "main reason", "what to do", "last failed (UTC)", "last message"],
        [[h["host"] or "(no host)", h["failures"], h["urls"], h["main_reason"],
          what_to_do(h["main_reason"]),
          when(h["last_failed"]), h["last_message"]] for h in hosts],
        caption="Top failing hosts (a backfill's damaged WARC files by file name)", numeric=frozenset({1, 2})))
    return section


def stories_section(stories: list[dict[str, Any]], total: int) -> Section:
    section = Section("stories", "Latest stories",
                      lead=f"{total:,} stories in this period: one per event however many outlets carried it. "
                           "Counts are the latest report's figure; where reports disagreed or a toll was updated, "
                           "the range they gave follows.")
    if not stories:
        section.empty = "No stories in this period (outputs written before stories were added have none)."
        return section
    section.tables.append(Table(
        ["first published (UTC)", "title", "outlets", "copies", "people counted", "country"],
        [[when(s["first_reported"]), _link(s["title"], s["first_url"]),
          f"{s['n_sources']}: " + ", ".join(s["sources"] or []), s["n_articles"], story_counts(s["event_counts"]),
          country_label(s["country"])] for s in stories],
        caption=f"The {len(stories)} stories seen most recently", numeric=frozenset({3}),
        more="Title links go to the first copy's page on its outlet."))
    return section


def casualties_section(rows: list[dict[str, Any]], grain: str, has_country: bool) -> Section:
    section = Section("casualties", "Casualties, detentions and displacement",
                      lead="People " + ", ".join(CATEGORIES) + " by story day and country, counted once per story "
                           "(the newest row of each story, never once per copy). A line runs from the summed lower "
                           "bounds to the summed upper bounds; a triangle marks that some story gave only a lower "
                           "bound (\"at least\").")
    if not has_country:
        section.notes.append("This output's stories have no country (written before places were added), so every "
                             "count is under 'country unknown'.")
    if not rows:
        section.empty = "No story in this period reports people killed, wounded, detained or displaced."
        return section
    data = [{**r, "country": country_label(r["country"])} for r in jsonable(rows)]
    section.figures.append(Figure(
        "casualties", charts.events_chart(data, grain),
        Table(["category", "country", "people", "stories"], per_country_table(data), numeric=frozenset({2, 3}),
              caption="Over the whole period"),
        caption="Bars: lower bounds, stacked by country. Line: up to the summed upper bounds; triangle: some story "
                "gave no upper bound. In the table a–b runs from the summed lower to the summed upper bounds, and + "
                "means some story gave no upper bound. A story's day is the day its first copy was published.",
        description="Ranges of people killed, wounded, detained and displaced per day and country"))
    return section


def map_section(places: dict[str, list[dict[str, Any]]], share: dict[str, int], outlines: dict[str, Any] | None,
                why_no_map: str) -> Section:
    section = Section("map", "Where the stories are",
                      lead="Each circle is a place stories are about (the story's main place), sized by its stories; "
                           "countries are shaded by their stories.")
    if share["stories"]:
        section.notes.append(f"{share['located']:,} of {share['stories']:,} stories in the period have coordinates; "
                             f"{share['with_country']:,} have a country.")
    if why_no_map:
        section.empty = why_no_map
        return section
    if not places["points"] and not places["countries"]:
        section.empty = "No story in this period has a place with a country or coordinates yet."
        return section
    countries = [{"country": c["country"], "stories": c["stories"]} for c in places["countries"]]
    section.figures.append(Figure(
        "map", charts.map_chart(jsonable(places["points"]), countries, outlines),
        Table(["place", "country", "stories", "killed (lower bounds)"],
              [[p["place"] or f"{p['lat']}, {p['lon']}", country_label(p["country"]), p["stories"], p["killed"]]
               for p in places["points"][:MAP_TABLE_ROWS]] or [
                  ["(no coordinates)", country_label(c["country"]), c["stories"], "–"]
                  for c in places["countries"][:MAP_TABLE_ROWS]],
              numeric=frozenset({2, 3}),
              more=f"and {len(places['points']) - MAP_TABLE_ROWS:,} more places on the map"
              if len(places["points"]) > MAP_TABLE_ROWS else ""),
        caption="Country outlines: Natural Earth 1:110m, from the countryinfo package (installed, never fetched).",
        description="World map of story locations"))
    return section


def entities_section(ranking: list[dict[str, Any]], series: list[dict[str, Any]], grain: str) -> Section:
    section = Section("entities", "People, organisations and places",
                      lead=f"The names in the most stories of the period, and how many stories mentioned them each "
                           f"{grain}. A story counts once however many copies mention the name.")
    if not ranking:
        section.empty = "No entities in this period (articles not enriched, or none yet)."
        return section
    days = sorted({r["day"] for r in series})
    middle = days[len(days) // 2] if len(days) > 1 else None
    earlier: dict[tuple[str, str], int] = {}
    later: dict[tuple[str, str], int] = {}
    for r in series:
        side = later if middle is None or r["day"] >= middle else earlier
        side[(r["kind"], r["name"])] = side.get((r["kind"], r["name"]), 0) + r["stories"]
    section.figures.append(Figure(
        "entities", charts.entities_chart(jsonable(series), grain),
        Table(["kind", "name", "stories", "mentions", "first half → second half"],
              [[r["kind"], r["name"], r["stories"], r["mentions"],
                f"{earlier.get((r['kind'], r['name']), 0)} → {later.get((r['kind'], r['name']), 0)}"
                if middle else "one " + grain] for r in ranking], numeric=frozenset({2, 3})),
        caption="Stories mentioning each name per " + grain + "; the table splits the period in two halves.",
        description="Lines of stories mentioning the top people, organisations and places over time"))
    return section


def runs_section(runs: list[dict[str, Any]], total: int) -> Section:
    section = Section("runs", "Runs", lead=f"{total:,} finished runs in this period; the newest {len(runs)} below, "
                                           "from their manifests (runs/<run_id>.json).")
    if not runs:
        section.empty = "No finished run in this period (a run is finished once its manifest is written)."
        return section
    section.tables.append(Table(
        ["started (UTC)", "run", "mode", "took", "feeds ok / failed", "articles written", "stories new / updated",
         "dead letters", "commonest failures"],
        [[when(r["started"]), r["run_id"], r["mode"], duration(r["duration"]),
          f"{r['feeds_ok']} / {r['feeds_failed']}", r["written"], f"{r['stories_new']} / {r['stories_updated']}",
          r["failed"], ", ".join(f"{k} ×{n}" for k, n in sorted(r["failures"].items(), key=lambda kv: -kv[1])[:3])]
         for r in runs],
        caption="Runs, newest first", numeric=frozenset({5, 7})))
    return section


def chart_specs(sections: list[Section]) -> dict[str, dict[str, Any]]:
    """name -> Vega-Lite spec of every chart on the page (for export and tests)."""
    return {f.name: f.spec for s in sections for f in s.figures}
