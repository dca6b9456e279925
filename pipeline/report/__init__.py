"""What a person reads or looks at after a run.

- `summary`: the end-of-run text summary, `wirebeam failures` and `wirebeam stories` (re-exported here, so
  `from pipeline.report import format_summary` keeps working);
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
