"""End to end on a real Beam runner: the bundled sample served on loopback ->
Parquet partitions, dead letters and manifest, read back with DuckDB, pyarrow
and pandas. Two runs with different run ids into one folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from pipeline.sample.server import SampleServer
from pipeline.sinks.schema import ARTICLE_SCHEMA, DEAD_LETTER_SCHEMA

pytestmark = pytest.mark.slow

# first-run and second-run share the default state: the second writes no article
# twice. fresh-state-run uses its own --state, so it writes a second full set.
RUNS = (("first-run", "opml", None), ("second-run", "yaml", None), ("fresh-state-run", "txt", "other-state"))


def wirebeam(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    with SampleServer() as server:
        lists = tmp_path_factory.mktemp("lists")
        results = []
        for run_id, fmt, state in RUNS:
            feeds = server.feed_list_path(fmt, lists)
            state_args = ["--state", str(out / state)] if state else []
            results.append(
                wirebeam("run", "--feeds", str(feeds), "--output", str(out), "--run-id", run_id,
                         "--allow-hosts", server.allow_hosts, "--per-host-delay", "0", *state_args)
            )
        expected = server.expected()
    for result in results:
        assert result.returncode == 0, result.stderr[-3000:]
    return out, results, expected


def articles(out: Path, run_id: str) -> pd.DataFrame:
    con = duckdb.connect()
    return con.execute(
        f"SELECT * FROM read_parquet('{out}/articles/*/*.parquet', hive_partitioning = true) WHERE run_id = ?",
        [run_id],
    ).df()


def test_summary_says_what_was_written_and_where(demo):
    out, results, _ = demo
    stdout = results[0].stdout
    assert "wirebeam run first-run finished" in stdout
    assert f"{out}/articles/date=*/first-run-*.parquet" in stdout
    assert "page:http_error x1" in stdout


def test_articles_land_in_date_partitions_with_title_text_and_date(demo):
    out, _, expected = demo
    df = articles(out, "first-run")
    assert len(df) >= 15
    assert df["title"].str.len().min() > 0
    assert df["text"].str.len().min() > 200
    assert df["published_at"].notna().all()
    assert df["date"].astype(str).nunique() >= 2
    # the partition is the UTC date of published_at
    assert (df["published_at"].dt.strftime("%Y-%m-%d") == df["date"].astype(str).str[:10]).all()
    assert df["article_id"].is_unique


def test_each_expected_article_has_its_title_date_and_language(demo):
    out, _, expected = demo
    df = articles(out, "first-run").set_index("item_link")
    wanted = [a for a in expected["articles"] if a["status"] == 200]
    assert len(df) == len(wanted)
    for article in wanted:
        row = df.loc[article["feed_link"]]
        assert row["canonical_url"] == article["canonical_url"], article["id"]
        assert row["title"] == article["title"], article["id"]
        assert row["language"] == article["language"], article["id"]
        assert row["published_at_source"] in article["acceptable_date_sources"], article["id"]
        assert str(row["date"])[:10] == article["date_utc"], (article["id"], row["published_at"])


def test_feed_item_metadata_is_joined(demo):
    out, _, _ = demo
    df = articles(out, "first-run")
    assert df["feed_url"].notna().all() and df["feed_title"].notna().all()
    assert df["item_guid"].notna().sum() >= 12  # the RSS 0.92 feed has no guids
    assert (df["word_count"] > 100).all()
    assert df["content_sha256"].str.fullmatch(r"[0-9a-f]{64}").all()


def test_syndicated_copy_shares_the_content_hash(demo):
    out, _, expected = demo
    df = articles(out, "first-run")
    dupes = df.groupby("content_sha256")["source"].nunique()
    assert (dupes >= 2).sum() == 1, "the syndicated pair should share one content hash across two sites"


def test_dead_letter_for_the_failing_page(demo):
    out, _, expected = demo
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT stage, url, feed_url, error_type, http_status, attempts, message FROM "
        f"read_parquet('{out}/dead_letters/*/*.parquet', hive_partitioning = true) WHERE run_id = 'first-run'"
    ).fetchall()
    assert len(rows) == 1
    stage, url, feed_url, error_type, status, attempts, message = rows[0]
    assert (stage, error_type, status) == ("page", "http_error", 404)
    assert feed_url and url.startswith("http://127.0.0.1:")
    assert "404" in message
    assert pq.read_schema(next((out / "dead_letters").rglob("first-run-*.parquet"))).equals(
        DEAD_LETTER_SCHEMA, check_metadata=False
    )


def test_manifest_counts_match_the_files(demo):
    out, _, _ = demo
    manifest = json.loads((out / "runs" / "first-run.json").read_text())
    c = manifest["counters"]
    df = articles(out, "first-run")
    assert manifest["status"] == "finished"
    assert c["feeds_ok"] == 4 and c["feeds_failed"] == 0
    assert c["article_rows_written"] == len(df) == c["written"]
    assert c["dead_lettered"] == 1 and c["dead_letters_by_error"] == {"page:http_error": 1}
    assert c["items_seen"] >= c["items_queued"] >= c["pages_fetched"] == c["extracted"]
    listed = {f["path"] for f in manifest["files"]["articles"]}
    on_disk = {str(p) for p in (out / "articles").rglob("first-run-*.parquet")}
    assert listed == on_disk
    assert sum(f["items_seen"] for f in manifest["feeds"]) == c["items_seen"]
    assert manifest["started_at"] < manifest["finished_at"]


def test_files_match_the_published_schema(demo):
    from pipeline.sinks.schema import ARTICLE_SCHEMA_VERSION
    from pipeline.stories.schema import STORY_SCHEMA, STORY_SCHEMA_VERSION

    out, _, _ = demo
    schemas = Path(__file__).resolve().parents[2] / "schemas"
    for folder, expected, name in (("articles", ARTICLE_SCHEMA, f"article.v{ARTICLE_SCHEMA_VERSION}.json"),
                                   ("stories", STORY_SCHEMA, f"story.v{STORY_SCHEMA_VERSION}.json")):
        schema_file = json.loads((schemas / name).read_text())
        paths = list((out / folder).rglob("*.parquet"))
        assert paths, folder
        for path in paths:
            schema = pq.read_schema(path)
            assert schema.equals(expected, check_metadata=False), path
            assert schema.names == [f["name"] for f in schema_file["fields"]]


def test_every_article_has_a_story_and_the_syndicated_copy_shares_it(demo):
    out, _, _ = demo
    rows = [r for p in (out / "articles").rglob("first-run-*.parquet") for r in pq.read_table(p).to_pylist()]
    assert all(r["story_id"] for r in rows)
    darfur = {r["source"]: r["story_id"] for r in rows if r["title"] and r["title"].startswith("Paramilitary shelling")}
    assert len(darfur) == 2 and len(set(darfur.values())) == 1  # the AP story on two sites: one story
    # besides: a Reuters story on three sites (one story), one outlet's morning and evening versions (one story)
    assert len({r["story_id"] for r in rows}) == len(rows) - 1 - 2 - 1  # every other article is its own story


def _same_story_rows(out: Path, expected: dict, kind: str) -> list[dict]:
    """The first run's article rows of one `same_story` group of expected.json, in the group's order."""
    (group,) = [g for g in expected["same_story"] if g["kind"] == kind]
    urls = {a["id"]: a["canonical_url"] for a in expected["articles"]}
    rows = {r["canonical_url"]: r for p in (out / "articles").rglob("first-run-*.parquet")
            for r in pq.read_table(p).to_pylist()}
    return [rows[urls[article_id]] for article_id in group["articles"]]


def _current_story(out: Path, story_id: str) -> dict:
    from pipeline.report import CURRENT_STORIES_SQL

    con = duckdb.connect()
    cursor = con.execute(f"SELECT * FROM ({CURRENT_STORIES_SQL.format(folder=out / 'stories')}) WHERE story_id = ?",
                         [story_id])
    (row,) = cursor.fetchall()
    return dict(zip([d[0] for d in cursor.description], row))


def test_a_story_edited_by_three_outlets_is_one_story_with_three_sources(demo):
    out, _, expected = demo
    copies = _same_story_rows(out, expected, "edited_copies")
    assert len({r["canonical_url"] for r in copies}) == 3  # each copy keeps its own address
    assert len({r["content_sha256"] for r in copies}) == 3  # new headline, trimmed, inserted paragraph
    (story_id,) = {r["story_id"] for r in copies}
    assert [r["version"] for r in copies] == [1, 1, 1]  # three outlets' first copies
    story = _current_story(out, story_id)
    assert story["n_sources"] == 3 and story["n_articles"] == 3
    assert sorted(story["sources"]) == sorted(r["source"] for r in copies)
    assert sorted(story["article_ids"]) == sorted(r["article_id"] for r in copies)


def test_a_toll_updated_by_the_same_outlet_is_one_story_in_two_versions(demo):
    out, _, expected = demo
    morning, evening = _same_story_rows(out, expected, "same_outlet_update")
    assert morning["source"] == evening["source"] and morning["canonical_url"] != evening["canonical_url"]
    assert morning["story_id"] == evening["story_id"]
    assert (morning["version"], evening["version"]) == (1, 2)
    story = _current_story(out, morning["story_id"])
    assert story["n_sources"] == 1 and story["n_articles"] == 2
    (killed,) = [c for c in story["event_counts"] if c["category"] == "killed"]
    assert killed["low"] == 14 and killed["latest_article_id"] == evening["article_id"]  # the latest report's figure
    assert (killed["min_reported"], killed["max_reported"], killed["n_reports"]) == (9, 14, 2)


def test_rerun_on_the_same_state_writes_no_duplicates(demo):
    out, results, _ = demo
    first, second = articles(out, "first-run"), articles(out, "second-run")
    assert len(first) >= 15 and len(second) == 0
    manifest = json.loads((out / "runs" / "second-run.json").read_text())
    c = manifest["counters"]
    # Feeds read completely last time answer 304 to a conditional GET; the feed
    # with the failed page is read again in full, and its good items are
    # recognised as written before any page is fetched.
    feeds = {f["feed_url"]: f for f in manifest["feeds"]}
    first_feeds = {f["feed_url"]: f for f in json.loads((out / "runs" / "first-run.json").read_text())["feeds"]}
    for url, feed in feeds.items():
        assert feed["not_modified"] == (first_feeds[url]["dead_lettered"] == 0), url
    assert sum(f["not_modified"] for f in feeds.values()) == 3
    failing_feed = next(f for f in first_feeds.values() if f["dead_lettered"])
    assert c["items_already_written"] == failing_feed["items_seen"] - 1
    assert c["pages_fetched"] == 0 and c["written"] == 0  # only the failed page is tried (and fails) again
    assert c["dead_letters_by_error"] == {"page:http_error": 1}  # failures are retried each run
    assert "0 article rows" in results[1].stdout


def test_two_runs_leave_both_sets_of_files(demo):
    out, _, _ = demo
    first, fresh = articles(out, "first-run"), articles(out, "fresh-state-run")
    assert len(first) == len(fresh) >= 15
    assert set(first["article_id"]) == set(fresh["article_id"])  # stable ids across runs
    names = [p.name for p in (out / "articles").rglob("*.parquet")]
    assert any(n.startswith("first-run-") for n in names) and any(n.startswith("fresh-state-run-") for n in names)
    for run_id, _, _ in RUNS:
        assert (out / "runs" / f"{run_id}.json").exists()
    assert not [p for p in out.rglob(".*") if p.is_file()], "no hidden temp files left"


def test_pyarrow_dataset_and_pandas_read_the_output(demo):
    out, _, _ = demo
    dataset = ds.dataset(str(out / "articles"), format="parquet", partitioning="hive")
    table = dataset.to_table(columns=["article_id", "date", "run_id"])
    assert table.num_rows == len(articles(out, "first-run")) * 2
    frame = pd.read_parquet(out / "articles")
    assert len(frame) == table.num_rows


def test_reusing_a_finished_run_id_is_refused(demo):
    out, _, _ = demo
    result = wirebeam("run", "--feeds", "http://127.0.0.1:1/feed.xml", "--output", str(out), "--run-id", "first-run")
    assert result.returncode == 2
    assert "already finished" in result.stderr


def test_places_reach_the_articles_their_count_rows_and_the_stories(demo):
    out, _, expected = demo
    rows = {r["article_id"]: r for p in (out / "articles").rglob("first-run-*.parquet") for r in pq.read_table(p).to_pylist()}
    english = [r for r in rows.values() if r["language"] == "en"]
    assert english and all(r["primary_country"] and r["primary_country"] in r["countries"] for r in english)
    by_dateline = {r["dateline_place"]: (r["dateline_geo"]["country_code"], r["primary_country"]) for r in english}
    assert (by_dateline["KABUL"], by_dateline["BAGHDAD"], by_dateline["LIMA"]) == (("AF", "AF"), ("IQ", "IQ"), ("PE", "PE"))
    # filed from the UN's seat about Sudan: the dateline is New York's, the article Sudan's
    assert by_dateline["UNITED NATIONS"] == ("US", "SD")  # every dateline: tests/enrich/geo/test_geo_sample.py
    named = [q for r in english for q in r["quantities"] if q["place"] in {"Kabul", "Haiti", "Colombia", "Indonesia"}]
    assert named and all(q["place_geo"] and q["place_geo"]["country_code"] for q in named)
    places = [e for r in english for e in r["entities"] if e["label"] in ("GPE", "NORP") and e["geo"]]
    assert places and all(-90 <= e["geo"]["lat"] <= 90 and 0 < e["geo"]["confidence"] <= 1 for e in places)
    morning, _ = _same_story_rows(out, expected, "same_outlet_update")  # the Peru bus crash, datelined LIMA
    story = _current_story(out, morning["story_id"])
    assert (story["country_code"], story["admin1"]) == ("PE", "Lima")
    assert story["place"]["name"] == "Lima" and story["lat"] == story["place"]["lat"] and story["lon"] is not None
    stories = duckdb.connect().execute(
        f"SELECT * FROM read_parquet('{out}/stories/*/*.parquet', union_by_name = true) WHERE run_id = 'first-run'").df()
    with_dateline = stories[stories["representative_article_id"].map(lambda a: bool(rows[a]["dateline_place"]))]
    assert len(with_dateline) > 10
    for _, s in with_dateline.iterrows():  # a story's country is its representative copy's primary country
        assert s["country_code"] == rows[s["representative_article_id"]]["primary_country"], s["title"]
    assert "CH" in set(with_dateline["country_code"])  # the German page too (SITTEN), which the model skips
