"""What a person reads at the end of a run: a short summary from the manifest,
and `wirebeam failures` to list a run's dead letters."""

from __future__ import annotations

from collections import Counter
from typing import Any


def format_summary(manifest: dict[str, Any], manifest_location: str) -> str:
    c = manifest["counters"]
    files = manifest["files"]
    partitions: Counter[str] = Counter()
    for f in files.get("articles", []):
        partitions[f["partition"]] += f["rows"]
    duplicates = c.get("duplicate_copies", 0)
    lines = [f"wirebeam run {manifest['run_id']} finished"]
    if manifest.get("feeds_listed"):
        lines += [
            f"  feeds         {c['feeds_ok']} ok, {c['feeds_failed']} failed (of {manifest['feeds_listed']} listed)",
            f"  items         {c['items_seen']} seen, {c['items_queued']} queued for fetching",
            f"  pages         {c['pages_fetched']} fetched",
        ]
    enriched = f"{c['enriched']} enriched" + (f", {c['not_enriched']} not enriched" if c["not_enriched"] else "")
    lines += [
        f"  articles      {c['extracted']} extracted, {duplicates} duplicate(s) dropped, {enriched}",
        f"  written       {c['article_rows_written']} article rows in {len(files.get('articles', []))} file(s), "
        f"{c['dead_letter_rows_written']} dead letter(s)",
    ]
    story_rows = sum(f["rows"] for f in files.get("stories", []))
    if story_rows:
        lines.append(f"  stories       the articles form {story_rows} stories: {c.get('stories_new', 0)} new, "
                     f"{c.get('stories_updated', 0)} carried on from earlier runs")
    if partitions:
        lines.append("  partitions    " + ", ".join(f"{p} ({n})" for p, n in sorted(partitions.items())))
    if c["dead_letters_by_error"]:
        lines.append("  failures      " + ", ".join(f"{k} x{n}" for k, n in c["dead_letters_by_error"].items()))
    output = manifest["output"]
    lines += [
        f"  output        {output}/articles/date=*/{manifest['run_id']}-*.parquet",
        *([f"  stories       {output}/stories/date=*/{manifest['run_id']}-*.parquet  (wirebeam stories --output {output})"]
          if story_rows else []),
        f"  dead letters  {output}/dead_letters/date=*/{manifest['run_id']}-*.parquet",
        f"  manifest      {manifest_location}",
    ]
    if c["dead_lettered"]:
        lines.append(f"  why things failed: wirebeam failures --output {output} --run-id {manifest['run_id']}")
    return "\n".join(lines)


def format_failures(rows: list[tuple[str, str, str, str]]) -> str:
    """(stage, error_type, url, message) rows -> a readable list, grouped by reason."""
    if not rows:
        return "no dead letters"
    lines = []
    for stage, error_type, url, message in sorted(rows):
        lines.append(f"{stage}:{error_type}  {url}\n    {message}")
    return "\n".join(lines)


def format_articles_table(paths: list[str], limit: int = 25) -> str:
    """A short table of the articles a run wrote, read back from its files."""
    import pyarrow.parquet as pq

    rows = []
    for path in paths:
        table = pq.read_table(path)  # every column: files of an older schema lack primary_country
        rows.extend(table.select([c for c in ("published_at", "source", "language", "title", "entity_summary",
                                              "event_counts", "primary_country") if c in table.column_names]).to_pylist())
    rows.sort(key=lambda r: r["published_at"])
    lines = [f"{'published (UTC)':16}  {'source':22}  {'lang':4}  {'country':7}  {'entities':8}  {'counts':24}  title"]
    for row in rows[:limit]:
        # the incident's counts; cumulative and round-up totals ("since 2023, 20,000 killed") are kept apart
        counts = ", ".join(f"{c['category']} {c['low']}" for c in (row["event_counts"] or [])
                           if c["low"] and (c.get("scope") or "incident") == "incident")
        lines.append(
            f"{row['published_at']:%Y-%m-%d %H:%M}  {(row['source'] or '')[:22]:22}  {(row['language'] or '-'):4}  "
            f"{(row.get('primary_country') or '-'):7}  {len(row['entity_summary'] or []):8}  {counts[:24]:24}  "
            f"{(row['title'] or '')[:60]}"
        )
    if len(rows) > limit:
        lines.append(f"... and {len(rows) - limit} more")
    return "\n".join(lines)


# The newest row per story is its current view (stories are append-only).
CURRENT_STORY_ROW = "QUALIFY row_number() OVER (PARTITION BY story_id ORDER BY last_seen DESC, n_articles DESC, run_id DESC) = 1"
CURRENT_STORIES_SQL = f"""
SELECT * FROM read_parquet('{{folder}}/*/*.parquet', hive_partitioning = true)
{CURRENT_STORY_ROW}
"""


def latest_stories(output: str, since: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The current view of the stories last seen most recently (since a day, if given), from OUTPUT/stories."""
    import duckdb

    query = CURRENT_STORIES_SQL.format(folder=f"{output.rstrip('/')}/stories")
    query = f"SELECT * FROM ({query}) WHERE ? IS NULL OR last_seen >= CAST(? AS TIMESTAMPTZ) ORDER BY last_seen DESC LIMIT {int(limit)}"
    con = duckdb.connect()
    cursor = con.execute(query, [since, since])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def format_stories(stories: list[dict[str, Any]]) -> str:
    """A short table: first seen, sources, where (country and division), merged counts (latest figure,
    low-high over reports), title."""
    if not stories:
        return "no stories yet"
    lines = [f"{'first seen (UTC)':16}  {'sources':>7}  {'where':18}  {'counts (latest; reported range)':34}  title"]
    for story in stories:
        counts = ", ".join(
            f"{c['category']} {c['low']}" + (f" ({c['min_reported']}-{c['max_reported']})"
                                             if c["min_reported"] != c["max_reported"] else "")
            for c in (story["event_counts"] or []) if c["low"]
        )
        where = " ".join(filter(None, (story.get("country_code"), story.get("admin1")))) or "-"
        lines.append(f"{story['first_seen']:%Y-%m-%d %H:%M}  {story['n_sources']:>7}  {where[:18]:18}  {counts[:34]:34}  "
                     f"{(story['title'] or '')[:60]}")
    return "\n".join(lines)
