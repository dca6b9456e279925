"""The report's aggregates against what was written: per story not per copy, the newest story row,
finished runs only, the period, quiet feeds, failing hosts, and outputs from before places."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline.report import queries
from pipeline.report.dataset import Output, Period, open_output


def one(sql: str) -> tuple:
    return duckdb.connect().execute(sql).fetchone()


def test_grain_is_day_then_week_then_month():
    start = date(2026, 1, 1)
    assert queries.grain_for(start, start + timedelta(days=62)) == "day"
    assert queries.grain_for(start, start + timedelta(days=63)) == "week"
    assert queries.grain_for(start, start + timedelta(days=800)) == "month"
    assert queries.grain_for(None, None) == "day"


def test_a_feed_is_quiet_after_three_of_its_usual_gaps_and_at_least_a_day():
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    six_hourly = [t0 + timedelta(hours=6 * i) for i in range(10)]
    last = six_hourly[-1]
    assert queries.quiet_verdict(six_hourly, last + timedelta(hours=20)) is None  # silent 20 h: under a day
    verdict = queries.quiet_verdict(six_hourly, last + timedelta(hours=25))
    assert verdict == {"silent_for": timedelta(hours=25), "usual_gap": timedelta(hours=6)}
    weekly = [t0 + timedelta(days=7 * i) for i in range(5)]
    assert queries.quiet_verdict(weekly, weekly[-1] + timedelta(days=10)) is None  # a weekly feed: 10 days is fine
    assert queries.quiet_verdict(weekly, weekly[-1] + timedelta(days=22)) is not None
    assert queries.quiet_verdict(six_hourly[:1], last + timedelta(days=30)) is None  # never delivered twice


def test_totals_match_what_was_written(small_output):
    folder, truth = small_output
    totals = queries.totals(open_output(str(folder), Period()), Period())
    assert (totals["articles"], totals["stories"], totals["dead_letters"], totals["runs"]) == (
        truth.articles, truth.stories, truth.dead_letters, truth.runs)
    assert totals["sources"] == 8


def test_people_are_summed_over_current_story_rows_not_over_copies(small_output):
    folder, truth = small_output
    out = open_output(str(folder), Period())
    rows = queries.event_totals(out, Period(), "day")
    by_category: dict[str, int] = {}
    for row in rows:
        by_category[row["category"]] = by_category.get(row["category"], 0) + row["low"]
    assert by_category == {c: n for c, n in truth.current_low.items() if c in queries.CATEGORIES}
    # Summing the articles' counts would count every copy: more, for the same events.
    per_copy = one(f"""
        SELECT sum(e.low) FROM (SELECT unnest(event_counts) AS e
        FROM read_parquet('{folder}/articles/*/*.parquet')) WHERE e.category = 'killed'""")[0]
    assert per_copy > by_category["killed"]


def test_an_updated_story_counts_its_newest_row(small_output):
    folder, truth = small_output
    assert truth.updated_story, "the synthetic output has an updated story"
    out = open_output(str(folder), Period())
    rows = out.rows(f"SELECT event_counts FROM ({queries.story_facts_sql(out)}) WHERE story_id = ?",
                    [truth.updated_story["story_id"]])
    assert len(rows) == 1
    assert [c["low"] for c in rows[0]["event_counts"]] == [c["low"] for c in truth.updated_story["event_counts"]]
    all_rows = one(f"SELECT count(*) FROM read_parquet('{folder}/stories/*/*.parquet') "
                   f"WHERE story_id = '{truth.updated_story['story_id']}'")[0]
    assert all_rows == 2


def test_rows_of_unfinished_runs_are_left_out_and_counted(small_output, tmp_path):
    folder, truth = small_output
    copy = tmp_path / "out"
    shutil.copytree(folder, copy)
    source = next(copy.glob("articles/date=*/*.parquet"))
    table = pq.read_table(source)
    unfinished = table.set_column(table.schema.get_field_index("run_id"), "run_id",
                                  [["20991231T000000Z"] * table.num_rows])
    pq.write_table(unfinished, source.parent / "20991231T000000Z-0.parquet")  # no manifest: still running
    out = open_output(str(copy), Period())
    assert queries.totals(out, Period())["articles"] == truth.articles
    assert out.unfinished_rows["articles"] == table.num_rows


def test_the_period_bounds_every_section(small_output):
    folder, _ = small_output
    period = Period(date(2026, 11, 3), date(2026, 11, 5))
    out = open_output(str(folder), period)
    days = {r["day"] for r in queries.articles_by_day_and_source(out, period, "day")}
    assert days == {date(2026, 11, 3), date(2026, 11, 4), date(2026, 11, 5)}
    assert {r["day"] for r in queries.event_totals(out, period, "day")} <= days
    assert all(period.contains(r["started"].date()) for r in queries.runs_table(out, limit=1000))
    assert len(queries.runs_table(out, limit=1000)) == 3 * 2  # two runs a day
    assert all(r["day"] in days for r in queries.top_entities(out, period, "day")["series"])


def test_the_feed_that_stopped_is_quiet_and_no_other(small_output):
    folder, truth = small_output
    quiet = queries.quiet_feeds(open_output(str(folder), Period()), Period())
    assert [q["feed_url"] for q in quiet] == truth.quiet_feeds
    assert quiet[0]["silent_for"] > timedelta(days=9)
    assert quiet[0]["last_poll"].startswith("polled fine")


def test_failing_hosts_add_up_to_the_dead_letters(small_output):
    folder, truth = small_output
    hosts = queries.failing_hosts(open_output(str(folder), Period()), Period())
    assert {h["host"] for h in hosts} <= {"slow.example", "gone.example", "private.example", "scripted.example"}
    assert sum(h["failures"] for h in hosts) == truth.dead_letters
    assert all(h["main_reason"] in h["reasons"] for h in hosts)


def test_failures_per_run_keep_the_last_runs_in_order(small_output):
    folder, truth = small_output
    rows = queries.failures_by_run(open_output(str(folder), Period()), Period())
    assert sum(r["failures"] for r in rows) <= truth.dead_letters
    orders = [r["run_order"] for r in rows]
    assert orders == sorted(orders) and len({r["run_id"] for r in rows}) <= queries.FAILURE_RUNS
    starts = {r["run_id"]: r["started"] for r in rows}
    assert list(starts.values()) == sorted(starts.values())


def test_entities_count_stories_not_copies(small_output):
    folder, _ = small_output
    out = open_output(str(folder), Period())
    top = queries.top_entities(out, Period(), "day")["ranking"][0]
    stories, copies = one(f"""
        SELECT count(DISTINCT story_id), count(*) FROM (SELECT story_id, unnest(entity_summary) AS e
        FROM read_parquet('{folder}/articles/*/*.parquet')) WHERE e.canonical = '{top["name"]}'""")
    assert top["stories"] == stories < copies


def test_places_come_from_story_rows_with_coordinates(small_output):
    folder, truth = small_output
    out = open_output(str(folder), Period())
    places = queries.story_places(out, Period())
    share = queries.located_share(out, Period())
    assert sum(p["stories"] for p in places["points"]) == share["located"] == share["with_country"]
    assert 0 < share["located"] < truth.stories  # a fifth of the stories have no place
    assert {p["place"] for p in places["points"]} >= {"Khartoum", "Kyiv"}


def test_an_output_from_before_places_reads_with_country_unknown(old_output):
    folder, truth = old_output
    out = open_output(str(folder), Period())
    assert not out.has("stories", "country_code") and not out.has("articles", "primary_country")
    rows = queries.event_totals(out, Period(), "day")
    assert rows and {r["country"] for r in rows} == {queries.UNKNOWN_COUNTRY}
    assert queries.story_places(out, Period()) == {"points": [], "countries": []}
    assert len(queries.latest_stories(out, Period(), limit=1000)) == truth.stories


@pytest.mark.parametrize("kind", ["articles", "stories"])
def test_v1_rows_without_newer_columns_read_beside_newer_ones(small_output, tmp_path, kind):
    """union_by_name: an old file lacking columns reads with them null, not as an error."""
    folder, truth = small_output
    copy = tmp_path / "out"
    shutil.copytree(folder, copy)
    source = next(copy.glob(f"{kind}/date=*/*.parquet"))
    table = pq.read_table(source)
    keep = [n for n in table.column_names if n not in ("story_id", "version", "countries", "primary_country",
                                                       "place", "country_code", "admin1", "lat", "lon")]
    pq.write_table(table.select(keep), source)
    out = open_output(str(copy), Period())
    assert queries.totals(out, Period())["articles"] == truth.articles
    assert queries.event_totals(out, Period(), "day")



def test_a_backfills_warc_file_dead_letters_are_grouped_by_file_name_not_as_no_host():
    con = duckdb.connect()
    con.execute("""CREATE VIEW dead_letters AS SELECT *, 'why' AS message, TIMESTAMPTZ '2026-01-01 00:00:00+00' AS failed_at
        FROM (VALUES ('warc', '/data/cc/CC-NEWS-1.warc.gz#byte=1234', 'corrupt'),
                     ('warc', '/data/cc/CC-NEWS-1.warc.gz#byte=98765', 'truncated'),
                     ('warc', '/data/cc/CC-NEWS-1.warc.gz', 'read_error'),
                     ('warc', 'gs://bucket/cc/CC-NEWS-2.warc.gz#byte=5', 'corrupt'),
                     ('warc', 'https://news.example/huge', 'too_large'),
                     ('warc', 'https://data.commoncrawl.org/crawl-data/CC-NEWS-3.warc.gz', 'read_error'),
                     ('feed', 'javascript:alert(1)', 'bad_link')) t(stage, url, error_type)""")
    out = Output(path=Path("."), con=con, finished_runs=[], manifests=[], kinds=frozenset({"dead_letters"}))
    hosts = {h["host"]: h["failures"] for h in queries.failing_hosts(out, Period())}
    assert hosts == {"CC-NEWS-1.warc.gz": 3, "CC-NEWS-2.warc.gz": 1, "news.example": 1, "data.commoncrawl.org": 1,
                     "": 1}  # a link that is no URL still has no host


def test_a_source_called_other_something_is_a_source_and_can_be_the_busiest(monkeypatch):
    from pipeline.report.sections import per_day_table

    monkeypatch.setattr(queries, "TOP_SOURCES", 2)
    con = duckdb.connect()
    con.execute("""CREATE VIEW articles AS SELECT DATE '2026-01-01' AS date, source FROM (VALUES
        ('other news'), ('other news'), ('other news'), ('A'), ('A'), ('B')) t(source)""")
    out = Output(path=Path("."), con=con, finished_runs=[], manifests=[], kinds=frozenset({"articles"}))
    rows = queries.articles_by_day_and_source(out, Period(), "day")
    assert {(r["source"], r["grouped"], r["articles"]) for r in rows} == {
        ("other news", False, 3), ("A", False, 2), ("other sources", True, 1)}
    assert per_day_table(rows) == [["2026-01-01", 6, "other news (3)"]]
