"""`wirebeam report`: the output folder -> one self-contained HTML page (and, asked, chart images).

    open the output (finished runs only) -> aggregate in DuckDB -> sections with charts and tables
    -> one HTML file, written atomically -> chart images with --format svg|png
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pipeline.report import queries, sections
from pipeline.report.dataset import Output, Period, open_output
from pipeline.report.export import export_charts
from pipeline.report.geo import MapDataMissing, world_outlines
from pipeline.report.page import Section, render_page

DEFAULT_NAME = "report.html"
PAGE_MODE = 0o644  # readable by all, as a web server serving the page needs; mkstemp's own 0600 is not


@dataclass
class Report:
    path: Path
    totals: dict
    charts: list[str]
    images: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        t = self.totals
        line = (f"report        {self.path}  ({t['articles']:,} articles, {t['stories']:,} stories, "
                f"{t['dead_letters']:,} dead letters, {t['runs']:,} runs; open it in a browser)")
        if self.images:
            line += f"\n  charts      {self.images[0].parent}/ ({len(self.images)} images)"
        return line


def report_sections(out: Output, period: Period) -> tuple[dict, list[Section]]:
    """Everything on the page, from the output: (totals, sections in page order)."""
    totals = queries.totals(out, period)
    grain = queries.grain_for(totals["first_day"], totals["last_day"])
    entities = queries.top_entities(out, period, grain)
    return totals, [
        sections.articles_section(queries.articles_by_day_and_source(out, period, grain),
                                  queries.quiet_feeds(out, period), totals, grain),
        sections.failures_section(queries.failures_by_run(out, period), queries.failing_hosts(out, period), totals,
                                  str(out.path)),
        sections.stories_section(queries.latest_stories(out, period), totals["stories"]),
        sections.casualties_section(queries.event_totals(out, period, grain), grain,
                                    out.has("stories", "country_code") or out.has("articles", "primary_country")),
        _map_section(out, period),
        sections.entities_section(entities["ranking"], entities["series"], grain),
        sections.runs_section(queries.runs_table(out), totals["runs"]),
    ]


def _map_section(out: Output, period: Period) -> Section:
    share = queries.located_share(out, period)
    places = queries.story_places(out, period)
    why_not, outlines = "", None
    if not out.has("stories"):
        why_not = "No stories in this output, so nothing to place on a map."
    elif not out.has("stories", "lat", "lon") and not out.has("stories", "country_code"):
        why_not = ("This output's stories have no places (written before places were added: story schema 1). "
                   "Runs of a wirebeam with places write country_code, admin1, lat and lon on every story.")
    else:
        try:
            outlines = world_outlines()
        except MapDataMissing as error:
            why_not = f"No map: {error}."
    return sections.map_section(places, share, outlines, why_not)


def build_report(output: str, *, since: str | None = None, until: str | None = None, out_file: str | None = None,
                 fmt: str = "html") -> Report:
    from pipeline.report.dataset import parse_day

    period = Period(parse_day(since, "--since"), parse_day(until, "--until"))
    if period.since and period.until and period.since > period.until:
        from pipeline.errors import UsageError

        raise UsageError(f"--since {since} is after --until {until}")
    out = open_output(output, period)
    totals, page_sections = report_sections(out, period)
    title = f"wirebeam report: {Path(output).resolve().name}"
    html = render_page(title=title, sections=page_sections, header=sections.header(
        str(output), period.label, datetime.now(timezone.utc), totals, out.unfinished_rows))
    path = Path(out_file) if out_file else Path(output) / DEFAULT_NAME
    write_atomically(path, html)
    specs = sections.chart_specs(page_sections)
    images = export_charts(specs, path.with_name(f"{path.stem}-charts"), fmt) if fmt != "html" else []
    return Report(path, totals, list(specs), images)


def write_atomically(path: Path, text: str) -> None:
    """A reader (a browser, a web server) never sees half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as sink:
            sink.write(text)
        os.chmod(temp, PAGE_MODE)  # a fixed mode: reading the umask means setting it, for every thread at once
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
