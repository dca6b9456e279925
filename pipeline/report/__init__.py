"""What a person reads or looks at after a run.

- `summary`: the end-of-run text summary, `wirebeam failures` and `wirebeam stories` (re-exported here, so
  `from pipeline.report import format_summary` keeps working);
- `wirebeam report`: one self-contained HTML page with charts (`build.py`): the output's finished runs as
  DuckDB views (`dataset.py`), aggregates (`queries.py`), Vega-Lite charts built with Altair (`charts.py`),
  country outlines from an installed package (`geo.py`), sections of words, charts and tables
  (`sections.py`), HTML from the templates shipped in `templates/` (`page.py`) and chart images
  (`export.py`). Those import DuckDB, Altair and vl-convert: only the command imports them.
"""

from pipeline.report.summary import (
    CURRENT_STORIES_SQL,
    format_articles_table,
    format_failures,
    format_stories,
    format_summary,
    latest_stories,
)

__all__ = [
    "CURRENT_STORIES_SQL",
    "format_articles_table",
    "format_failures",
    "format_stories",
    "format_summary",
    "latest_stories",
]
