"""Two-phase article output: staged temp files, small claims, finalized partitions."""

import pickle
import time
from datetime import datetime, timedelta, timezone

import apache_beam as beam
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipeline.stories.copies import DUPLICATES, KeepOneCopy, choose_copy
from pipeline.sinks import staging
from pipeline.sinks.staging import (
    FinalizePartitions,
    StageRows,
    StageRowsFn,
    claim_of,
    copy_kept_rows,
    delete_staging,
    remove_stale_staging,
    stale_staging_runs,
    staging_folder,
    write_partition_from_staged,
)
from apache_beam.transforms.window import GlobalWindow, IntervalWindow

T0 = datetime(2026, 3, 24, 12, 0, tzinfo=timezone.utc)
SCHEMA = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("canonical_url", pa.string()),
        pa.field("word_count", pa.int32()),
        pa.field("published_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("text", pa.string()),
    ]
)


def row(article_id: str, url: str | None = None, *, day: int = 0, words: int = 10, text: str = "") -> dict:
    url = url or f"https://x.test/{article_id}"
    return {
        "article_id": article_id, "url": url, "canonical_url": f"https://x.test/{article_id}",
        "word_count": words, "published_at": T0 + timedelta(days=day), "text": text or f"text of {url}",
    }


def stage(output: str, rows: list[dict], run_id: str = "r1", window=GlobalWindow()) -> list[dict]:
    fn = StageRowsFn(output, run_id, "articles", SCHEMA, "published_at")
    fn.setup()
    fn.start_bundle()
    claims = [claim for r in rows for claim in fn.process(r, window=window)]
    fn.finish_bundle()
    return claims


def test_claim_is_small_whatever_the_row_carries():
    big = row("a", text="word " * 40_000)  # ~200 KB of text, entities would be more
    claim = claim_of(big, "/tmp/_temporary/r/articles/date=2026-03-24/f.parquet", 7, "2026-03-24")
    assert claim["row_index"] == 7 and claim["article_id"] == "a" and "text" not in claim
    assert len(pickle.dumps(claim)) < 1_000 < len(pickle.dumps(big)) // 100


def test_stage_dofn_streams_rows_into_one_temp_file_per_date(tmp_path):
    rows = [row(f"a{i}", day=i % 2) for i in range(150)]
    claims = stage(str(tmp_path), rows)

    assert [c["article_id"] for c in claims] == [r["article_id"] for r in rows]
    files = sorted(tmp_path.rglob("*.parquet"))
    assert sorted(f.parent.name for f in files) == ["date=2026-03-24", "date=2026-03-25"]
    assert {f.parent.parent for f in files} == {tmp_path / "_temporary" / "r1" / "articles"}
    for path in files:
        staged = pq.ParquetFile(path)
        assert staged.metadata.num_rows == 75
        assert staged.metadata.row_group(0).num_rows == staging.ROWS_PER_GROUP  # flushed as it went
        ids = staged.read().column("article_id").to_pylist()
        for claim in (c for c in claims if c["staged_path"] == str(path)):
            assert ids[claim["row_index"]] == claim["article_id"]


def test_copy_kept_rows_takes_exactly_the_claimed_rows_across_row_groups(tmp_path):
    claims = stage(str(tmp_path), [row(f"a{i:03d}") for i in range(200)])
    path = claims[0]["staged_path"]
    out = tmp_path / "out.parquet"
    keep = [0, 63, 64, 65, 127, 128, 199]
    with pq.ParquetWriter(out, SCHEMA) as writer:
        assert copy_kept_rows(path, keep, writer) == len(keep)
    assert pq.read_table(out).column("article_id").to_pylist() == [f"a{i:03d}" for i in keep]
    with pq.ParquetWriter(tmp_path / "bad.parquet", SCHEMA) as writer, pytest.raises(ValueError, match="row 200"):
        copy_kept_rows(path, [5, 200], writer)


def test_partition_from_two_staged_files_is_atomic(tmp_path):
    first = stage(str(tmp_path / "s"), [row("a"), row("b"), row("c")])
    second = stage(str(tmp_path / "s"), [row("d"), row("e")])
    final = str(tmp_path / "articles" / "date=2026-03-24" / "r1-0.parquet")
    kept = [first[2], second[0], first[0]]
    assert write_partition_from_staged(final, kept, SCHEMA) == 3
    assert sorted(pq.read_table(final).column("article_id").to_pylist()) == ["a", "c", "d"]
    assert [p.name for p in (tmp_path / "articles" / "date=2026-03-24").iterdir()] == ["r1-0.parquet"]

    broken = [{**first[0], "staged_path": str(tmp_path / "missing.parquet")}]
    with pytest.raises(Exception):
        write_partition_from_staged(final.replace("r1-0", "r1-1"), broken, SCHEMA)
    assert sorted(p.name for p in (tmp_path / "articles" / "date=2026-03-24").iterdir()) == ["r1-0.parquet"]


def test_a_window_stages_into_the_temp_folder_of_its_own_run(tmp_path):
    window = IntervalWindow(1_700_000_040, 1_700_000_100)  # 2023-11-14T22:14:00Z
    claims = stage(str(tmp_path), [row("a")], run_id="s1", window=window)
    assert claims[0]["staged_path"].startswith(str(tmp_path / "_temporary" / "s1-20231114T221400Z" / "articles"))


def test_choose_copy_keeps_the_canonical_page():
    canonical = claim_of(row("a", "https://x.test/a", words=5), "f", 0, "d")
    http_copy = claim_of(row("a", "http://x.test/a", words=500), "f", 1, "d")
    out = list(choose_copy([http_copy, canonical]))
    assert out[-1] == canonical
    assert [o.tag for o in out[:-1]] == [DUPLICATES] and out[0].value == http_copy
    assert list(choose_copy([])) == []


def test_pipeline_writes_one_copy_per_unseen_article_and_ignores_orphans(tmp_path):
    from pipeline.state.transforms import DropSeen, SeenSet

    output = str(tmp_path)
    # A failed bundle attempt's file: staged, never claimed downstream.
    stage(output, [row("orphan")])
    rows = [row(f"a{i}", day=i % 3) for i in range(40)]
    rows += [row("a1", "http://x.test/a1", day=1, words=999), row("old", day=2)]

    with TestPipeline(runner="FnApiRunner") as p:
        claims = p | beam.Create(rows) | "Stage" >> StageRows(output, "r1", "articles", SCHEMA,
                                                               date_column="published_at")
        copies = claims | KeepOneCopy()
        seen = p | "Seen" >> beam.Create([SeenSet.of(["old", "never-fetched"])])
        chosen = copies.kept | DropSeen(seen, key=lambda claim: claim["article_id"])
        written = chosen.unseen | FinalizePartitions("articles", f"{output}/articles", SCHEMA, "r1",
                                                     key_column="article_id")
        assert_that(written | beam.Map(lambda f: f.rows) | beam.CombineGlobally(sum), equal_to([40]), label="rows")
        assert_that(chosen.already_seen | beam.Map(lambda c: c["article_id"]), equal_to(["old"]), label="seen")
        assert_that(copies[DUPLICATES] | beam.Map(lambda c: c["url"]), equal_to(["http://x.test/a1"]), label="dups")

    con = duckdb.connect()
    table = f"read_parquet('{output}/articles/*/*.parquet', hive_partitioning = true)"
    assert con.execute(f"SELECT count(*), count(DISTINCT article_id) FROM {table}").fetchone() == (40, 40)
    assert con.execute(f"SELECT url FROM {table} WHERE article_id = 'a1'").fetchall() == [("https://x.test/a1",)]
    assert con.execute(f"SELECT count(*) FROM {table} WHERE article_id IN ('old', 'orphan')").fetchone() == (0,)
    partitions = sorted(p.parent.name for p in (tmp_path / "articles").rglob("*.parquet"))
    assert partitions == ["date=2026-03-24", "date=2026-03-25", "date=2026-03-26"]

    delete_staging(staging_folder(output, "r1"))
    assert not (tmp_path / "_temporary" / "r1").exists()


def test_stale_staging_runs_are_finished_dead_or_long_untouched_never_current_or_live():
    staged = {"current": 0.0, "finished": 990.0, "killed": 995.0, "live": 990.0, "ancient": 1.0}
    assert stale_staging_runs(staged, current_run="current", dead_runs={"finished", "killed"}, now=1000.0,
                              max_age=100.0) == ["ancient", "finished", "killed"]


def test_remove_stale_staging_keeps_a_run_that_may_still_be_going(tmp_path):
    output = str(tmp_path)
    for run_id in ("killed", "live", "current"):
        stage(output, [row("a")], run_id=run_id)
    removed = remove_stale_staging(output, current_run="current", dead_runs={"killed", "never-staged"}, now=time.time())
    assert removed == ["killed"]
    assert sorted(p.name for p in (tmp_path / "_temporary").iterdir()) == ["current", "live"]
    later = time.time() + staging.STALE_STAGING_SECONDS + 60  # two days on, nobody finished "live"
    assert remove_stale_staging(output, current_run="current", dead_runs=set(), now=later) == ["live"]
    assert remove_stale_staging(str(tmp_path / "nothing-here"), current_run="c", dead_runs=set(), now=later) == []
    delete_staging(staging_folder(output, "never-existed"))  # not an error


def test_a_failed_bundle_leaves_no_open_file_and_its_rows_are_never_claimed(tmp_path):
    fn = StageRowsFn(str(tmp_path), "r1", "articles", SCHEMA, "published_at")
    fn.setup()
    fn.start_bundle()
    window = GlobalWindow()
    failed = [c for r in [row("a"), row("b")] for c in fn.process(r, window)]  # ... then the bundle fails
    fn.start_bundle()  # the runner retries with the same instance
    retried = [c for r in [row("a"), row("b")] for c in fn.process(r, window)]
    fn.finish_bundle()
    fn.teardown()
    assert {c["staged_path"] for c in failed}.isdisjoint({c["staged_path"] for c in retried})
    for claim in failed + retried:  # both files were closed (a readable footer), so both can be deleted
        assert pq.ParquetFile(claim["staged_path"]).metadata.num_rows == 2
